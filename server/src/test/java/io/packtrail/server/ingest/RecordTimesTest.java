package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch stores one time, its events' record time, in whole microseconds: the unit's update
 * time is its last event's record time, and what a history lists is what recording answered.
 * The server's clock here always reads 999 ns past a microsecond, which PostgreSQL would round
 * up and the events' sealing truncates.
 */
class RecordTimesTest {
  /** The system's time, 999 ns past its microsecond. */
  static final class LateInTheMicrosecond extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().truncatedTo(ChronoUnit.MICROS).plusNanos(999);
    }
  }

  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withClock(new LateInTheMicrosecond()));

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @Test
  void aStepIsStoredWithTheTimesItWasSealedWith() {
    String code = Fixtures.newPackCode();
    // nanoseconds in the request too: the event keeps whole microseconds
    Instant sold = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS)
        .plusNanos(123_456_789);
    harness.client().registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(sold.minus(Duration.ofDays(1)))).build());
    Event recorded = harness.client().recordEvent(Fixtures.sale(code).toBuilder()
        .setEventTime(Fixtures.time(sold)).build());
    assertEquals(Fixtures.time(sold.minusNanos(789)), recorded.getEventTime());
    assertEquals(0, recorded.getRecordTime().getNanos() % 1000);

    List<Event> stored = harness.client().listEvents(code);
    assertEquals(2, stored.size());
    assertEquals(recorded, stored.get(1));
    assertEquals(recorded.getRecordTime(), harness.client().getUnit(code).getUpdateTime());
  }
}
