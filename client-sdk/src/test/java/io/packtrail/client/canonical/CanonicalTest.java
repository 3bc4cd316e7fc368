package io.packtrail.client.canonical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanonicalTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void theSectionThreeVectorEncodesAndDecodes() {
    SortedMap<String, String> fields = new TreeMap<>();
    fields.put("b", "2");
    fields.put("a", "é");
    byte[] bytes = Canonical.encode(fields);
    assertEquals("0001610000000" + "2c3a9" + "000162000000" + "0132", HEX.formatHex(bytes));
    assertEquals(fields, Canonical.decode(bytes));
  }

  @Test
  void decodingRefusesWhatIsNotCanonical() {
    byte[] outOfOrder = HEX.parseHex("00016200000001320001610000000132");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Canonical.decode(outOfOrder))
        .getMessage().contains("out of order"));
    byte[] repeated = HEX.parseHex("00016100000001320001610000000132");
    assertThrows(IllegalArgumentException.class, () -> Canonical.decode(repeated));
    byte[] truncated = HEX.parseHex("000161000000053233");
    assertThrows(IllegalArgumentException.class, () -> Canonical.decode(truncated));
    assertThrows(IllegalArgumentException.class, () -> Canonical.decode(HEX.parseHex("00")));
    assertThrows(IllegalArgumentException.class, () -> Canonical.decode(HEX.parseHex("0001")));
    assertThrows(IllegalArgumentException.class, () -> Canonical.checkKey("Event.id"));
  }

  @Test
  void timesAndDecimalsAreSpelledOneWay() {
    assertEquals("2026-03-01T08:00:00.123456Z",
        Canonical.time(Instant.parse("2026-03-01T08:00:00.123456789Z")));
    assertEquals("2.000", Canonical.decimal(1.9995));
    assertEquals("0.100", Canonical.decimal(0.1));
    assertArrayEquals(new byte[0], Canonical.encode(new TreeMap<>()));
  }
}
