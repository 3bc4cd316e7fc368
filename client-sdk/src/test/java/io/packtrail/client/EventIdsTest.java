package io.packtrail.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void isVersion7WithTheClocksMillisecondsFirst() {
    Instant at = Instant.parse("2026-11-30T08:41:00.123Z");
    var id = EventIds.newEventId(Clock.fixed(at, ZoneOffset.UTC));
    assertEquals(7, id.version());
    assertEquals(2, id.variant()); // RFC 9562's variant, 10 in binary
    assertEquals(at.toEpochMilli(), id.getMostSignificantBits() >>> 16);
    // RFC 9562 appendix A.6's layout, as text: 12 hex digits of time, then the version digit
    assertEquals(String.format("%012x", at.toEpochMilli()),
        id.toString().replace("-", "").substring(0, 12));
    assertEquals('7', id.toString().charAt(14));
    assertTrue("89ab".indexOf(id.toString().charAt(19)) >= 0, id.toString());
  }

  @Test
  void matchesTheRfcsExample() {
    // RFC 9562 appendix A.6: unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F
    byte[] random = {0x0c, (byte) 0xc3, 0x18, (byte) 0xc4, (byte) 0xdc, 0x0c, 0x0c, 0x07, 0x39,
        (byte) 0x8f};
    assertEquals("017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        EventIds.newEventId(0x017F22E279B0L, random).toString());
    // the bits the version and the variant take are overwritten, whatever the random bytes hold
    byte[] ones = new byte[10];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertEquals("017f22e2-79b0-7fff-bfff-ffffffffffff",
        EventIds.newEventId(0x017F22E279B0L, ones).toString());
  }

  @Test
  void idsOfLaterMillisecondsSortAfterEarlierOnesAsText() {
    // PostgreSQL orders uuids bytewise, as their text sorts: later steps go to the index's end
    List<String> ids = new ArrayList<>();
    for (long ms = 1_796_000_000_000L; ms < 1_796_000_000_050L; ms++) {
      ids.add(EventIds.newEventId(Clock.fixed(Instant.ofEpochMilli(ms), ZoneOffset.UTC))
          .toString());
    }
    assertEquals(ids.stream().sorted().toList(), ids);
  }

  @Test
  void idsOfOneMillisecondDifferInTheirRandomBits() {
    Clock still = Clock.fixed(Instant.parse("2026-11-30T08:41:00Z"), ZoneOffset.UTC);
    Set<java.util.UUID> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(EventIds.newEventId(still));
    }
    assertEquals(100_000, ids.size());
  }

  @Test
  void refusesTimesOutsideItsFortyEightBits() {
    assertThrows(IllegalArgumentException.class, () -> EventIds.newEventId(
        Clock.fixed(Instant.ofEpochMilli(-1), ZoneOffset.UTC)));
    assertThrows(IllegalArgumentException.class, () -> EventIds.newEventId(
        Clock.fixed(Instant.ofEpochMilli(1L << 48), ZoneOffset.UTC)));
  }
}
