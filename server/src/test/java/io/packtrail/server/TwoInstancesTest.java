package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.Database;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.LogEntries;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.Event;
import io.packtrail.v1.RemovalReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Scale-out: two server instances, each with its own pool, on one PostgreSQL. Both write the
 * same units at once; the log stays one gapless, hash-chained sequence and a watcher on either
 * instance sees all of it, in the same order.
 */
class TwoInstancesTest {
  private static final int PACKS = 40;

  @Test
  void twoServersOnOneDatabaseKeepOneLogAndBothWatchersSeeAllOfIt() throws Exception {
    String nameA = InProcessServerBuilder.generateName();
    String nameB = InProcessServerBuilder.generateName();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    // every instance must open the keys sealed in the shared database: one key-encryption key
    PacktrailServer.Settings settings =
        PacktrailServer.Settings.defaults().withSealer(KeySealer.random());
    try (TestDatabases.Fresh db = TestDatabases.create("TwoInstancesTest");
        Database secondPool = db.openAnother(8);
        PacktrailServer a = PacktrailServer.start(InProcessServerBuilder.forName(nameA),
            db.database().jdbi(), settings);
        PacktrailServer b = PacktrailServer.start(InProcessServerBuilder.forName(nameB),
            secondPool.jdbi(), settings)) {
      ManagedChannel channelA = InProcessChannelBuilder.forName(nameA).build();
      ManagedChannel channelB = InProcessChannelBuilder.forName(nameB).build();
      AtomicReference<StatusRuntimeException> watchFailed = new AtomicReference<>();
      BlockingQueue<Event> seenByA = new LinkedBlockingQueue<>();
      BlockingQueue<Event> seenByB = new LinkedBlockingQueue<>();
      try (PacktrailClient clientA = PacktrailClient.over(channelA, Duration.ofSeconds(20));
          PacktrailClient clientB = PacktrailClient.over(channelB, Duration.ofSeconds(20));
          PacktrailClient.EventSubscription watchA =
              clientA.watchEvents(0, seenByA::add, watchFailed::set);
          PacktrailClient.EventSubscription watchB =
              clientB.watchEvents(0, seenByB::add, watchFailed::set)) {
        Fixtures.network(clientA);
        // each unit's steps alternate between the instances, and all units are written at once
        List<Future<?>> journeys = new ArrayList<>();
        for (int i = 0; i < PACKS; i++) {
          PacktrailClient first = i % 2 == 0 ? clientA : clientB;
          PacktrailClient other = i % 2 == 0 ? clientB : clientA;
          journeys.add(writers.submit(() -> {
            String code = Fixtures.registeredPack(first);
            other.recordEvent(Fixtures.sale(code));
            first.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
            other.recordEvent(Fixtures.collection(code));
            return null;
          }));
        }
        for (Future<?> journey : journeys) {
          journey.get();
        }
        // the log holds the events and the network's registry entries, without a gap
        long logSize = LogEntries.assertGapFree(db.database().jdbi());
        long entries = LogEntries.from(db.database().jdbi(), 0).size();
        assertEquals(4L * PACKS + entries, logSize);

        List<Event> logA = take(seenByA, 4L * PACKS);
        List<Event> logB = take(seenByB, 4L * PACKS);
        List<Long> eventIndexes = db.database().jdbi().withHandle(h -> h.createQuery(
            "SELECT log_index FROM event ORDER BY log_index").mapTo(Long.class).list());
        assertEquals(eventIndexes, logA.stream().map(Event::getLogIndex).toList(),
            "every event once, in log order");
        assertEquals(logA, logB, "both instances stream the same log");
        assertNull(watchFailed.get());

        Map<String, Event> lastOfUnit = new HashMap<>();
        for (Event e : logA) {
          Event previous = lastOfUnit.put(e.getUnit(), e);
          if (previous != null) {
            assertEquals(previous.getSequence() + 1, e.getSequence(), e.getUnit());
            assertEquals(previous.getHash(), e.getPreviousHash(), "one chain per unit");
          } else {
            assertEquals(1, e.getSequence(), e.getUnit());
          }
        }
        assertEquals(PACKS, lastOfUnit.size());
        lastOfUnit.values().forEach(e -> assertEquals(4, e.getSequence(), e.getUnit()));
      } finally {
        channelA.shutdownNow();
        channelB.shutdownNow();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  /** The first {@code count} events a watcher delivers. */
  private static List<Event> take(BlockingQueue<Event> seen, long count)
      throws InterruptedException {
    List<Event> events = new ArrayList<>();
    while (events.size() < count) {
      Event e = seen.poll(30, TimeUnit.SECONDS);
      assertNotNull(e, "event " + events.size() + " of " + count + " arrives");
      events.add(e);
    }
    return events;
  }
}
