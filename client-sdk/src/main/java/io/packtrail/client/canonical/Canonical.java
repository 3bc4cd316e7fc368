package io.packtrail.client.canonical;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The canonical encoding that event hashes, idempotency digests and device signatures are
 * computed over (docs/formats.md section 3): text fields sorted by key, each as u16 key length,
 * UTF-8 key, u32 value length, UTF-8 value; and the spelling of times and decimals in them.
 * Plain Java, shared by the SDK (what a device signs) and the server (what it hashes), so both
 * spell every byte the same way.
 */
public final class Canonical {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_KEY = 0xFFFF;

  private Canonical() {}

  /** Keys are ASCII {@code [a-z0-9._]}: then String order is UTF-8 byte order. */
  public static void checkKey(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_')) {
        throw new IllegalArgumentException("canonical keys are [a-z0-9._]: " + key);
      }
    }
  }

  /** The fields (keys checked by {@link #checkKey}, values not null) in canonical form. */
  public static byte[] encode(SortedMap<String, String> fields) {
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

  /** Reads bytes written by {@link #encode}; refuses anything not in canonical form. */
  public static SortedMap<String, String> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    SortedMap<String, String> fields = new TreeMap<>();
    byte[] previous = null;
    while (in.hasRemaining()) {
      if (in.remaining() < 2) {
        throw new IllegalArgumentException("canonical bytes end inside a key length");
      }
      byte[] key = read(in, Short.toUnsignedInt(in.getShort()));
      if (in.remaining() < 4) {
        throw new IllegalArgumentException("canonical bytes end inside a value length");
      }
      byte[] value = read(in, in.getInt());
      if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
        throw new IllegalArgumentException("canonical keys out of order at "
            + new String(key, StandardCharsets.UTF_8));
      }
      fields.put(new String(key, StandardCharsets.UTF_8),
          new String(value, StandardCharsets.UTF_8));
      previous = key;
    }
    return fields;
  }

  private static byte[] read(ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("canonical field length out of range");
    }
    byte[] raw = new byte[length];
    in.get(raw);
    return raw;
  }

  /** UTC with exactly six fractional digits, truncated (not rounded) to the microsecond. */
  public static String time(Instant instant) {
    return TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  /** The double's exact value rounded half to even to three fractional digits, plain. */
  public static String decimal(double value) {
    return new BigDecimal(value).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * The event id of a non-primary unit's event of a multi-unit step (formats.md section 9): a
   * name-based UUID, version 5 (RFC 9562), SHA-1 of the step's id (16 bytes) then the unit code
   * (UTF-8), first 16 bytes, with the version and variant bits set.
   */
  public static java.util.UUID derivedEventId(java.util.UUID stepId, String unitCode) {
    java.security.MessageDigest sha1;
    try {
      sha1 = java.security.MessageDigest.getInstance("SHA-1");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
    sha1.update(ByteBuffer.allocate(16).putLong(stepId.getMostSignificantBits())
        .putLong(stepId.getLeastSignificantBits()).array());
    sha1.update(unitCode.getBytes(StandardCharsets.UTF_8));
    byte[] h = sha1.digest();
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new java.util.UUID(b.getLong(), b.getLong());
  }
}
