package io.packtrail.server.domain;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The canonical key/value encoding that event hashes are computed over (docs/formats.md):
 * fields sorted by key, each as u16 key length, UTF-8 key, u32 value length, UTF-8 value. Every
 * value is text so an independent verifier needs no number or time formatting rules beyond the
 * ones written down here.
 */
public final class CanonicalFields {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_KEY = 0xFFFF;

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
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_')) {
        throw new IllegalArgumentException("canonical keys are [a-z0-9._]: " + key);
      }
    }
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    for (Map.Entry<String, String> field : fields.entrySet()) {
      byte[] key = field.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = field.getValue().getBytes(StandardCharsets.UTF_8);
      if (key.length > MAX_KEY) {
        throw new IllegalArgumentException("canonical key too long: " + field.getKey());
      }
      out.write(key.length >>> 8);
      out.write(key.length);
      out.writeBytes(key);
      out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
      out.writeBytes(value);
    }
    return out.toByteArray();
  }

  /** Reads bytes written by {@link #encode()}; refuses anything not in canonical form. */
  public static CanonicalFields decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    SortedMap<String, String> fields = new TreeMap<>();
    String previous = null;
    while (in.hasRemaining()) {
      String key = readString(in, Short.toUnsignedInt(in.getShort()));
      String value = readString(in, in.getInt());
      if (previous != null && compareUtf8(previous, key) >= 0) {
        throw new IllegalArgumentException("canonical keys out of order at " + key);
      }
      fields.put(key, value);
      previous = key;
    }
    return new CanonicalFields(fields);
  }

  private static String readString(ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("canonical field length out of range");
    }
    byte[] raw = new byte[length];
    in.get(raw);
    return new String(raw, StandardCharsets.UTF_8);
  }

  /** Times are UTC with exactly six fractional digits (PostgreSQL keeps microseconds). */
  public static String time(Instant instant) {
    return TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  public static Instant parseTime(String text) {
    return Instant.parse(text);
  }

  public static String decimal(double value) {
    return new BigDecimal(value).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
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

  /** Keys compare by their UTF-8 bytes, unsigned, so every language sorts them alike. */
  static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
