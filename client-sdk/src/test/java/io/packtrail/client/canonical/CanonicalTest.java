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
  private static final Canonical.Keys SELECTED = Canonical.Keys.of("a", "b", "z", "a.b", "_",
      "0z");

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

  /** The decoder as it was before it read in place, to compare the faster one with. */
  private static SortedMap<String, String> referenceDecode(byte[] bytes) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
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
      if (previous != null && java.util.Arrays.compareUnsigned(previous, key) >= 0) {
        throw new IllegalArgumentException("canonical keys out of order at "
            + new String(key, java.nio.charset.StandardCharsets.UTF_8));
      }
      fields.put(new String(key, java.nio.charset.StandardCharsets.UTF_8),
          new String(value, java.nio.charset.StandardCharsets.UTF_8));
      previous = key;
    }
    return fields;
  }

  private static byte[] read(java.nio.ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("canonical field length out of range");
    }
    byte[] raw = new byte[length];
    in.get(raw);
    return raw;
  }

  private static String outcome(java.util.function.Supplier<SortedMap<String, String>> decode) {
    try {
      SortedMap<String, String> m = decode.get();
      // the same entries in the same order, and a map that finds each of its keys
      m.forEach((k, v) -> assertEquals(v, m.get(k)));
      return m.toString();
    } catch (IllegalArgumentException e) {
      return "refused: " + e.getMessage();
    }
  }

  @Test
  void decodingInPlaceReadsAndRefusesExactlyAsBefore() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    String[] alphabet = {"a", "b", "z", ".", "_", "0", "é", "\uFFFD", "日"};
    for (int i = 0; i < 20_000; i++) {
      SortedMap<String, String> fields = new TreeMap<>();
      int n = random.nextInt(0, 40);
      for (int f = 0; f < n; f++) {
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        for (int c = random.nextInt(1, 12); c > 0; c--) {
          key.append(alphabet[random.nextInt(i % 2 == 0 ? 6 : alphabet.length)]);
        }
        for (int c = random.nextInt(0, 30); c > 0; c--) {
          value.append(alphabet[random.nextInt(alphabet.length)]);
        }
        fields.put(key.toString(), value.toString());
      }
      byte[] bytes;
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      // encoded by hand: non-ASCII keys (which encode refuses) in byte order
      fields.entrySet().stream().sorted((x, y) -> java.util.Arrays.compareUnsigned(
          x.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          y.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8))).forEach(e -> {
            byte[] k = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] v = e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(k.length >>> 8);
            out.write(k.length);
            out.writeBytes(k);
            out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(v.length).array());
            out.writeBytes(v);
          });
      bytes = out.toByteArray();
      // then, mostly, damaged: a byte changed, cut short, or one byte more
      int damage = random.nextInt(5);
      if (damage == 1 && bytes.length > 0) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      } else if (damage == 2 && bytes.length > 0) {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      } else if (damage == 3) {
        bytes = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        bytes[bytes.length - 1] = (byte) random.nextInt(256);
      }
      byte[] input = bytes;
      assertEquals(outcome(() -> referenceDecode(input)), outcome(() -> Canonical.decode(input)),
          () -> HEX.formatHex(input));
      // select: the same checks, and of the same fields those asked for
      java.util.List<String> asked = java.util.List.of("a", "b", "z", "a.b", "_", "0z");
      assertEquals(outcome(() -> {
        SortedMap<String, String> all = referenceDecode(input);
        all.keySet().retainAll(asked);
        return all;
      }), outcome(() -> Canonical.select(input, SELECTED)), () -> HEX.formatHex(input));
    }
  }
}
