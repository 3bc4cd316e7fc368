package io.packtrail.client.label;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.CodecPolicy;
import org.apache.commons.codec.binary.Base45;

/**
 * Base45 (RFC 9285), strict: a text decodes only if it is exactly what {@link #encode} produces
 * for some bytes, so one label has one text.
 *
 * <p>commons-codec's decoder (STRICT policy, set explicitly below) already refuses triplets above
 * 65535 and pairs above 255 (RFC 9285 section 6). The alphabet and length are checked here first,
 * on characters rather than UTF-8 bytes, so a refusal names the offending character and position.
 */
public final class Base45Text {

  /** The 45 characters of RFC 9285, in value order. */
  public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  // Thread-safe: commons-codec keeps per-call state in a context object.
  private static final Base45 CODEC = Base45.builder().setDecodingPolicy(CodecPolicy.STRICT).get();

  private Base45Text() {}

  public static String encode(byte[] bytes) {
    return CODEC.encodeToString(bytes);
  }

  /**
   * Decodes {@code text}.
   *
   * @throws IllegalArgumentException for a character outside {@link #ALPHABET}, a dangling
   *     single character, or a group whose value is out of range
   */
  public static byte[] decode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (ALPHABET.indexOf(c) < 0) {
        throw new IllegalArgumentException(String.format(
            "Base45: character U+%04X at position %d is not in the Base45 alphabet", (int) c, i));
      }
    }
    if (text.length() % 3 == 1) {
      throw new IllegalArgumentException("Base45: length " + text.length()
          + " leaves a dangling single character (groups are 3 characters, the last may be 2)");
    }
    try {
      // The text is pure ASCII by now, so its bytes are its characters.
      return CODEC.decode(text.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Base45: " + e.getMessage(), e);
    }
  }
}
