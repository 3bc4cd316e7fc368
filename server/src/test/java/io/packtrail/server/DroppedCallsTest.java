package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
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
import io.packtrail.server.testing.Statuses;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.RecordEventResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** The server does no database work for a step whose caller has already given up. */
class DroppedCallsTest {
  /** Keeps each RecordEvent call's context, to see when the server learns a caller gave up. */
  static final class RecordContexts implements ServerInterceptor {
    final List<Context> contexts = new CopyOnWriteArrayList<>();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      if (call.getMethodDescriptor().getBareMethodName().equals("RecordEvent")) {
        contexts.add(Context.current());
      }
      return next.startCall(call, headers);
    }
  }

  @Test
  void aStepWhoseDeadlinePassedWhileQueuedIsNotRecorded() throws Exception {
    RecordContexts calls = new RecordContexts();
    String name = InProcessServerBuilder.generateName();
    try (TestDatabases.Fresh db = TestDatabases.create("DroppedCallsTest");
        PacktrailServer server = PacktrailServer.start(
            InProcessServerBuilder.forName(name).intercept(calls), db.database().jdbi(),
            PacktrailServer.Settings.defaults())) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
        Fixtures.network(client);
        String held = Fixtures.registeredPack(client);
        String abandoned = Fixtures.registeredPack(client);
        client.recordEvent(Fixtures.sale(Fixtures.registeredPack(client))); // warms the caches
        int before = calls.contexts.size();

        try (Handle lock = db.database().jdbi().open()) {
          // the sequencer's next batch waits for the log head...
          lock.begin();
          lock.execute("SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE");
          ListenableFuture<RecordEventResponse> first =
              EventServiceGrpc.newFutureStub(channel).recordEvent(Fixtures.sale(held));
          awaitTrue(() -> lock.createQuery("SELECT count(*) FROM pg_stat_activity "
                  + "WHERE datname = current_database() AND wait_event_type = 'Lock'")
              .mapTo(Integer.class).one() >= 1, "the sequencer waits on the log head");
          // ...while a second step queues behind it until its caller gives up
          Statuses.assertFails(Status.Code.DEADLINE_EXCEEDED, () -> EventServiceGrpc
              .newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
              .recordEvent(Fixtures.sale(abandoned)));
          Context gaveUp = calls.contexts.get(before + 1);
          awaitTrue(gaveUp::isCancelled, "the server knows the caller gave up");
          lock.rollback();
          assertEquals(2, first.get().getEvent().getSequence());
        }
        // a later step is queued behind the abandoned one, so it has been dealt with by now
        client.recordEvent(Fixtures.sale(Fixtures.registeredPack(client)));
        assertEquals(1, client.getUnit(abandoned).getEventCount(),
            "the abandoned step was not recorded");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
