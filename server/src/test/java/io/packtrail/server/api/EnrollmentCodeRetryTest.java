package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.Statuses;
import io.packtrail.server.testing.TestDatabases;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The SDK's retry policy, on a channel built with it: a write whose answer is lost after it
 * committed (here the server's first answer is replaced by UNAVAILABLE) is retried with the same
 * id and answered, except CreateEnrollmentCode, whose retry would be answered without the
 * code's text: the client would return a code nobody can use, saying nothing. Its UNAVAILABLE
 * reaches the caller, whose own retry with the id says the code was made.
 */
class EnrollmentCodeRetryTest {
  /** Replaces the first answer of each method named with UNAVAILABLE, after the work is done. */
  static final class LoseFirstAnswer implements ServerInterceptor {
    final AtomicInteger lost = new AtomicInteger();
    private final java.util.Set<String> methods;
    private final java.util.Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();

    LoseFirstAnswer(String... methods) {
      this.methods = java.util.Set.of(methods);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      String method = call.getMethodDescriptor().getBareMethodName();
      if (!methods.contains(method) || !done.add(method)) {
        return next.startCall(call, headers);
      }
      return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata answerHeaders) {
          // swallowed with the answer: a client retries only a call that got no headers
        }

        @Override
        public void sendMessage(A message) {
          // swallowed: the answer is lost on its way
        }

        @Override
        public void close(Status status, Metadata trailers) {
          lost.incrementAndGet();
          super.close(status.isOk() ? Status.UNAVAILABLE.withDescription("the answer was "
              + "lost on its way (a test's)") : status, trailers);
        }
      }, headers);
    }
  }

  @Test
  void aLostEnrollmentCodeAnswerIsNotRetriedUnseenButAnotherWriteIs() throws Exception {
    LoseFirstAnswer loser = new LoseFirstAnswer("CreateEnrollmentCode", "CreateSite");
    String name = InProcessServerBuilder.generateName();
    try (TestDatabases.Fresh db = TestDatabases.create("EnrollmentCodeRetry");
        PacktrailServer server = PacktrailServer.start(
            InProcessServerBuilder.forName(name).intercept(loser), db.database().jdbi(),
            PacktrailServer.Settings.defaults())) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name)
          .defaultServiceConfig(PacktrailClient.retryServiceConfig()).enableRetry().build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
        // another write (CreateSite, through Fixtures.network) is retried by the channel with
        // the same id, and its retry answered: the caller sees success
        Fixtures.network(client);
        assertEquals(1, loser.lost.get(), "the site's first answer was lost and retried");

        String requestId = UUID.randomUUID().toString();
        Statuses.assertFails(Status.Code.UNAVAILABLE,
            () -> client.createEnrollmentCode(Fixtures.STATION, requestId));
        assertEquals(2, loser.lost.get());
        // made, as the caller's own retry tells: without its text, which was shown once
        io.packtrail.v1.EnrollmentCode again = client.createEnrollmentCode(Fixtures.STATION,
            requestId);
        assertFalse(again.getName().isEmpty());
        assertTrue(again.getCode().isEmpty(), "the text is not shown a second time");
        // a new id makes a usable code
        assertFalse(client.createEnrollmentCode(Fixtures.STATION, UUID.randomUUID().toString())
            .getCode().isEmpty());
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
