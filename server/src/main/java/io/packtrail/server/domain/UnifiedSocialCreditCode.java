package io.packtrail.server.domain;

/**
 * China's unified social credit code (GB 32100-2015): 18 characters from a 31-character
 * alphabet (digits and upper-case letters without I, O, S, V and Z). The 18th is a check
 * character: with each of the first 17 characters' alphabet index multiplied by 3^(i-1) mod 31
 * (i from 1), the check index is 31 - (sum mod 31), and 0 in place of 31.
 */
public final class UnifiedSocialCreditCode {
  public static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  public static final int LENGTH = 18;

  private UnifiedSocialCreditCode() {}

  /** The check character of the first 17 characters, each of which must be in the alphabet. */
  public static char checkCharacter(String first17) {
    int sum = 0;
    int weight = 1;
    for (int i = 0; i < LENGTH - 1; i++) {
      sum += ALPHABET.indexOf(first17.charAt(i)) * weight;
      weight = weight * 3 % 31;
    }
    return ALPHABET.charAt((31 - sum % 31) % 31);
  }

  /** Adds a violation on {@code field} unless the text is a well-formed code. */
  public static void check(Violations v, String field, String text) {
    if (text.length() != LENGTH) {
      v.add(field, "must be " + LENGTH + " characters, got " + text.length());
      return;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (ALPHABET.indexOf(text.charAt(i)) < 0) {
        v.add(field, "character " + (i + 1) + " must be a digit or an upper-case letter other"
            + " than I, O, S, V and Z");
        return;
      }
    }
    char expected = checkCharacter(text);
    if (text.charAt(LENGTH - 1) != expected) {
      v.add(field, "check character is " + text.charAt(LENGTH - 1) + ", expected " + expected
          + " (GB 32100-2015): the code is mistyped");
    }
  }
}
