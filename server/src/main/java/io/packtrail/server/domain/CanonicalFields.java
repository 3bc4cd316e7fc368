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

  /** Times are UTC with exactly six fractional digits (PostgreSQL keeps microseconds). */
  public static String time(Instant instant) {
    return Canonical.time(instant);
  }

  public static Instant parseTime(String text) {
    return Instant.parse(text);
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
    return value == null || !Double.isFinite(value) ? value : Double.valueOf(decimal(value));
  }

  public static double round(double value) {
    return Double.isFinite(value) ? Double.parseDouble(decimal(value)) : value;
  }
}
