package io.packtrail.client.label;

import static io.packtrail.client.label.LabelFixtures.DAY;
import static io.packtrail.client.label.LabelFixtures.ISSUED_AT;
import static io.packtrail.client.label.LabelFixtures.ISSUER;
import static io.packtrail.client.label.LabelFixtures.ISSUER_PUBLIC;
import static io.packtrail.client.label.LabelFixtures.ISSUER_SEED;
import static io.packtrail.client.label.LabelFixtures.NOW;
import static io.packtrail.client.label.LabelFixtures.SERIAL;
import static io.packtrail.client.label.LabelFixtures.UNIT_CODE;
import static io.packtrail.client.label.LabelFixtures.labelText;
import static io.packtrail.client.label.LabelFixtures.payload;
import static io.packtrail.client.label.LabelFixtures.trustList;
import static io.packtrail.client.label.LabelFixtures.trustedKey;
import static io.packtrail.client.label.LabelFixtures.vectorLabel;
import static io.packtrail.client.label.LabelFixtures.withdrawn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.UnitLevel;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LabelVerifierTest {

  private static final String LABEL = vectorLabel();
  /** What a tampered label may be refused as: it never gets past the signature. */
  private static final Set<Refusal> TAMPER_REFUSALS = EnumSet.of(Refusal.MALFORMED, Refusal.UNKNOWN_KEY, Refusal.BAD_SIGNATURE);

  private static LabelVerifier verifier(TrustList list) {
    return new LabelVerifier(list, () -> NOW);
  }

  private static final LabelVerifier VERIFIER = verifier(trustList().build());

  @Test
  void namesTheUnitOfAValidLabel() {
    Verification verification = VERIFIER.verify(LABEL);
    assertTrue(verification.isValid());
    assertNull(verification.refusal());
    Verification.Valid valid = assertInstanceOf(Verification.Valid.class, verification);
    assertEquals(UNIT_CODE, valid.unitCode());
    assertEquals(UnitLevel.UNIT_LEVEL_MODULE, valid.level());
    assertEquals(SERIAL, valid.serial());
    assertEquals(ISSUER, valid.issuer());
    assertArrayEquals(Ed25519Keys.keyId(ISSUER_PUBLIC), valid.keyId());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), valid.issuedAt());
    assertEquals(payload(ISSUER_PUBLIC).build(), valid.payload());
    String keyIdHex = HexFormat.of().formatHex(Ed25519Keys.keyId(ISSUER_PUBLIC));
    assertEquals(keyIdHex, valid.keyIdHex());
    assertDetailNames(verification, UNIT_CODE, "1234567", ISSUER, keyIdHex, "2026-01-01T00:00:00Z");
  }

  @Test
  void malformed() {
    Verification verification = VERIFIER.verify("PT1:bb8");
    assertRefused(Refusal.MALFORMED, verification);
    assertDetailNames(verification, "Base45");
    assertDetailNames(assertRefused(Refusal.MALFORMED, VERIFIER.verify("hello")), "PT1:");
    assertDetailNames(assertRefused(Refusal.MALFORMED, VERIFIER.verify("PT1:" + "0".repeat(5000))), "1000");
  }

  @Test
  void unknownKey() {
    Ed25519Keys.KeyPair stranger = Ed25519Keys.generate();
    Verification verification = VERIFIER.verify(labelText(payload(stranger.publicKey()).build(), stranger.privateKey()));
    assertRefused(Refusal.UNKNOWN_KEY, verification);
    assertDetailNames(verification, UNIT_CODE, HexFormat.of().formatHex(Ed25519Keys.keyId(stranger.publicKey())));
  }

  @Test
  void badSignature() {
    // A forger names the trusted key's id but can only sign with their own key.
    Ed25519Keys.KeyPair forger = Ed25519Keys.generate();
    Verification verification = VERIFIER.verify(labelText(payload(ISSUER_PUBLIC).build(), forger.privateKey()));
    assertRefused(Refusal.BAD_SIGNATURE, verification);
    assertDetailNames(verification, UNIT_CODE, HexFormat.of().formatHex(Ed25519Keys.keyId(ISSUER_PUBLIC)));
  }

  /**
   * Before a signature is checked a label's claims are anyone's words: a forged unit code with
   * terminal escapes (erase the line, print a fake "SAVED", hide what follows) or a
   * bidirectional override reaches the refusal's detail escaped, so a scanner that prints it
   * shows the codes, not their effect.
   */
  @Test
  void aForgedLabelsClaimsAreEscapedInItsRefusal() {
    String hostile = "\u001b[2K\rSAVED #41 collection X\u001b[8m\u202e";
    Ed25519Keys.KeyPair stranger = Ed25519Keys.generate();
    Ed25519Keys.KeyPair forger = Ed25519Keys.generate();
    for (Verification v : List.of(
        VERIFIER.verify(labelText(payload(stranger.publicKey()).setUnitCode(hostile).build(),
            stranger.privateKey())),
        VERIFIER.verify(labelText(payload(ISSUER_PUBLIC).setUnitCode(hostile).build(),
            forger.privateKey())))) {
      String detail = ((Verification.Refused) v).detail();
      assertTrue(detail.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x202e), detail);
      assertTrue(detail.contains("\\u001B[2K\\u000DSAVED #41"), detail);
    }
  }

  @Test
  void revokedKeyRefusesItsLabels() {
    LabelVerifier verifier = verifier(trustList().clearKeys()
        .addKeys(trustedKey(ISSUER_PUBLIC, LabelKeyStatus.LABEL_KEY_STATUS_REVOKED)).build());
    Verification verification = verifier.verify(LABEL);
    assertRefused(Refusal.REVOKED_KEY, verification);
    assertDetailNames(verification, UNIT_CODE, "1234567", HexFormat.of().formatHex(Ed25519Keys.keyId(ISSUER_PUBLIC)));
    // Even labels issued long before the revocation: the key may have leaked any time.
    assertRefused(Refusal.REVOKED_KEY, verifier.verify(labelText(
        payload(ISSUER_PUBLIC).setIssuedAt(ISSUED_AT - 29 * DAY).build(), ISSUER_SEED)));
  }

  @Test
  void keyNotValidAtIssue() {
    TrustList list = trustList().clearKeys().addKeys(trustedKey(ISSUER_PUBLIC, LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE)
        .setNotBefore(ISSUED_AT).setNotAfter(ISSUED_AT + DAY)).build();
    LabelVerifier verifier = verifier(list);
    // The validity bounds are inclusive.
    assertTrue(verifier.verify(issuedAt(ISSUED_AT)).isValid());
    assertTrue(verifier.verify(issuedAt(ISSUED_AT + DAY)).isValid());
    Verification early = verifier.verify(issuedAt(ISSUED_AT - 1));
    assertRefused(Refusal.KEY_NOT_VALID_AT_ISSUE, early);
    assertDetailNames(early, UNIT_CODE, "1234567", "2025-12-31T23:59:59Z");
    assertRefused(Refusal.KEY_NOT_VALID_AT_ISSUE, verifier.verify(issuedAt(ISSUED_AT + DAY + 1)));
  }

  @Test
  void timesBeyondAnyInstantAreRefusalsOrNeverNotCrashes() {
    // a label of a trusted key issued at the largest second a payload can hold: refused
    // KEY_NOT_VALID_AT_ISSUE (Instant.ofEpochSecond threw on it)
    Verification far = VERIFIER.verify(issuedAt(Long.MAX_VALUE));
    assertRefused(Refusal.KEY_NOT_VALID_AT_ISSUE, far);
    assertDetailNames(far, "second 9223372036854775807 since 1970");
    // a trust list that never expires: its labels verify at any time
    LabelVerifier forever = verifier(trustList().setExpiresAt(Long.MAX_VALUE).build());
    assertTrue(forever.verify(LABEL).isValid());
  }

  @Test
  void issuerMustOwnTheKey() {
    Verification verification = VERIFIER.verify(labelText(payload(ISSUER_PUBLIC).setIssuer("other-org").build(), ISSUER_SEED));
    assertRefused(Refusal.ISSUER_MISMATCH, verification);
    assertDetailNames(verification, "other-org", ISSUER, UNIT_CODE);
  }

  @Test
  void revokedAndSupersededSerials() {
    long largest = -1L; // 2^64 - 1, the largest uint64 serial
    LabelVerifier verifier = verifier(trustList()
        .addWithdrawnLabels(withdrawn(SERIAL, LabelStatus.LABEL_STATUS_REVOKED))
        .addWithdrawnLabels(withdrawn(SERIAL + 1, LabelStatus.LABEL_STATUS_SUPERSEDED))
        .addWithdrawnLabels(withdrawn(largest, LabelStatus.LABEL_STATUS_REVOKED))
        .build());
    Verification revoked = verifier.verify(LABEL);
    assertRefused(Refusal.REVOKED_LABEL, revoked);
    assertDetailNames(revoked, UNIT_CODE, "1234567");
    Verification superseded = verifier.verify(serial(SERIAL + 1));
    assertRefused(Refusal.SUPERSEDED_LABEL, superseded);
    assertDetailNames(superseded, UNIT_CODE, "1234568");
    assertDetailNames(assertRefused(Refusal.REVOKED_LABEL, verifier.verify(serial(largest))), "18446744073709551615");
    // The reissued label, under a new serial, is good.
    assertTrue(verifier.verify(serial(SERIAL + 2)).isValid());
    assertTrue(verifier.verify(serial(0)).isValid());
  }

  @Test
  void rotationKeepsRetiredKeysLabelsValid() {
    long rotatedAt = ISSUED_AT + 10 * DAY;
    Ed25519Keys.KeyPair next = Ed25519Keys.generate();
    TrustList rotated = trustList().clearKeys()
        .addKeys(trustedKey(ISSUER_PUBLIC, LabelKeyStatus.LABEL_KEY_STATUS_RETIRED).setNotAfter(rotatedAt))
        .addKeys(trustedKey(next.publicKey(), LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE).setNotBefore(rotatedAt))
        .setVersion(2)
        .setIssuedAt(rotatedAt)
        .setExpiresAt(rotatedAt + 30 * DAY)
        .build();
    LabelVerifier verifier = new LabelVerifier(rotated, () -> Instant.ofEpochSecond(rotatedAt + 2 * DAY));
    assertTrue(verifier.verify(LABEL).isValid(), "label under the retired key");
    String newLabel = labelText(payload(next.publicKey()).setSerial(SERIAL + 1).setIssuedAt(rotatedAt + DAY).build(), next.privateKey());
    Verification fresh = verifier.verify(newLabel);
    assertTrue(fresh.isValid(), fresh.detail());
    // A retired key cannot sign anything dated after its rotation.
    assertRefused(Refusal.KEY_NOT_VALID_AT_ISSUE, verifier.verify(issuedAt(rotatedAt + 1)));
  }

  @Test
  void trustListExpiringWhileRunningIsRefused() {
    Instant expiresAt = Instant.ofEpochSecond(trustList().getExpiresAt());
    AtomicReference<Instant> now = new AtomicReference<>(expiresAt);
    LabelVerifier verifier = new LabelVerifier(trustList().build(), now::get);
    assertTrue(verifier.verify(LABEL).isValid());
    now.set(expiresAt.plusSeconds(1));
    Verification late = verifier.verify(LABEL);
    assertRefused(Refusal.TRUST_LIST_EXPIRED, late);
    assertDetailNames(late, "version 1", expiresAt.toString());
    // Checked first: even garbage is refused for the expired list.
    assertRefused(Refusal.TRUST_LIST_EXPIRED, verifier.verify("garbage"));
  }

  @Test
  void checksInTheDocumentedOrder() {
    Ed25519Keys.KeyPair forger = Ed25519Keys.generate();
    TrustList everythingWrong = trustList().clearKeys()
        .addKeys(trustedKey(ISSUER_PUBLIC, LabelKeyStatus.LABEL_KEY_STATUS_REVOKED).setNotBefore(ISSUED_AT + 1))
        .addWithdrawnLabels(withdrawn(SERIAL, LabelStatus.LABEL_STATUS_REVOKED))
        .build();
    LabelVerifier verifier = verifier(everythingWrong);
    LabelPayload.Builder misissued = payload(ISSUER_PUBLIC).setIssuer("other-org");
    assertRefused(Refusal.BAD_SIGNATURE, verifier.verify(labelText(misissued.build(), forger.privateKey())));
    assertRefused(Refusal.REVOKED_KEY, verifier.verify(labelText(misissued.build(), ISSUER_SEED)));

    LabelVerifier notRevoked = verifier(everythingWrong.toBuilder()
        .setKeys(0, everythingWrong.getKeys(0).toBuilder().setStatus(LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE)).build());
    assertRefused(Refusal.KEY_NOT_VALID_AT_ISSUE, notRevoked.verify(labelText(misissued.build(), ISSUER_SEED)));
    String inValidity = labelText(misissued.setIssuedAt(ISSUED_AT + 1).build(), ISSUER_SEED);
    assertRefused(Refusal.ISSUER_MISMATCH, notRevoked.verify(inValidity));
  }

  /** Every single-character change, to every other character of the alphabet, is refused. */
  @Test
  void refusesEverySingleCharacterChange() {
    int refused = 0;
    for (int position = 0; position < LABEL.length(); position++) {
      for (char replacement : Base45Text.ALPHABET.toCharArray()) {
        if (replacement == LABEL.charAt(position)) {
          continue;
        }
        String tampered = LABEL.substring(0, position) + replacement + LABEL.substring(position + 1);
        assertTampered(VERIFIER.verify(tampered), "position " + position + " -> '" + replacement + "'");
        refused++;
      }
    }
    assertEquals(LABEL.length() * 44, refused);
  }

  /** Every single-bit flip of the envelope bytes, re-encoded, is refused. */
  @Test
  void refusesEverySingleBitFlip() {
    byte[] envelope = LabelCodec.decode(LABEL).toByteArray();
    for (int bit = 0; bit < envelope.length * 8; bit++) {
      byte[] flipped = envelope.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertTampered(VERIFIER.verify(LabelCodec.PREFIX + Base45Text.encode(flipped)), "bit " + bit);
    }
  }

  private static void assertTampered(Verification verification, String what) {
    assertFalse(verification.isValid(), what + " verified: " + verification.detail());
    assertTrue(TAMPER_REFUSALS.contains(verification.refusal()), what + ": " + verification.refusal());
  }

  private static String issuedAt(long issuedAt) {
    return labelText(payload(ISSUER_PUBLIC).setIssuedAt(issuedAt).build(), ISSUER_SEED);
  }

  private static String serial(long serial) {
    return labelText(payload(ISSUER_PUBLIC).setSerial(serial).build(), ISSUER_SEED);
  }

  private static Verification assertRefused(Refusal expected, Verification verification) {
    assertFalse(verification.isValid(), verification.detail());
    assertEquals(expected, verification.refusal(), verification.detail());
    return verification;
  }

  private static void assertDetailNames(Verification verification, String... parts) {
    for (String part : parts) {
      assertTrue(verification.detail().contains(part), "detail lacks " + part + ": " + verification.detail());
    }
  }
}
