package io.packtrail.server.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Vehicle identification number rules of ISO 3779 / GB 16735: 17 characters, digits and upper-case
 * letters without I, O and Q (too easily read as 1 and 0), and a check digit at position 9 (GB
 * 16735 requires it, as North America does).
 */
public final class Vin {
  public static final int LENGTH = 17;

  private static final int CHECK_DIGIT_POSITION = 9;

  /** Position weights; position 9, the check digit itself, weighs 0. */
  private static final int[] WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

  /** Transliteration of A..Z for the check digit; 0 marks the forbidden I, O and Q. */
  private static final int[] LETTER_VALUES = {
    1, 2, 3, 4, 5, 6, 7, 8, 0, // A-H, I
    1, 2, 3, 4, 5, 0, 7, 0, 9, // J-N, O, P, Q, R
    2, 3, 4, 5, 6, 7, 8, 9 // S-Z
  };

  private Vin() {}

  /**
   * Returns {@code vin} if it is a valid VIN.
   *
   * @throws InvalidArgumentException listing every broken rule, each against {@code field}
   */
  public static String validate(String field, String vin) {
    if (vin == null || vin.isBlank()) {
      throw new InvalidArgumentException(field, "is required");
    }
    Violations violations = new Violations();
    int length = vin.codePointCount(0, vin.length());
    if (length != LENGTH) {
      violations.add(field, "must be exactly " + LENGTH + " characters, got " + length);
    }
    // far from a VIN: no list of its characters, which could be huge
    List<String> badCharacters = length > 2 * LENGTH ? List.of() : badCharacters(vin);
    if (!badCharacters.isEmpty()) {
      violations.add(field, "must be digits and upper-case letters A-Z except I, O and Q; "
          + String.join(", ", badCharacters));
    }
    if (violations.isEmpty()) {
      char expected = checkDigit(vin);
      char actual = vin.charAt(CHECK_DIGIT_POSITION - 1);
      if (actual != expected) {
        violations.add(field, "position 9 check digit is '" + actual
            + "' but the VIN's check digit is '" + expected + "'");
      }
    }
    violations.throwIfAny();
    return vin;
  }

  /**
   * The check digit ('0'-'9' or 'X') for a 17-character VIN of allowed characters. Position 9 is
   * ignored, so a placeholder there is fine when generating VINs.
   *
   * @throws IllegalArgumentException if {@code vin17} is not 17 allowed characters elsewhere
   */
  public static char checkDigit(String vin17) {
    if (vin17 == null || vin17.length() != LENGTH) {
      throw new IllegalArgumentException("a VIN has " + LENGTH + " characters: " + vin17);
    }
    int sum = 0;
    for (int i = 0; i < LENGTH; i++) {
      if (i == CHECK_DIGIT_POSITION - 1) {
        continue;
      }
      int value = transliterate(vin17.charAt(i));
      if (value < 0) {
        throw new IllegalArgumentException(
            "position " + (i + 1) + " of " + vin17 + " is not allowed in a VIN");
      }
      sum += value * WEIGHTS[i];
    }
    int remainder = sum % 11;
    return remainder == 10 ? 'X' : (char) ('0' + remainder);
  }

  /** The character's check-digit value, or -1 when a VIN may not contain it. */
  private static int transliterate(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'Z' && LETTER_VALUES[c - 'A'] > 0) {
      return LETTER_VALUES[c - 'A'];
    }
    return -1;
  }

  private static List<String> badCharacters(String vin) {
    List<String> bad = new ArrayList<>();
    int[] codePoints = vin.codePoints().toArray();
    for (int i = 0; i < codePoints.length; i++) {
      int c = codePoints[i];
      if (c <= Character.MAX_VALUE && transliterate((char) c) >= 0) {
        continue;
      }
      String where = "position " + (i + 1) + " is " + describe(c);
      if (c == 'I' || c == 'O' || c == 'Q') {
        bad.add(where + " (I, O and Q are never used, to avoid confusion with 1 and 0)");
      } else if (Character.isLowerCase(c)) {
        bad.add(where + " (lower case)");
      } else {
        bad.add(where);
      }
    }
    return bad;
  }

  private static String describe(int c) {
    if (c == ' ') {
      return "a space";
    }
    if (c >= 0x21 && c <= 0x7E) {
      return "'" + (char) c + "'";
    }
    // Invisible or easily confused characters are named by code point.
    return String.format("U+%04X", c);
  }
}
