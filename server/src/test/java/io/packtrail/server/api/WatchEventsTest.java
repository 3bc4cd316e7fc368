package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.Statuses;
import io.packtrail.v1.Event;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WatchEventsTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  /** An open watch whose events arrive in a queue; cancel() drops the connection. */
  static final class Watch implements AutoCloseable {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final Context.CancellableContext context = Context.current().withCancellation();

    Watch(WatchEventsRequest request) {
      context.run(() -> harness.eventsAsync().watchEvents(request, new StreamObserver<>() {
        public void onNext(WatchEventsResponse r) {
          received.add(r.getEvent());
        }

        public void onError(Throwable t) {
          received.add(Status.fromThrowable(t));
        }

        public void onCompleted() {
          received.add("completed");
        }
      }));
    }

    List<Event> take(int n) throws InterruptedException {
      List<Event> events = new ArrayList<>();
      while (events.size() < n) {
        Object next = received.poll(10, TimeUnit.SECONDS);
        if (!(next instanceof Event e)) {
          throw new AssertionError("expected an event, got " + next + " after " + events.size());
        }
        events.add(e);
      }
      return events;
    }

    @Override
    public void close() {
      context.cancel(null);
    }
  }

  String walk() {
    String code = Fixtures.newPackCode();
    harness.client().registerUnit(Fixtures.registration(code));
    harness.client().recordEvent(Fixtures.sale(code));
    return code;
  }

  static long head() {
    return harness.jdbi().withExtension(io.packtrail.server.store.LogHeadDao.class,
        io.packtrail.server.store.LogHeadDao::currentNextIndex);
  }

  static List<Long> indexes(List<Event> events) {
    return events.stream().map(Event::getLogIndex).toList();
  }

  @Test
  void watchDeliversHistoryThenNewEventsAndResumesAfterADisconnect() throws Exception {
    long base = head();
    walk();
    walk();
    try (Watch watch = new Watch(WatchEventsRequest.newBuilder().setStartLogIndex(base).build())) {
      assertEquals(List.of(base, base + 1, base + 2, base + 3), indexes(watch.take(4)));
      String live = walk();
      List<Event> liveEvents = watch.take(2);
      assertEquals(List.of(base + 4, base + 5), indexes(liveEvents));
      assertEquals("units/" + live, liveEvents.get(0).getUnit());
    }
    // while disconnected, more happens; resuming at the next index misses nothing
    walk();
    try (Watch resumed = new Watch(WatchEventsRequest.newBuilder()
        .setStartLogIndex(base + 6).build())) {
      List<Event> events = resumed.take(2);
      assertEquals(List.of(base + 6, base + 7), indexes(events));
      // nothing is delivered twice or out of thin air: the next thing the watch delivers is
      // the first event of a later walk, not something in between
      String marker = walk();
      List<Event> next = resumed.take(2);
      assertEquals(List.of(base + 8, base + 9), indexes(next));
      assertEquals("units/" + marker, next.get(0).getUnit());
    }
  }

  @Test
  void fromHeadDeliversOnlyNewEvents() throws Exception {
    walk();
    long headBeforeTheWatch = head();
    // start_log_index 0 would deliver the whole log: from_head must ignore it
    try (Watch watch = new Watch(WatchEventsRequest.newBuilder()
        .setStartLogIndex(0).setFromHead(true).build())) {
      // The watch reads the head at some moment after it was opened, which the client cannot
      // see: register new units until it delivers something. Whatever it delivers first must
      // be one of their registrations, at or beyond the head from before the watch.
      List<String> registered = new ArrayList<>();
      Object first = null;
      while (first == null) {
        registered.add(Fixtures.registeredPack(harness.client()));
        assertTrue(registered.size() <= 100, "the watch delivered nothing after 100 new units");
        first = watch.received.poll(100, TimeUnit.MILLISECONDS);
      }
      if (!(first instanceof Event event)) {
        throw new AssertionError("expected an event, got " + first);
      }
      assertTrue(event.getLogIndex() >= headBeforeTheWatch,
          "no event from before the watch: " + event.getLogIndex() + " < " + headBeforeTheWatch);
      assertTrue(registered.contains(event.getUnit().substring("units/".length())),
          event.getUnit());
      assertEquals(1, event.getSequence());
    }
  }

  @Test
  void theSdkSubscriptionFollowsAlong() throws Exception {
    BlockingQueue<Event> got = new LinkedBlockingQueue<>();
    long base = head();
    try (var sub = harness.client().watchEvents(base, got::add, e -> { })) {
      String code = walk();
      Event first = got.poll(10, TimeUnit.SECONDS);
      Event second = got.poll(10, TimeUnit.SECONDS);
      assertEquals(base, first.getLogIndex());
      assertEquals("units/" + code, first.getUnit());
      assertEquals(base + 1, second.getLogIndex());
      // the position moves once onEvent returned (here: just after the event was queued)
      for (int i = 0; i < 100 && sub.nextLogIndex() < base + 2; i++) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      assertEquals(base + 2, sub.nextLogIndex(), "where the subscription would resume");
    }
  }

  @Test
  void aNegativeStartIsInvalid() {
    Statuses.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.events()
        .watchEvents(WatchEventsRequest.newBuilder().setStartLogIndex(-1).build()).hasNext());
  }
}
