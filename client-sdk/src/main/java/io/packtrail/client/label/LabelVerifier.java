package io.packtrail.client.label;

import com.google.protobuf.ByteString;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.WithdrawnLabel;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Verifies label texts offline against one trust list (verified beforehand with
 * {@link TrustLists#verify}). Immutable and thread-safe; to take up a new list, build a new verifier.
 *
 * <p>Everything that can be prepared is prepared here: keys are indexed by id with their curve
 * points decoded, and withdrawn serials sit in a sorted array searched without boxing, so a call
 * costs the decoding and one signature check.
 */
public final class LabelVerifier {

  /** A trusted key with its public key decoded once. */
  private record IndexedKey(TrustedLabelKey key, Ed25519PublicKeyParameters publicKey) {}

  private final TrustList trustList;
  private final Supplier<Instant> clock;
  private final Instant expiresAt;
  private final Map<ByteString, IndexedKey> keysById = new HashMap<>();
  private final long[] withdrawnSerials;
  private final LabelStatus[] withdrawnStatuses;

  /** A verifier that reads the system clock. */
  public LabelVerifier(TrustList trustList) {
    this(trustList, Instant::now);
  }

  /**
   * @param clock the current time, read on every call, so a list that expires while the scanner
   *     runs is refused from then on
   * @throws IllegalArgumentException if the list contradicts itself (duplicate or mismatched key
   *     ids, invalid keys, duplicate serials)
   */
  public LabelVerifier(TrustList trustList, Supplier<Instant> clock) {
    String inconsistency = TrustLists.findInconsistency(trustList);
    if (inconsistency != null) {
      throw new IllegalArgumentException("unusable trust list version " + trustList.getVersion() + ": " + inconsistency);
    }
    this.trustList = trustList;
    this.clock = clock;
    this.expiresAt = io.packtrail.client.EpochSeconds.instant(trustList.getExpiresAt());
    for (TrustedLabelKey key : trustList.getKeysList()) {
      keysById.put(key.getKeyId(),
          new IndexedKey(key, Ed25519Keys.publicKeyParameters(key.getPublicKey().toByteArray())));
    }
    List<WithdrawnLabel> withdrawn = trustList.getWithdrawnLabelsList().stream()
        .sorted((a, b) -> Long.compare(a.getSerial(), b.getSerial()))
        .toList();
    withdrawnSerials = withdrawn.stream().mapToLong(WithdrawnLabel::getSerial).toArray();
    withdrawnStatuses = withdrawn.stream().map(WithdrawnLabel::getStatus).toArray(LabelStatus[]::new);
  }

  public TrustList trustList() {
    return trustList;
  }

  /**
   * Verifies one label text. Checks, in order: trust list expiry, form, key id known, signature,
   * key revoked, key valid at issue time, issuer matches key, serial withdrawn.
   */
  public Verification verify(String text) {
    Instant now = clock.get();
    if (now.isAfter(expiresAt)) {
      return refused(Refusal.TRUST_LIST_EXPIRED, "trust list version " + trustList.getVersion()
          + " expired at " + expiresAt + " (now " + now + "); fetch a new one");
    }
    LabelCodec.Decoded decoded;
    try {
      decoded = LabelCodec.decodeWithPayload(text);
    } catch (LabelFormatException e) {
      return refused(Refusal.MALFORMED, e.getMessage());
    }
    LabelPayload payload = decoded.payload();
    IndexedKey indexed = keysById.get(payload.getKeyId());
    if (indexed == null) {
      // Nothing is authenticated yet, so the detail only reports what the label claims.
      return refused(Refusal.UNKNOWN_KEY, "label claiming unit '"
          + io.packtrail.client.Echo.of(payload.getUnitCode()) + "' names key "
          + keyIdHex(payload) + ", which trust list version " + trustList.getVersion() + " does not hold");
    }
    if (!Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, decoded.envelope().getPayload(),
        decoded.envelope().getSignature(), indexed.publicKey())) {
      return refused(Refusal.BAD_SIGNATURE, "label claiming unit '"
          + io.packtrail.client.Echo.of(payload.getUnitCode()) + "' does not verify under key " + keyIdHex(payload) + " of " + indexed.key().getIssuer());
    }
    TrustedLabelKey key = indexed.key();
    if (key.getStatus() == LabelKeyStatus.LABEL_KEY_STATUS_REVOKED) {
      return refused(Refusal.REVOKED_KEY, "key " + keyIdHex(payload) + " of " + key.getIssuer()
          + " is revoked; refused " + describe(payload));
    }
    if (payload.getIssuedAt() < key.getNotBefore() || payload.getIssuedAt() > key.getNotAfter()) {
      return refused(Refusal.KEY_NOT_VALID_AT_ISSUE, describe(payload) + " was issued at "
          + io.packtrail.client.EpochSeconds.text(payload.getIssuedAt()) + ", outside the validity of key "
          + keyIdHex(payload) + " (" + io.packtrail.client.EpochSeconds.text(key.getNotBefore()) + " to "
          + io.packtrail.client.EpochSeconds.text(key.getNotAfter()) + ")");
    }
    if (!payload.getIssuer().equals(key.getIssuer())) {
      return refused(Refusal.ISSUER_MISMATCH, describe(payload) + " is signed by key " + keyIdHex(payload)
          + ", which belongs to " + key.getIssuer());
    }
    int withdrawn = Arrays.binarySearch(withdrawnSerials, payload.getSerial());
    if (withdrawn >= 0) {
      return withdrawnStatuses[withdrawn] == LabelStatus.LABEL_STATUS_REVOKED
          ? refused(Refusal.REVOKED_LABEL, describe(payload) + " is revoked")
          : refused(Refusal.SUPERSEDED_LABEL, describe(payload) + " is superseded by a reissued label");
    }
    return new Verification.Valid(payload);
  }

  private static Verification refused(Refusal refusal, String detail) {
    return new Verification.Refused(refusal, detail);
  }

  private static String describe(LabelPayload payload) {
    return "label serial " + Long.toUnsignedString(payload.getSerial()) + " for " + payload.getLevel() + " "
        + io.packtrail.client.Echo.of(payload.getUnitCode()) + " (issuer "
        + io.packtrail.client.Echo.of(payload.getIssuer()) + ")";
  }

  private static String keyIdHex(LabelPayload payload) {
    return TrustLists.hex(payload.getKeyId());
  }
}
