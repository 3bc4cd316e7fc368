package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The SDK's retries are safe: when the answer to a committed step is lost, the SDK retries with
 * the same event id and the server answers with the original event instead of recording twice.
 */
class SdkRetryTest {
  /** Lets the first RecordEvent run and commit, then drops its answer as a network would. */
  static final class LoseFirstAnswer implements ServerInterceptor {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      boolean record = call.getMethodDescriptor().getFullMethodName()
          .equals("packtrail.v1.EventService/RecordEvent");
      if (!record || calls.incrementAndGet() > 1) {
        return next.startCall(call, headers);
      }
      return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata responseHeaders) {
          // nothing reaches the client, so it may retry
        }

        @Override
        public void sendMessage(A message) {
          // the step is committed; its answer is lost on the way back
        }

        @Override
        public void close(Status status, Metadata trailers) {
          super.close(Status.UNAVAILABLE.withDescription("connection reset"), new Metadata());
        }
      }, headers);
    }
  }

  @Test
  void aLostAnswerIsRetriedWithTheSameIdAndRecordedOnce() throws Exception {
    LoseFirstAnswer network = new LoseFirstAnswer();
    String name = InProcessServerBuilder.generateName();
    try (TestDatabases.Fresh db = TestDatabases.create("SdkRetryTest");
        PacktrailServer server = PacktrailServer.start(
            InProcessServerBuilder.forName(name).intercept(network), db.database().jdbi(),
            PacktrailServer.Settings.defaults())) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name)
          .defaultServiceConfig(PacktrailClient.retryServiceConfig()).enableRetry().build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
        Fixtures.network(client);
        String code = Fixtures.registeredPack(client);
        // no event id: the SDK chooses one before the first attempt and keeps it for retries
        RecordEventRequest sale = Fixtures.sale(code).toBuilder().clearEventId().build();
        Event event = client.recordEvent(sale);
        assertEquals(2, network.calls.get(), "one lost answer, one retry");
        assertEquals(2, event.getSequence());
        assertEquals(2, client.getUnit(code).getEventCount(), "recorded once");
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
