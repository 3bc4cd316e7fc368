package io.packtrail.client.label;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.packtrail.client.label.TrustListException.Reason;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.WithdrawnLabel;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/** Signing and verifying trust lists under the deployment's root key (docs/formats.md section 7). */
public final class TrustLists {

  private TrustLists() {}

  /** Serializes {@code list} once and signs those bytes with the root key. */
  public static SignedTrustList sign(TrustList list, byte[] rootPrivateKey, byte[] rootPublicKey) {
    // A mismatched pair would publish a root key id that no signature verifies under.
    if (!Arrays.equals(Ed25519Keys.publicKeyOf(rootPrivateKey), rootPublicKey)) {
      throw new IllegalArgumentException("root public key does not belong to the root private key");
    }
    byte[] listBytes = list.toByteArray();
    return SignedTrustList.newBuilder()
        .setTrustList(ByteString.copyFrom(listBytes))
        .setSignature(ByteString.copyFrom(Ed25519Keys.sign(Ed25519Keys.TRUST_LIST_TAG, listBytes, rootPrivateKey)))
        .setRootKeyId(ByteString.copyFrom(Ed25519Keys.keyId(rootPublicKey)))
        .build();
  }

  /**
   * Checks the root key id, the signature, the list's form and its expiry, in that order, and
   * returns the list.
   *
   * @throws TrustListException naming the first check that failed
   */
  public static TrustList verify(SignedTrustList signed, byte[] rootPublicKey, Instant now) throws TrustListException {
    byte[] rootKeyId = Ed25519Keys.keyId(rootPublicKey);
    if (!signed.getRootKeyId().equals(ByteString.copyFrom(rootKeyId))) {
      throw new TrustListException(Reason.ROOT_KEY_MISMATCH, "trust list is signed by root key "
          + hex(signed.getRootKeyId()) + ", not the trusted root key " + HexFormat.of().formatHex(rootKeyId));
    }
    if (!Ed25519Keys.verify(Ed25519Keys.TRUST_LIST_TAG, signed.getTrustList().toByteArray(),
        signed.getSignature().toByteArray(), rootPublicKey)) {
      throw new TrustListException(Reason.BAD_SIGNATURE,
          "trust list signature does not verify under root key " + HexFormat.of().formatHex(rootKeyId));
    }
    TrustList list;
    try {
      list = TrustList.parseFrom(signed.getTrustList());
    } catch (InvalidProtocolBufferException e) {
      throw new TrustListException(Reason.MALFORMED, "signed bytes are not a TrustList: " + e.getMessage());
    }
    if (!isCanonical(list, signed.getTrustList())) {
      throw new TrustListException(Reason.MALFORMED, "signed bytes are not a canonical TrustList "
          + "(unknown, repeated, reordered, default-valued or padded fields)");
    }
    String inconsistency = findInconsistency(list);
    if (inconsistency != null) {
      throw new TrustListException(Reason.MALFORMED, "trust list version " + list.getVersion() + ": " + inconsistency);
    }
    if (isExpired(list, now)) {
      throw new TrustListException(Reason.EXPIRED, "trust list version " + list.getVersion() + " expired at "
          + io.packtrail.client.EpochSeconds.text(list.getExpiresAt()) + " (now " + now + ")");
    }
    return list;
  }

  /**
   * Whether {@code bytes} are exactly what protobuf writes for {@code list}, with no unknown field
   * at any depth, so every verifier reads the same list from the signed bytes.
   */
  static boolean isCanonical(TrustList list, ByteString bytes) {
    boolean unknown = list.getUnknownFields().getSerializedSize() != 0
        || list.getKeysList().stream().anyMatch(k -> k.getUnknownFields().getSerializedSize() != 0)
        || list.getWithdrawnLabelsList().stream()
            .anyMatch(w -> w.getUnknownFields().getSerializedSize() != 0);
    return !unknown && list.toByteString().equals(bytes);
  }

  /** Expired once {@code now} is past the instant expires_at (at that instant still good). */
  static boolean isExpired(TrustList list, Instant now) {
    return now.isAfter(io.packtrail.client.EpochSeconds.instant(list.getExpiresAt()));
  }

  /**
   * What makes {@code list} unusable, or null if nothing does: a scanner indexes keys by id and
   * serials by number, so ids must match their keys and neither may repeat.
   */
  static String findInconsistency(TrustList list) {
    Set<ByteString> keyIds = new HashSet<>();
    for (TrustedLabelKey key : list.getKeysList()) {
      String name = "key " + hex(key.getKeyId());
      if (Ed25519Keys.publicKeyParameters(key.getPublicKey().toByteArray()) == null) {
        return name + " has no valid 32-byte Ed25519 public key";
      }
      if (!key.getKeyId().equals(ByteString.copyFrom(Ed25519Keys.keyId(key.getPublicKey().toByteArray())))) {
        return name + " does not match its public key";
      }
      if (!keyIds.add(key.getKeyId())) {
        return name + " is listed twice";
      }
      if (key.getIssuer().isEmpty()) {
        return name + " has no issuer";
      }
      if (key.getNotBefore() > key.getNotAfter()) {
        return name + " has not_before after not_after";
      }
      if (key.getStatus() != LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE
          && key.getStatus() != LabelKeyStatus.LABEL_KEY_STATUS_RETIRED
          && key.getStatus() != LabelKeyStatus.LABEL_KEY_STATUS_REVOKED) {
        return name + " has status " + key.getStatus();
      }
    }
    Set<Long> serials = new HashSet<>();
    for (WithdrawnLabel withdrawn : list.getWithdrawnLabelsList()) {
      String name = "withdrawn serial " + Long.toUnsignedString(withdrawn.getSerial());
      if (!serials.add(withdrawn.getSerial())) {
        return name + " is listed twice";
      }
      if (withdrawn.getStatus() != LabelStatus.LABEL_STATUS_REVOKED
          && withdrawn.getStatus() != LabelStatus.LABEL_STATUS_SUPERSEDED) {
        return name + " has status " + withdrawn.getStatus();
      }
    }
    return null;
  }

  static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
