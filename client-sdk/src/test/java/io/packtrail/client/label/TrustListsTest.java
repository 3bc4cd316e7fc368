package io.packtrail.client.label;

import static io.packtrail.client.label.LabelFixtures.DAY;
import static io.packtrail.client.label.LabelFixtures.ISSUER_PUBLIC;
import static io.packtrail.client.label.LabelFixtures.NOW;
import static io.packtrail.client.label.LabelFixtures.ROOT_PUBLIC;
import static io.packtrail.client.label.LabelFixtures.ROOT_SEED;
import static io.packtrail.client.label.LabelFixtures.trustList;
import static io.packtrail.client.label.LabelFixtures.trustedKey;
import static io.packtrail.client.label.LabelFixtures.withdrawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.packtrail.client.label.TrustListException.Reason;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrustListsTest {

  private static final TrustList LIST = trustList()
      .addWithdrawnLabels(withdrawn(7654321, LabelStatus.LABEL_STATUS_SUPERSEDED))
      .build();
  private static final SignedTrustList SIGNED = TrustLists.sign(LIST, ROOT_SEED, ROOT_PUBLIC);

  @Test
  void verifiesWhatItSigns() throws TrustListException {
    assertEquals(LIST, TrustLists.verify(SIGNED, ROOT_PUBLIC, NOW));
    assertEquals(LIST.toByteString(), SIGNED.getTrustList());
    assertEquals(ByteString.copyFrom(Ed25519Keys.keyId(ROOT_PUBLIC)), SIGNED.getRootKeyId());
  }

  @Test
  void refusesToSignWithAMismatchedRootPair() {
    assertThrows(IllegalArgumentException.class, () -> TrustLists.sign(LIST, ROOT_SEED, ISSUER_PUBLIC));
  }

  @Test
  void refusesAnotherRootKey() {
    Ed25519Keys.KeyPair other = Ed25519Keys.generate();
    assertEquals(Reason.ROOT_KEY_MISMATCH, reason(SIGNED, other.publicKey(), NOW));
    // Signed by another root: its id names that root.
    SignedTrustList byOther = TrustLists.sign(LIST, other.privateKey(), other.publicKey());
    assertEquals(Reason.ROOT_KEY_MISMATCH, reason(byOther, ROOT_PUBLIC, NOW));
  }

  @Test
  void refusesAForgedSignatureUnderTheRootKeyId() {
    Ed25519Keys.KeyPair forger = Ed25519Keys.generate();
    SignedTrustList forged = TrustLists.sign(LIST, forger.privateKey(), forger.publicKey()).toBuilder()
        .setRootKeyId(SIGNED.getRootKeyId())
        .build();
    assertEquals(Reason.BAD_SIGNATURE, reason(forged, ROOT_PUBLIC, NOW));
    assertEquals(Reason.BAD_SIGNATURE, reason(SIGNED.toBuilder().clearSignature().build(), ROOT_PUBLIC, NOW));
    assertEquals(Reason.BAD_SIGNATURE,
        reason(SIGNED.toBuilder().setSignature(SIGNED.getSignature().substring(1)).build(), ROOT_PUBLIC, NOW));
  }

  @Test
  void refusesEveryBitFlipOfTheListBytes() {
    byte[] bytes = SIGNED.getTrustList().toByteArray();
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] tampered = bytes.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      SignedTrustList signed = SIGNED.toBuilder().setTrustList(ByteString.copyFrom(tampered)).build();
      assertEquals(Reason.BAD_SIGNATURE, reason(signed, ROOT_PUBLIC, NOW), "bit " + bit);
    }
  }

  @Test
  void refusesSignedBytesThatAreNotATrustList() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, 0x01};
    SignedTrustList signed = SIGNED.toBuilder()
        .setTrustList(ByteString.copyFrom(garbage))
        .setSignature(ByteString.copyFrom(Ed25519Keys.sign(Ed25519Keys.TRUST_LIST_TAG, garbage, ROOT_SEED)))
        .build();
    assertEquals(Reason.MALFORMED, reason(signed, ROOT_PUBLIC, NOW));
  }

  /** Root-signed bytes that are not protobuf's own encoding of the list they hold are refused. */
  @Test
  void refusesNonCanonicalListsEvenWhenSigned() {
    byte[] canonical = LIST.toByteArray();
    byte[] unknownInKey = TrustList.newBuilder(LIST).clearKeys().addKeys(trustedKey(ISSUER_PUBLIC,
        LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE).setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()))
        .build().toByteArray();
    byte[][] variants = {
      concat(canonical, new byte[] {0x30, 0x01}), // unknown field 6
      unknownInKey,
      concat(new byte[] {0x08, (byte) 0x81, 0x00}, // version 1 as a padded varint
          TrustList.newBuilder(LIST).clearVersion().build().toByteArray()),
      concat(canonical, new byte[] {0x08, 0x01}), // version twice
    };
    for (byte[] variant : variants) {
      SignedTrustList signed = SIGNED.toBuilder().setTrustList(ByteString.copyFrom(variant))
          .setSignature(ByteString.copyFrom(
              Ed25519Keys.sign(Ed25519Keys.TRUST_LIST_TAG, variant, ROOT_SEED)))
          .build();
      assertEquals(Reason.MALFORMED, reason(signed, ROOT_PUBLIC, NOW));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  @Test
  void refusesSelfContradictoryLists() {
    Ed25519Keys.KeyPair other = Ed25519Keys.generate();
    TrustList[] bad = {
      trustList().addKeys(trustedKey(ISSUER_PUBLIC, LabelKeyStatus.LABEL_KEY_STATUS_RETIRED)).build(),
      trustList().addKeys(trustedKey(other.publicKey(), LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE)
          .setKeyId(ByteString.copyFrom(new byte[4]))).build(),
      trustList().addKeys(trustedKey(other.publicKey(), LabelKeyStatus.LABEL_KEY_STATUS_UNSPECIFIED)).build(),
      trustList().addKeys(trustedKey(other.publicKey(), LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE).setIssuer("")).build(),
      trustList().addKeys(trustedKey(other.publicKey(), LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE)
          .setNotBefore(10).setNotAfter(9)).build(),
      trustList().addKeys(trustedKey(other.publicKey(), LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE)
          .setPublicKey(ByteString.copyFrom(new byte[31]))).build(),
      trustList().addWithdrawnLabels(withdrawn(5, LabelStatus.LABEL_STATUS_REVOKED))
          .addWithdrawnLabels(withdrawn(5, LabelStatus.LABEL_STATUS_SUPERSEDED)).build(),
      trustList().addWithdrawnLabels(withdrawn(5, LabelStatus.LABEL_STATUS_ACTIVE)).build(),
    };
    for (TrustList list : bad) {
      SignedTrustList signed = TrustLists.sign(list, ROOT_SEED, ROOT_PUBLIC);
      assertEquals(Reason.MALFORMED, reason(signed, ROOT_PUBLIC, NOW), list.toString());
      assertThrows(IllegalArgumentException.class, () -> new LabelVerifier(list, () -> NOW), list.toString());
    }
  }

  @Test
  void refusesAnExpiredList() throws TrustListException {
    Instant expiresAt = Instant.ofEpochSecond(LIST.getExpiresAt());
    assertEquals(LIST, TrustLists.verify(SIGNED, ROOT_PUBLIC, expiresAt));
    assertEquals(Reason.EXPIRED, reason(SIGNED, ROOT_PUBLIC, expiresAt.plusNanos(1)));
    assertEquals(Reason.EXPIRED, reason(SIGNED, ROOT_PUBLIC, expiresAt.plusSeconds(DAY)));
  }

  @Test
  void checksTheRootKeyBeforeTheSignatureBeforeExpiry() {
    Instant late = Instant.ofEpochSecond(LIST.getExpiresAt() + DAY);
    assertEquals(Reason.ROOT_KEY_MISMATCH, reason(SIGNED, Ed25519Keys.generate().publicKey(), late));
    assertEquals(Reason.BAD_SIGNATURE, reason(SIGNED.toBuilder().clearSignature().build(), ROOT_PUBLIC, late));
  }

  private static Reason reason(SignedTrustList signed, byte[] root, Instant now) {
    TrustListException e = assertThrows(TrustListException.class, () -> TrustLists.verify(signed, root, now));
    assertTrue(!e.getMessage().isEmpty());
    return e.reason();
  }
}
