package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts of reading canonical values back (ListEvents reads two times and several
 * measurements per event): each must give exactly what the general path gives, and refuse
 * what it refuses.
 */
class CanonicalFieldsTest {

  /** What round did before its shortcut: through the canonical decimal and back. */
  private static double slowRound(double value) {
    return Double.isFinite(value) ? Double.parseDouble(
        new BigDecimal(value).setScale(3, RoundingMode.HALF_EVEN).toPlainString()) : value;
  }

  @Test
  void timesReadAsInstantParseReadsThem() {
    SplittableRandom random = new SplittableRandom(27);
    for (int i = 0; i < 50_000; i++) {
      // years 0000 to 9999, every microsecond equally likely
      long micros = random.nextLong(-62_167_219_200_000_000L, 253_402_300_800_000_000L);
      Instant t = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
          Math.floorMod(micros, 1_000_000) * 1_000L);
      String text = CanonicalFields.time(t);
      assertEquals(27, text.length(), text);
      assertEquals(Instant.parse(text), CanonicalFields.parseTime(text), text);
      assertEquals(t, CanonicalFields.parseTime(text), text);
    }
    for (String text : new String[] {"2024-02-29T23:59:59.999999Z", "2000-01-01T00:00:00.000000Z",
        "0000-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z",
        "1970-01-01T00:00:00.000000Z", "1969-12-31T23:59:59.999999Z",
        // other spellings go to Instant.parse
        "2026-06-06T09:30:00Z", "2026-06-06T09:30:00.123Z", "2026-06-06T09:30:00.123456789Z",
        "2026-06-06T23:59:60.000000Z"}) {
      assertEquals(Instant.parse(text), CanonicalFields.parseTime(text), text);
    }
  }

  @Test
  void timesInstantParseRefusesAreRefused() {
    for (String text : new String[] {"2025-02-29T00:00:00.000000Z", "2026-04-31T00:00:00.000000Z",
        "2026-13-01T00:00:00.000000Z", "2026-00-01T00:00:00.000000Z",
        "2026-01-00T00:00:00.000000Z", "2026-01-01T25:00:00.000000Z",
        "2026-01-01T00:61:00.000000Z", "2026-01-01T00:00:00.00000aZ",
        "2026-01-01T00:00:00.-00000Z",
        "2026-01-01X00:00:00.000000Z", "2026-01-01T00:00:00.000000+"}) {
      assertThrows(DateTimeParseException.class, () -> Instant.parse(text), text);
      assertThrows(DateTimeParseException.class, () -> CanonicalFields.parseTime(text), text);
    }
  }

  @Test
  void roundIsTheCanonicalDecimalForEveryMagnitude() {
    SplittableRandom random = new SplittableRandom(1000);
    for (int i = 0; i < 60_000; i++) {
      double v = switch (i % 6) {
        // what canonical bytes hold: k/1000, read back from text
        case 0 -> Double.parseDouble(BigDecimal.valueOf(random.nextLong(-10_000_000_000L,
            10_000_000_000L), 3).toPlainString());
        case 1 -> random.nextDouble(-1000, 1000);
        case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-8, 16));
        case 3 -> Double.longBitsToDouble(random.nextLong());
        // near 2^40 and near half-thousandths
        case 4 -> 0x1p40 * random.nextDouble(0.999, 1.001);
        default -> (random.nextLong(-1_000_000, 1_000_000) + 0.5) / 1000;
      };
      double expected = slowRound(v);
      assertEquals(Double.doubleToLongBits(expected),
          Double.doubleToLongBits(CanonicalFields.round(v)), () -> v + " rounds to " + expected);
      Double boxed = CanonicalFields.round(Double.valueOf(v));
      assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(boxed), "boxed");
    }
    for (double v : new double[] {0.0, -0.0, 0.0005, -0.0005, 0.0015, 1e-300, -1e-300,
        0x1p40, -0x1p40, Math.nextDown(0x1p40), 1e15, 9.007199254740993e15, Double.MAX_VALUE,
        Double.MIN_VALUE, 0.1, 0.2, 0.3, 12.345, 99.9995}) {
      assertEquals(Double.doubleToLongBits(slowRound(v)),
          Double.doubleToLongBits(CanonicalFields.round(v)), () -> Double.toString(v));
    }
    assertTrue(Double.isNaN(CanonicalFields.round(Double.NaN)));
    assertEquals(Double.POSITIVE_INFINITY, CanonicalFields.round(Double.POSITIVE_INFINITY));
    assertEquals(null, CanonicalFields.round((Double) null));
  }

  @Test
  void aStepsCanonicalFieldsDoNotDependOnTheServersLocale() {
    // String.format("%03d") writes Arabic-Indic digits under ar-EG: list keys such as
    // dismantling.child.000 must not, or a server in such a locale refuses (or mis-hashes) them
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG"));
    try {
      CanonicalFields f = new CanonicalFields();
      new Step.Dismantling(java.util.List.of(new Step.Child("GSBME01A000123S3F0000045", 380, 12,
          150, 51.2)), 20.0, null).writeTo(f);
      assertEquals("GSBME01A000123S3F0000045", f.get("dismantling.child.000.code"));
      assertEquals("380.000", f.get("dismantling.child.000.mass_kg"));
      assertEquals("1", f.get("dismantling.child_count"));
    } finally {
      java.util.Locale.setDefault(before);
    }
  }
}
