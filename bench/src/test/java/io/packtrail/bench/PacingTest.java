package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The paced phase's schedule, on made-up clock readings (no sleeping, no timing). */
class PacingTest {
  @Test
  void clientsShareTheRateAndTheirCallsInterleave() {
    Pacing p = new Pacing(1000, 4); // 1,000 calls/s from 4 clients: each every 4 ms
    assertEquals(4_000_000, p.interval());
    assertEquals(100, p.first(100, 0, 4));
    assertEquals(1_000_100, p.first(100, 1, 4));
    assertEquals(3_000_100, p.first(100, 3, 4));
  }

  @Test
  void aClientOnTimeKeepsItsSlots() {
    Pacing p = new Pacing(1000, 4);
    assertEquals(4_000_100, p.next(100, 100));
    assertEquals(4_000_100, p.next(100, 50), "an early wake-up does not move the schedule");
  }

  @Test
  void aClientThatFellBehindGoesOnWithoutABurst() {
    Pacing p = new Pacing(1000, 4);
    // its call started 10 ms after its slot: the next slot is one interval after that start,
    // not the two slots it missed one after the other
    assertEquals(14_000_100, p.next(100, 10_000_100));
  }

  @Test
  void aRateOfNothingIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Pacing(0, 4));
    assertThrows(IllegalArgumentException.class, () -> new Pacing(Double.NaN, 4));
    assertThrows(IllegalArgumentException.class, () -> new Pacing(100, 0));
  }
}
