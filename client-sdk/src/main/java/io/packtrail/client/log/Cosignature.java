package io.packtrail.client.log;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Witness cosignatures, C2SP tlog-cosignature, Ed25519 "cosignature/v1" (signature type 0x04).
 * The cosigner signs {@code "cosignature/v1\ntime <unix seconds>\n"} followed by the whole
 * checkpoint body; its signature line carries the key hash (with type 0x04), the timestamp as 8
 * big-endian bytes, then the 64-byte Ed25519 signature. A cosignature says: at that time, the
 * largest consistent tree the cosigner has seen of this log has this root.
 */
public final class Cosignature {

  /** The header line of the signed message (without its newline). */
  public static final String HEADER = "cosignature/v1";
  /** Timestamp (8 bytes) and Ed25519 signature (64 bytes): what follows the key hash. */
  public static final int SIGNATURE_SIZE = 8 + Ed25519Keys.SIGNATURE_SIZE;

  private Cosignature() {}

  /**
   * The signed message: {@code "cosignature/v1\ntime " + timestamp + "\n"} then the checkpoint
   * body.
   */
  public static byte[] signedMessage(byte[] checkpointBody, long timestamp) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("a cosignature timestamp is between 0 and 2^63-1, not " + timestamp);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((HEADER + "\ntime " + timestamp + "\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(checkpointBody);
    return out.toByteArray();
  }

  /**
   * Cosigns {@code checkpointBody} at {@code timestamp} (Unix seconds) with the cosigner's Ed25519
   * private key (32-byte seed), under {@code cosignerName}; returns the signature line to append to
   * the checkpoint note ({@link SignedNote#withSignature}, {@link SignedNote.Signature#line()}).
   *
   * @throws IllegalArgumentException for an invalid body, name, key, or a negative timestamp
   */
  public static SignedNote.Signature sign(byte[] checkpointBody, String cosignerName, byte[] privateKey,
      long timestamp) {
    try {
      SignedNote.checkText(checkpointBody);
    } catch (LogVerificationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    VerifierKey key = VerifierKey.ofCosigner(cosignerName, Ed25519Keys.publicKeyOf(privateKey));
    byte[] signature = VerifierKey.sign(privateKey, signedMessage(checkpointBody, timestamp));
    byte[] both = ByteBuffer.allocate(SIGNATURE_SIZE).putLong(timestamp).put(signature).array();
    return new SignedNote.Signature(cosignerName, key.keyHash(), both);
  }

  /**
   * Finds the cosignature of {@code cosignerKey} in the note (name and key hash match; other lines
   * are ignored), verifies it over the note's text, and returns its timestamp (Unix seconds). Every
   * line of that key must verify; if there are several, the latest timestamp is returned.
   *
   * @throws LogVerificationException NOT_SIGNED when the note has no line by the key,
   *     BAD_SIGNATURE when one does not verify, MALFORMED when one is not a timestamp and a
   *     signature or the key is not a cosigner's (type 0x04)
   */
  public static long verify(SignedNote note, VerifierKey cosignerKey) throws LogVerificationException {
    requireCosignerKey(cosignerKey);
    byte[] body = note.body();
    long latest = -1;
    for (SignedNote.Signature s : note.signatures()) {
      if (cosignerKey.matches(s)) {
        latest = Math.max(latest, verify(body, s, cosignerKey));
      }
    }
    if (latest < 0) {
      throw new LogVerificationException(Reason.NOT_SIGNED, "checkpoint has no cosignature by "
          + cosignerKey.name() + " (key hash " + Merkle.hex(cosignerKey.keyHash()) + ")");
    }
    return latest;
  }

  /**
   * Verifies one cosignature line over a checkpoint body; returns its timestamp.
   *
   * @throws LogVerificationException as {@link #verify(SignedNote, VerifierKey)}, and NOT_SIGNED
   *     when the line is by another key
   */
  public static long verify(byte[] checkpointBody, SignedNote.Signature signature, VerifierKey cosignerKey)
      throws LogVerificationException {
    requireCosignerKey(cosignerKey);
    if (!cosignerKey.matches(signature)) {
      throw new LogVerificationException(Reason.NOT_SIGNED, "the signature line is by " + signature.keyName()
          + " (key hash " + Merkle.hex(signature.keyHash()) + "), not by " + cosignerKey.name()
          + " (key hash " + Merkle.hex(cosignerKey.keyHash()) + ")");
    }
    byte[] bytes = signature.signature();
    if (bytes.length != SIGNATURE_SIZE) {
      throw new LogVerificationException(Reason.MALFORMED, "cosignature by " + cosignerKey.name() + " has "
          + bytes.length + " bytes after the key hash, not " + SIGNATURE_SIZE + " (timestamp and signature)");
    }
    long timestamp = ByteBuffer.wrap(bytes, 0, 8).getLong();
    if (timestamp < 0) {
      throw new LogVerificationException(Reason.MALFORMED, "cosignature by " + cosignerKey.name()
          + " has a timestamp above 2^63-1");
    }
    if (!cosignerKey.verifies(signedMessage(checkpointBody, timestamp), Arrays.copyOfRange(bytes, 8, bytes.length))) {
      throw new LogVerificationException(Reason.BAD_SIGNATURE, "the cosignature by " + cosignerKey.name()
          + " (time " + timestamp + ") does not verify over the checkpoint");
    }
    return timestamp;
  }

  private static void requireCosignerKey(VerifierKey key) throws LogVerificationException {
    if (key.type() != VerifierKey.TYPE_COSIGNATURE) {
      throw new LogVerificationException(Reason.MALFORMED, "key " + key.name()
          + " is not a cosigner's key (signature type 0x04)");
    }
  }
}
