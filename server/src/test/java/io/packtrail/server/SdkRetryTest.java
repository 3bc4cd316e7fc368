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
  /**
   * Lets the first call of each method named run and commit, then drops its answer as a network
   * would (before its headers: a client retries only a call that got none).
   */
  static final class LoseFirstAnswer implements ServerInterceptor {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    private final java.util.Set<String> methods;
    private final java.util.Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();

    LoseFirstAnswer(String... bareMethodNames) {
      this.methods = java.util.Set.of(bareMethodNames);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      String method = call.getMethodDescriptor().getBareMethodName();
      if (methods.contains(method)) {
        calls.incrementAndGet();
      }
      if (!methods.contains(method) || !done.add(method)) {
        return next.startCall(call, headers);
      }
      return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata responseHeaders) {
          // nothing reaches the client, so it may retry
        }

        @Override
        public void sendMessage(A message) {
          // the write is committed; its answer is lost on the way back
        }

        @Override
        public void close(Status status, Metadata trailers) {
          lost.incrementAndGet();
          super.close(Status.UNAVAILABLE.withDescription("connection reset"), new Metadata());
        }
      }, headers);
    }
  }

  /** What a test does with a client whose channel has the SDK's retry policy. */
  @FunctionalInterface
  interface ClientWork {
    void run(PacktrailClient client) throws Exception;
  }

  /**
   * Runs {@code work} with a client over a channel built with the SDK's retry policy, to an
   * in-process server on a database of its own whose answers pass {@code network}.
   */
  static void withRetryingClient(String label, LoseFirstAnswer network, ClientWork work)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (TestDatabases.Fresh db = TestDatabases.create(label);
        PacktrailServer server = PacktrailServer.start(
            InProcessServerBuilder.forName(name).intercept(network), db.database().jdbi(),
            PacktrailServer.Settings.defaults())) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name)
          .defaultServiceConfig(PacktrailClient.retryServiceConfig()).enableRetry().build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
        work.run(client);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void aLostAnswerIsRetriedWithTheSameIdAndRecordedOnce() throws Exception {
    LoseFirstAnswer network = new LoseFirstAnswer("RecordEvent");
    withRetryingClient("SdkRetryTest", network, client -> {
      Fixtures.network(client);
      String code = Fixtures.registeredPack(client);
      // no event id: the SDK chooses one before the first attempt and keeps it for retries
      RecordEventRequest sale = Fixtures.sale(code).toBuilder().clearEventId().build();
      Event event = client.recordEvent(sale);
      assertEquals(2, network.calls.get(), "one lost answer, one retry");
      assertEquals(2, event.getSequence());
      assertEquals(2, client.getUnit(code).getEventCount(), "recorded once");
    });
  }

  /**
   * Every write is retried so, but CreateEnrollmentCode: its retry would be answered without
   * the code's text (shown once only), and the client would return a code nobody can use,
   * saying nothing. Its UNAVAILABLE reaches the caller, whose own retry with the id tells that
   * the code was made.
   */
  @Test
  void aLostEnrollmentCodeAnswerIsNotRetriedUnseenButAnotherWriteIs() throws Exception {
    LoseFirstAnswer network = new LoseFirstAnswer("CreateEnrollmentCode", "CreateSite");
    withRetryingClient("SdkRetryEnrollment", network, client -> {
      // CreateSite (in Fixtures.network) is retried with the same id and answered
      Fixtures.network(client);
      assertEquals(1, network.lost.get(), "the first site's answer was lost and retried");

      String requestId = java.util.UUID.randomUUID().toString();
      io.packtrail.server.testing.Statuses.assertFails(Status.Code.UNAVAILABLE,
          () -> client.createEnrollmentCode(Fixtures.STATION, requestId));
      assertEquals(2, network.lost.get());
      // made, as the caller's own retry tells: without its text, which was shown once
      io.packtrail.v1.EnrollmentCode again = client.createEnrollmentCode(Fixtures.STATION,
          requestId);
      org.junit.jupiter.api.Assertions.assertFalse(again.getName().isEmpty());
      org.junit.jupiter.api.Assertions.assertTrue(again.getCode().isEmpty(),
          "the text is not shown a second time");
      // a new id makes a usable code
      org.junit.jupiter.api.Assertions.assertFalse(client.createEnrollmentCode(
          Fixtures.STATION, java.util.UUID.randomUUID().toString()).getCode().isEmpty());
    });
  }
}
