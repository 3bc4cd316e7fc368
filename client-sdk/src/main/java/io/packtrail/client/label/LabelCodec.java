package io.packtrail.client.label;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.packtrail.client.label.LabelFormatException.Check;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.SignedLabel;
import java.util.Arrays;

/**
 * The QR label text: {@code "PT1:" + Base45(SignedLabel bytes)} (docs/formats.md section 7).
 * Decoding checks form only; whether the signature and key are good is {@link LabelVerifier}'s job.
 */
public final class LabelCodec {

  public static final String PREFIX = "PT1:";

  /**
   * Longest text accepted. A label is about 200 characters; the cap is checked before any
   * decoding, so a huge input is refused at once.
   */
  public static final int MAX_TEXT_LENGTH = 1000;

  /** A decoded envelope together with its parsed payload (so verifying parses it once). */
  public record Decoded(SignedLabel envelope, LabelPayload payload) {}

  private LabelCodec() {}

  /** Signs {@code payload} with an issuer key: serializes it once and signs exactly those bytes. */
  public static SignedLabel sign(LabelPayload payload, byte[] privateKey) {
    byte[] payloadBytes = payload.toByteArray();
    return SignedLabel.newBuilder()
        .setPayload(ByteString.copyFrom(payloadBytes))
        .setSignature(ByteString.copyFrom(Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, payloadBytes, privateKey)))
        .build();
  }

  public static String encode(SignedLabel label) {
    return PREFIX + Base45Text.encode(label.toByteArray());
  }

  /** Decodes a label text; throws {@link LabelFormatException} naming the failed check. */
  public static SignedLabel decode(String text) {
    return decodeWithPayload(text).envelope();
  }

  /** Decodes a label text and parses its payload; throws {@link LabelFormatException} naming the failed check. */
  public static Decoded decodeWithPayload(String text) {
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new LabelFormatException(Check.TOO_LONG,
          "label text has " + text.length() + " characters, more than the " + MAX_TEXT_LENGTH + " allowed");
    }
    if (!text.startsWith(PREFIX)) {
      throw new LabelFormatException(Check.PREFIX, "label text does not start with \"" + PREFIX + "\"");
    }
    byte[] bytes;
    try {
      bytes = Base45Text.decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new LabelFormatException(Check.BASE45, "label text is not valid Base45: " + e.getMessage(), e);
    }
    SignedLabel envelope;
    try {
      envelope = SignedLabel.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new LabelFormatException(Check.ENVELOPE, "label bytes are not a SignedLabel: " + e.getMessage(), e);
    }
    // Only the canonical encoding (fields 1 then 2, nothing else) is accepted, so no one can
    // make a second text for the same label by padding or reordering the envelope. Re-encoding
    // catches repeats and reordering; unknown fields survive re-encoding, so check them apart.
    if (envelope.getUnknownFields().getSerializedSize() != 0 || !Arrays.equals(envelope.toByteArray(), bytes)) {
      throw new LabelFormatException(Check.ENVELOPE,
          "label envelope is not canonical (unknown, repeated or reordered fields)");
    }
    return decodeSigned(envelope);
  }

  /**
   * Checks a label given as its signed payload bytes and signature (as an audit bundle carries
   * it): the checks of {@link #decodeWithPayload} after the envelope's, on the envelope they
   * make. Throws {@link LabelFormatException} naming the failed check.
   */
  public static Decoded decodeSigned(byte[] payload, byte[] signature) {
    return decodeSigned(SignedLabel.newBuilder().setPayload(ByteString.copyFrom(payload))
        .setSignature(ByteString.copyFrom(signature)).build());
  }

  private static Decoded decodeSigned(SignedLabel envelope) {
    if (envelope.getSignature().size() != Ed25519Keys.SIGNATURE_SIZE) {
      throw new LabelFormatException(Check.SIGNATURE_SIZE,
          "label signature has " + envelope.getSignature().size() + " bytes, not " + Ed25519Keys.SIGNATURE_SIZE);
    }
    if (envelope.getPayload().isEmpty()) {
      throw new LabelFormatException(Check.PAYLOAD, "label payload is empty");
    }
    LabelPayload payload;
    try {
      payload = LabelPayload.parseFrom(envelope.getPayload());
    } catch (InvalidProtocolBufferException e) {
      throw new LabelFormatException(Check.PAYLOAD, "label payload is not a LabelPayload: " + e.getMessage(), e);
    }
    // The signed bytes must be the one encoding protobuf writes for the fields they hold, so every
    // verifier reads the same fields from them (parsers disagree on repeated fields, unknown ones
    // and wrong wire types; padded varints would give one payload many encodings).
    if (payload.getUnknownFields().getSerializedSize() != 0
        || !payload.toByteString().equals(envelope.getPayload())) {
      throw new LabelFormatException(Check.PAYLOAD, "label payload is not canonical (unknown, "
          + "repeated, reordered, default-valued or padded fields)");
    }
    if (payload.getKeyId().size() != Ed25519Keys.KEY_ID_SIZE) {
      throw new LabelFormatException(Check.KEY_ID_SIZE,
          "label key id has " + payload.getKeyId().size() + " bytes, not " + Ed25519Keys.KEY_ID_SIZE);
    }
    return new Decoded(envelope, payload);
  }
}
