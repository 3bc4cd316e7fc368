package io.packtrail.server.domain;

import io.packtrail.client.canonical.Canonical;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The fields of one event (or statement) on their way to the canonical key/value encoding that
 * event hashes are computed over (docs/formats.md section 3). Every value is text so an
 * independent verifier needs no number or time formatting rules beyond the ones written down
 * there; the bytes and spellings themselves are {@link Canonical}'s, shared with the SDK.
 */
public final class CanonicalFields {
  private final SortedMap<String, String> fields;

  public CanonicalFields() {
    // keys are ASCII (checked in put), for which String order is UTF-8 byte order
    this.fields = new TreeMap<>();
  }

  private CanonicalFields(SortedMap<String, String> fields) {
    this.fields = fields;
  }

  /** Adds a field; a null value means the field is absent. Keys are [a-z0-9._]. */
  public CanonicalFields put(String key, String value) {
    Canonical.checkKey(key);
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  public CanonicalFields put(String key, long value) {
    return put(key, Long.toString(value));
  }

  public CanonicalFields put(String key, Instant value) {
    return put(key, value == null ? null : time(value));
  }

  public CanonicalFields put(String key, Enum<?> value) {
    return put(key, value == null ? null : value.name());
  }

  /** Adds a measurement as a decimal with exactly three fractional digits. */
  public CanonicalFields putDecimal(String key, Double value) {
    return put(key, value == null ? null : decimal(value));
  }

  public String get(String key) {
    return fields.get(key);
  }

  public byte[] encode() {
    return Canonical.encode(fields);
  }

  /** Reads bytes written by {@link #encode()}; refuses anything not in canonical form. */
  public static CanonicalFields decode(byte[] bytes) {
    return new CanonicalFields(Canonical.decode(bytes));
  }

  /**
   * As {@link #decode(byte[])}, of the given keys' fields only (the others are checked, not
   * kept): for readers that need a few optional fields of bytes already decoded once.
   */
  public static CanonicalFields decode(byte[] bytes, Canonical.Keys keys) {
    return new CanonicalFields(Canonical.select(bytes, keys));
  }

  /** Times are UTC with exactly six fractional digits (PostgreSQL keeps microseconds). */
  public static String time(Instant instant) {
    return Canonical.time(instant);
  }

  /**
   * The instant of a time as {@link #time} writes it ({@code YYYY-MM-DDTHH:MM:SS.ffffffZ}, 27
   * characters), read directly; any other spelling goes to {@link Instant#parse}, which also
   * refuses what is not a time. Reading every event's two times with the ISO formatter was a
   * seventh of a {@code ListEvents} call's CPU.
   */
  public static Instant parseTime(String text) {
    if (text.length() == 27 && text.charAt(4) == '-' && text.charAt(7) == '-'
        && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
        && text.charAt(19) == '.' && text.charAt(26) == 'Z') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 7);
      int day = digits(text, 8, 10);
      int hour = digits(text, 11, 13);
      int minute = digits(text, 14, 16);
      int second = digits(text, 17, 19);
      int micros = digits(text, 20, 26);
      // the ranges LocalDate.of does not check; a leap second (:60) and 24:00 are Instant.parse's
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0
          && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60
          && micros >= 0 && (day <= 28 || day <= java.time.YearMonth.of(year, month)
              .lengthOfMonth())) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600 + minute * 60 + second,
            micros * 1_000L);
      }
    }
    return Instant.parse(text);
  }

  /** The decimal number in {@code text[from, to)}, or -1 if a character is not an ASCII digit. */
  private static int digits(String text, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  public static String decimal(double value) {
    return Canonical.decimal(value);
  }

  /**
   * The double a measurement is hashed as: the value of {@link #decimal}. Domain records hold
   * only rounded values, so what is answered, stored and hashed is the same number. Non-finite
   * values are kept for validation to refuse.
   */
  public static Double round(Double value) {
    return value == null || !Double.isFinite(value) || isRounded(value) ? value
        : Double.valueOf(decimal(value));
  }

  public static double round(double value) {
    return Double.isFinite(value) && !isRounded(value) ? Double.parseDouble(decimal(value))
        : value;
  }

  /**
   * Whether {@code value} is already what {@link #round} makes of it, known without formatting
   * it: it is the double nearest to k/1000 for an integer k ({@code k / 1000.0} is correctly
   * rounded, so equal means nearest). Then its exact value is within half an ulp (under 0.0005
   * below 2^40) of k/1000, so {@link #decimal} writes k/1000 and parsing that gives the value
   * back. Every value read back from canonical bytes is such a value; decimal() through
   * BigDecimal for each of them was most of a {@code ListEvents} call's allocation.
   */
  static boolean isRounded(double value) {
    if (!(Math.abs(value) < 0x1p40)) {
      return false;
    }
    double k = Math.rint(value * 1000);
    return k / 1000 == value && !(value == 0 && 1 / value < 0);
  }
}
