package io.packtrail.client.label;

import com.google.protobuf.ByteString;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.UnitLevel;
import io.packtrail.v1.WithdrawnLabel;
import java.time.Instant;

/** Fixed keys and builders shared by the label tests (the vector keys of docs/formats.md section 7). */
final class LabelFixtures {

  static final String ISSUER = "gansu-battery";
  static final String UNIT_CODE = "X12MCPM27KLPCLX2M2382320";
  static final long SERIAL = 1234567L;
  /** 2026-01-01T00:00:00Z. */
  static final long ISSUED_AT = 1767225600L;
  static final long DAY = 86_400L;

  static final byte[] ISSUER_SEED = bytesFrom(0x01);
  static final byte[] ISSUER_PUBLIC = Ed25519Keys.publicKeyOf(ISSUER_SEED);
  static final byte[] ROOT_SEED = bytesFrom(0x21);
  static final byte[] ROOT_PUBLIC = Ed25519Keys.publicKeyOf(ROOT_SEED);

  /** A time at which the fixture list is current and the fixture key valid. */
  static final Instant NOW = Instant.ofEpochSecond(ISSUED_AT + DAY);

  private LabelFixtures() {}

  /** 32 bytes counting up from {@code first}. */
  static byte[] bytesFrom(int first) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (first + i);
    }
    return bytes;
  }

  static ByteString keyIdOf(byte[] publicKey) {
    return ByteString.copyFrom(Ed25519Keys.keyId(publicKey));
  }

  /** The vector payload, signed by the key with {@code publicKey}. */
  static LabelPayload.Builder payload(byte[] publicKey) {
    return LabelPayload.newBuilder()
        .setUnitCode(UNIT_CODE)
        .setLevel(UnitLevel.UNIT_LEVEL_MODULE)
        .setSerial(SERIAL)
        .setIssuer(ISSUER)
        .setKeyId(keyIdOf(publicKey))
        .setIssuedAt(ISSUED_AT);
  }

  static String labelText(LabelPayload payload, byte[] privateKey) {
    return LabelCodec.encode(LabelCodec.sign(payload, privateKey));
  }

  /** The vector label: the fixed payload signed by the fixed issuer key. */
  static String vectorLabel() {
    return labelText(payload(ISSUER_PUBLIC).build(), ISSUER_SEED);
  }

  /** A key valid from 30 days before to 365 days after ISSUED_AT. */
  static TrustedLabelKey.Builder trustedKey(byte[] publicKey, LabelKeyStatus status) {
    return TrustedLabelKey.newBuilder()
        .setKeyId(keyIdOf(publicKey))
        .setIssuer(ISSUER)
        .setPublicKey(ByteString.copyFrom(publicKey))
        .setNotBefore(ISSUED_AT - 30 * DAY)
        .setNotAfter(ISSUED_AT + 365 * DAY)
        .setStatus(status);
  }

  /** A list issued at ISSUED_AT, expiring 30 days later, trusting the fixture issuer key. */
  static TrustList.Builder trustList() {
    return TrustList.newBuilder()
        .setVersion(1)
        .setIssuedAt(ISSUED_AT)
        .setExpiresAt(ISSUED_AT + 30 * DAY)
        .addKeys(trustedKey(ISSUER_PUBLIC, LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE));
  }

  static WithdrawnLabel withdrawn(long serial, LabelStatus status) {
    return WithdrawnLabel.newBuilder().setSerial(serial).setStatus(status).build();
  }
}
