package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each watcher holds a thread, so a server takes a bounded number of them. */
class WatchLimitTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s.withMaxWatchers(1));

  @Test
  void aWatcherBeyondTheLimitIsResourceExhaustedAndTheSlotFreesOnCancel() throws Exception {
    // a non-empty log: a watch from index 0 that is accepted delivers at once
    Fixtures.network(harness.client());
    Fixtures.registeredPack(harness.client());
    Context.CancellableContext first = Context.current().withCancellation();
    CompletableFuture<Status.Code> firstOutcome = new CompletableFuture<>();
    first.run(() -> watchFromTheStart(firstOutcome));
    assertEquals(Status.Code.OK, firstOutcome.get(10, TimeUnit.SECONDS),
        "the first watch is accepted and holds the only slot");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, outcomeOfAnotherWatch());
    first.cancel(null);
    // the slot is freed by the watcher's thread once it sees the cancellation: try until then
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Status.Code code;
    do {
      code = outcomeOfAnotherWatch();
    } while (code == Status.Code.RESOURCE_EXHAUSTED && System.nanoTime() < deadline);
    assertEquals(Status.Code.OK, code, "the cancelled watcher's slot is free again");
  }

  @Test
  void aWatchCancelledWhileItsReadWaitsFreesItsSlotAtOnce() throws Exception {
    Fixtures.network(harness.client());
    Fixtures.registeredPack(harness.client());
    // the event table locked by another transaction: a watcher's read waits on it
    try (org.jdbi.v3.core.Handle lock = harness.jdbi().open()) {
      lock.begin();
      try {
        whileTheEventTableIsLocked(lock);
      } finally {
        lock.rollback();
      }
    }
  }

  private static void whileTheEventTableIsLocked(org.jdbi.v3.core.Handle lock)
      throws Exception {
    lock.execute("LOCK TABLE event IN ACCESS EXCLUSIVE MODE");
    Context.CancellableContext first = Context.current().withCancellation();
    CompletableFuture<Status.Code> firstOutcome = new CompletableFuture<>();
    first.run(() -> watchFromTheStart(firstOutcome));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (watcherReadsWaiting() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    // the watcher is inside its read (not before it, where a cancel frees the slot anyway)
    assertEquals(1, watcherReadsWaiting(), "the watcher's read waits on the lock");
    first.cancel(null);
    // while the lock is still held: another watch gets the slot (accepted, and waiting on the
    // lock in turn, it answers nothing) instead of RESOURCE_EXHAUSTED until the read ends
    Status.Code code;
    do {
      CompletableFuture<Status.Code> outcome = new CompletableFuture<>();
      Context.CancellableContext ctx = Context.current().withCancellation();
      ctx.run(() -> watchFromTheStart(outcome));
      try {
        code = outcome.get(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException accepted) {
        code = null;
      } finally {
        ctx.cancel(null);
      }
    } while (code == Status.Code.RESOURCE_EXHAUSTED && System.nanoTime() < deadline);
    assertEquals(null, code, "the cancelled watcher's slot is free while the lock is held");
  }

  /**
   * This database's sessions in a watcher's read of the log (EventDao/listFromLogIndex.sql)
   * that wait for a lock.
   */
  private static int watcherReadsWaiting() {
    return harness.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = current_database() AND wait_event_type = 'Lock' "
        + "AND query LIKE 'SELECT * FROM event%WHERE log_index >= %ORDER BY log_index%'")
        .mapTo(Integer.class).one());
  }

  /**
   * Opens a watch from log index 0; OK once it delivers an event (it was accepted; it is then
   * cancelled), else its error code.
   */
  private static Status.Code outcomeOfAnotherWatch() throws Exception {
    CompletableFuture<Status.Code> outcome = new CompletableFuture<>();
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> watchFromTheStart(outcome));
    try {
      return outcome.get(10, TimeUnit.SECONDS);
    } finally {
      ctx.cancel(null);
    }
  }

  /** Completes {@code outcome} with OK at the first event, else with the error's code. */
  private static void watchFromTheStart(CompletableFuture<Status.Code> outcome) {
    harness.eventsAsync().watchEvents(WatchEventsRequest.newBuilder().setStartLogIndex(0).build(),
        new StreamObserver<>() {
          public void onNext(WatchEventsResponse value) {
            outcome.complete(Status.Code.OK);
          }

          public void onError(Throwable t) {
            outcome.complete(Status.fromThrowable(t).getCode());
          }

          public void onCompleted() {
            outcome.completeExceptionally(new AssertionError("a watch never completes by itself"));
          }
        });
  }

  private static StreamObserver<WatchEventsResponse> ignore() {
    return new StreamObserver<>() {
      public void onNext(WatchEventsResponse value) {
      }

      public void onError(Throwable t) {
      }

      public void onCompleted() {
      }
    };
  }
}
