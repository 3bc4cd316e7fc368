package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
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
    Context.CancellableContext first = Context.current().withCancellation();
    first.run(() -> harness.eventsAsync().watchEvents(
        WatchEventsRequest.newBuilder().setFromHead(true).build(), ignore()));
    Thread.sleep(200); // the first watch is registered
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, outcomeOfAnotherWatch());
    first.cancel(null);
    long deadline = System.currentTimeMillis() + 5_000;
    Status.Code code;
    do {
      Thread.sleep(100);
      code = outcomeOfAnotherWatch();
    } while (code == Status.Code.RESOURCE_EXHAUSTED && System.currentTimeMillis() < deadline);
    assertEquals(Status.Code.OK, code, "the cancelled watcher's slot is free again");
  }

  /** Opens a watch; OK when it is accepted (then cancelled), else its error code. */
  private static Status.Code outcomeOfAnotherWatch() throws Exception {
    CompletableFuture<Status.Code> outcome = new CompletableFuture<>();
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> harness.eventsAsync().watchEvents(
        WatchEventsRequest.newBuilder().setFromHead(true).build(), new StreamObserver<>() {
          public void onNext(WatchEventsResponse value) {
          }

          public void onError(Throwable t) {
            outcome.complete(Status.fromThrowable(t).getCode());
          }

          public void onCompleted() {
            outcome.complete(Status.Code.OK);
          }
        }));
    try {
      return outcome.get(500, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException stillOpen) {
      return Status.Code.OK;
    } finally {
      ctx.cancel(null);
    }
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
