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

  /**
   * Reads bytes written by {@link #encode}; refuses anything not in canonical form. Keys and
   * values are read in place (no copy of each), and a map of ASCII keys, whose byte order is
   * their String order, is built in one pass without comparing them again: a server listing a
   * unit's history decodes every event's bytes.
   */
  public static SortedMap<String, String> decode(byte[] bytes) {
    return decode(bytes, null);
  }

  /** Keys to {@link #select}, each checked and spelled as bytes once. */
  public static final class Keys {
    private final byte[][] bytes;

    private Keys(byte[][] bytes) {
      this.bytes = bytes;
    }

    public static Keys of(String... keys) {
      byte[][] bytes = new byte[keys.length][];
      for (int i = 0; i < keys.length; i++) {
        checkKey(keys[i]);
        bytes[i] = keys[i].getBytes(StandardCharsets.US_ASCII);
      }
      return new Keys(bytes);
    }
  }

  /**
   * As {@link #decode(byte[])}, keeping only the fields with the given keys, without making
   * Strings of the others: the same checks of the whole bytes, the same values.
   */
  public static SortedMap<String, String> select(byte[] bytes, Keys keys) {
    return decode(bytes, keys.bytes);
  }

  private static boolean wanted(byte[][] wanted, byte[] bytes, int from, int length) {
    for (byte[] key : wanted) {
      if (key.length == length && Arrays.equals(key, 0, length, bytes, from, from + length)) {
        return true;
      }
    }
    return false;
  }

  /** {@code wanted}: the keys to keep as bytes, or null for all. */
  private static SortedMap<String, String> decode(byte[] bytes, byte[][] wanted) {
    int n = 0;
    int capacity = wanted == null ? 24 : Math.max(1, wanted.length);
    String[] keys = new String[capacity];
    String[] values = new String[capacity];
    boolean ascii = true;
    int previousFrom = -1;
    int previousLength = 0;
    int at = 0;
    while (at < bytes.length) {
      if (bytes.length - at < 2) {
        throw new IllegalArgumentException("canonical bytes end inside a key length");
      }
      int keyLength = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
      int keyFrom = at + 2;
      checkLength(bytes, keyFrom, keyLength);
      at = keyFrom + keyLength;
      if (bytes.length - at < 4) {
        throw new IllegalArgumentException("canonical bytes end inside a value length");
      }
      int valueLength = ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16)
          | ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
      int valueFrom = at + 4;
      checkLength(bytes, valueFrom, valueLength);
      at = valueFrom + valueLength;
      if (previousFrom >= 0 && Arrays.compareUnsigned(bytes, previousFrom,
          previousFrom + previousLength, bytes, keyFrom, keyFrom + keyLength) >= 0) {
        throw new IllegalArgumentException("canonical keys out of order at "
            + new String(bytes, keyFrom, keyLength, StandardCharsets.UTF_8));
      }
      previousFrom = keyFrom;
      previousLength = keyLength;
      if (wanted != null && !wanted(wanted, bytes, keyFrom, keyLength)) {
        continue;
      }
      for (int i = keyFrom; i < keyFrom + keyLength && ascii; i++) {
        ascii = bytes[i] >= 0;
      }
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        values = Arrays.copyOf(values, n * 2);
      }
      keys[n] = new String(bytes, keyFrom, keyLength, StandardCharsets.UTF_8);
      values[n] = new String(bytes, valueFrom, valueLength, StandardCharsets.UTF_8);
      n++;
    }
    if (ascii) {
      return new TreeMap<>(new SortedFields(keys, values, n)); // linear: already in order
    }
    // keys that are not ASCII may decode to Strings in another order, or to equal Strings
    SortedMap<String, String> fields = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      fields.put(keys[i], values[i]);
    }
    return fields;
  }

  private static void checkLength(byte[] bytes, int from, int length) {
    if (length < 0 || length > bytes.length - from) {
      throw new IllegalArgumentException("canonical field length out of range");
    }
  }

  /**
   * Fields already in String order, as the sorted map {@link TreeMap#TreeMap(SortedMap)} copies
   * in linear time (it reads the comparator, the size and the entries in order, nothing else).
   */
  private static final class SortedFields extends java.util.AbstractMap<String, String>
      implements SortedMap<String, String> {
    private final String[] keys;
    private final String[] values;
    private final int size;

    SortedFields(String[] keys, String[] values, int size) {
      this.keys = keys;
      this.values = values;
      this.size = size;
    }

    @Override
    public java.util.Comparator<? super String> comparator() {
      return null; // natural order, as the TreeMap decode has always returned
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public java.util.Set<Map.Entry<String, String>> entrySet() {
      return new java.util.AbstractSet<>() {
        @Override
        public java.util.Iterator<Map.Entry<String, String>> iterator() {
          return new java.util.Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
              return i < size;
            }

            @Override
            public Map.Entry<String, String> next() {
              if (i >= size) {
                throw new java.util.NoSuchElementException();
              }
              Map.Entry<String, String> e = Map.entry(keys[i], values[i]);
              i++;
              return e;
            }
          };
        }

        @Override
        public int size() {
          return size;
        }
      };
    }

    @Override
    public SortedMap<String, String> subMap(String fromKey, String toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, String> headMap(String toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, String> tailMap(String fromKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String firstKey() {
      return keys[0];
    }

    @Override
    public String lastKey() {
      return keys[size - 1];
    }
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
