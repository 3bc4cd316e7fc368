package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The times the batch stores (sent as microseconds, made timestamptz in its SQL) are the times
 * the sequencer sealed: what a unit's history lists equals what recording it answered.
 */
class StoredTimesTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @Test
  void aStepIsStoredWithTheTimesItWasSealedWith() {
    String code = Fixtures.newPackCode();
    // nanoseconds in the request: the event keeps whole microseconds
    Instant sold = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
        .plusNanos(123_456_789);
    harness.client().registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(sold.minus(1, ChronoUnit.DAYS))).build());
    Event recorded = harness.client().recordEvent(Fixtures.sale(code).toBuilder()
        .setEventTime(Fixtures.time(sold)).build());
    assertEquals(Fixtures.time(sold.truncatedTo(ChronoUnit.MICROS)), recorded.getEventTime());

    List<Event> stored = harness.client().listEvents(code);
    assertEquals(2, stored.size());
    assertEquals(recorded, stored.get(1));
    Unit unit = harness.client().getUnit(code);
    assertEquals(recorded.getRecordTime(), unit.getUpdateTime());
  }
}
