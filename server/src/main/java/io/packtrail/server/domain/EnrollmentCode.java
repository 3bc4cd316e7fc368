package io.packtrail.server.domain;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A one-time code that lets one device enroll at one site, until it expires. The server keeps
 * only the SHA-256 of the code's normalised text ({@link #hash}); the text is answered once.
 * Codes are 16 characters of Crockford's base32 (80 random bits), written in groups of four.
 */
public record EnrollmentCode(UUID requestId, String site, byte[] codeHash, Instant createTime,
    Instant expireTime, Instant useTime, String usedBy) {

  /** Crockford's base32 alphabet: no I, L, O, U, so a typed code is not misread. */
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final int LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The violation type of a refused enrollment code (FAILED_PRECONDITION). */
  public static final String VIOLATION = "ENROLLMENT_CODE";

  public String name() {
    return ResourceNames.enrollmentCode(site, requestId);
  }

  /** A fresh random code, e.g. {@code 7KQ2-M9XD-4HTP-W3CA}. */
  public static String generate() {
    StringBuilder b = new StringBuilder(LENGTH + 3);
    for (int i = 0; i < LENGTH; i++) {
      if (i > 0 && i % 4 == 0) {
        b.append('-');
      }
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /**
   * The code as typed, normalised: hyphens and spaces dropped, upper case, and the letters
   * Crockford reads as digits (I, L as 1; O as 0) mapped; null when it cannot be a code.
   */
  public static String normalise(String typed) {
    StringBuilder b = new StringBuilder(LENGTH);
    for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
      if (c == '-' || c == ' ') {
        continue;
      }
      c = c == 'I' || c == 'L' ? '1' : c == 'O' ? '0' : c;
      if (ALPHABET.indexOf(c) < 0 || b.length() == LENGTH) {
        return null;
      }
      b.append(c);
    }
    return b.length() == LENGTH ? b.toString() : null;
  }

  /** SHA-256 of the normalised code (80 random bits: no salt or stretching needed). */
  public static byte[] hash(String normalised) {
    return EventChain.sha256(normalised.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Whether this code lets {@code wanted} enroll at {@code site} now. Answers true when the
   * code is unused and good, false when it was already used by this very enrollment (the same
   * device with the same key: a retry, answered with the stored device); otherwise refuses with
   * FAILED_PRECONDITION {@value #VIOLATION}.
   *
   * @param existing the device that used the code, when it was used
   */
  public boolean admits(String site, Device wanted, Device existing, Instant now) {
    if (!this.site.equals(site)) {
      throw refused("was created for another site than " + site
          + "; ask that site's organisation for a code of its own", "OTHER_SITE", site);
    }
    if (useTime != null) {
      if (existing != null && existing.name().equals(wanted.name())
          && Arrays.equals(existing.publicKey(), wanted.publicKey())) {
        return false;
      }
      throw refused("was already used at " + useTime + " (by " + usedBy
          + "); a code enrolls one device: ask for a new one", "USED", name());
    }
    if (!now.isBefore(expireTime)) {
      throw refused("expired at " + expireTime + "; ask for a new one", "EXPIRED", name());
    }
    return true;
  }

  /**
   * The refusal of a retry that asks for another TLS key than the enrollment that used the code
   * (or for one where it asked for none): a used code gives no certificate to a new key.
   */
  public FailedPreconditionException retriedWithAnotherTlsKey() {
    return refused("was already used at " + useTime + " (by " + usedBy + ") with "
        + "another tls_public_key, or none; a retry sends the same request, and a used code "
        + "gives no certificate to another key: ask for a new code", "USED", name());
  }

  /** The refusal of a code that no site has (a typo, or a code never created). */
  public static FailedPreconditionException unknown(String site) {
    return new FailedPreconditionException(java.util.List.of(new PreconditionViolation(VIOLATION,
        site, "the enrollment code is not one this server created (check it for typos); ask "
            + "the site's organisation for a code",
        Map.of("refusal", "UNKNOWN", "field", "enrollment_code"))));
  }

  /** The subject is the code's name, or the site asked for when the code is another site's. */
  private FailedPreconditionException refused(String why, String refusal, String subject) {
    return new FailedPreconditionException(java.util.List.of(new PreconditionViolation(VIOLATION,
        subject, "the enrollment code " + why,
        Map.of("refusal", refusal, "field", "enrollment_code"))));
  }
}
