package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK's event subscription, as a caller of the SDK relies on it. */
class EventSubscriptionTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @Test
  void anEventTheCallerFailsOnIsWhereTheSubscriptionWouldResume() throws Exception {
    Fixtures.network(harness.client());
    String pack = Fixtures.registeredPack(harness.client());
    long registered = harness.client().listEvents(pack).get(0).getLogIndex();
    long sold = harness.client().recordEvent(Fixtures.sale(pack)).getLogIndex();
    List<Event> taken = new CopyOnWriteArrayList<>();
    AtomicReference<StatusRuntimeException> failure = new AtomicReference<>();
    CountDownLatch ended = new CountDownLatch(1);
    try (PacktrailClient.EventSubscription subscription = harness.client().watchEvents(
        registered, e -> {
          if (!taken.isEmpty()) {
            throw new IllegalStateException("the caller cannot take a second event");
          }
          taken.add(e);
        }, f -> {
          failure.set(f);
          ended.countDown();
        })) {
      assertTrue(ended.await(20, TimeUnit.SECONDS), "the failure ends the watch");
      // the first event was taken; the second was not: a watch resumed from here gets it
      assertEquals(1, taken.size());
      assertEquals(registered, taken.get(0).getLogIndex());
      assertTrue(sold > registered);
      assertEquals(registered + 1, subscription.nextLogIndex(),
          "the event the caller failed on is not skipped by a resumed watch");
      assertTrue(subscription.isClosed(), "a watch that failed has ended, its retries with it");
    }
  }

  @Test
  void closingTheClientEndsItsWatches() {
    PacktrailClient client = PacktrailClient.over(harness.channel(),
        java.time.Duration.ofSeconds(20));
    PacktrailClient.EventSubscription subscription = client.watchEvents(0, e -> { }, f -> { });
    client.close();
    // left open, it took the channel's end for an outage and retried every 5 s for ever
    assertTrue(subscription.isClosed());
  }
}
