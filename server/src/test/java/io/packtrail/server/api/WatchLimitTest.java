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
