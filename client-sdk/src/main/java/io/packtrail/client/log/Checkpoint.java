package io.packtrail.client.log;

import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A checkpoint (C2SP tlog-checkpoint): the log's origin, a tree size and the tree's root hash. Its
 * body, the note text the log signs, is three lines, each ending in a newline: the origin, the
 * size in decimal (no leading zero), the root hash in standard padded base64. Packtrail
 * checkpoints have no extension lines, and the origin is also the log key's name, so it is a valid
 * key name (no space, no '+').
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {

  /**
   * @throws IllegalArgumentException for an invalid origin, a negative size, or a root hash that
   *     is not 32 bytes
   */
  public Checkpoint {
    String problem = VerifierKey.keyNameProblem(origin);
    if (problem != null) {
      throw new IllegalArgumentException("origin: " + problem);
    }
    if (size < 0) {
      throw new IllegalArgumentException("tree size " + size + " is negative");
    }
    if (rootHash == null || rootHash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException("root hash has " + (rootHash == null ? "no" : rootHash.length)
          + " bytes, not " + Merkle.HASH_SIZE);
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The note text: origin, size, base64 root hash, each line ending in "\n" (UTF-8). */
  public byte[] body() {
    return text().getBytes(StandardCharsets.UTF_8);
  }

  /** {@link #body()} as a string. */
  public String text() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
  }

  /**
   * Parses a checkpoint body (a signed note's text).
   *
   * @throws LogVerificationException (MALFORMED) naming the line that is wrong
   */
  public static Checkpoint parseBody(byte[] body) throws LogVerificationException {
    return parseBody(SignedNote.checkText(body));
  }

  /** As {@link #parseBody(byte[])}, for the text of a {@link SignedNote}. */
  public static Checkpoint parseBody(String body) throws LogVerificationException {
    if (body == null || body.length() > SignedNote.MAX_NOTE_BYTES || !body.endsWith("\n")) {
      throw malformed("checkpoint body is missing, too large, or does not end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw malformed("checkpoint body has " + lines.length + " lines, not 3 (origin, size, root hash)");
    }
    if (lines.length > 3) {
      throw malformed("checkpoint body has " + (lines.length - 3)
          + " extension line(s) after the root hash; Packtrail checkpoints have none");
    }
    String problem = VerifierKey.keyNameProblem(lines[0]);
    if (problem != null) {
      throw malformed("checkpoint origin: " + problem);
    }
    if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
      throw malformed("checkpoint tree size '" + abbreviate(lines[1])
          + "' is not a decimal number without leading zeros");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw malformed("checkpoint tree size " + lines[1] + " is too large");
    }
    byte[] root = VerifierKey.decodeBase64(lines[2], "checkpoint root hash");
    if (root.length != Merkle.HASH_SIZE) {
      throw malformed("checkpoint root hash has " + root.length + " bytes, not " + Merkle.HASH_SIZE);
    }
    return new Checkpoint(lines[0], size, root);
  }

  /**
   * Parses a signed checkpoint note, checks it is signed by the log key, and that its origin is
   * the key's name; returns the checkpoint.
   *
   * @throws LogVerificationException when the note is malformed, not signed by {@code logKey}, a
   *     signature by it does not verify, the body is not a checkpoint, or the origin differs
   */
  public static Checkpoint verify(String note, VerifierKey logKey) throws LogVerificationException {
    SignedNote parsed = SignedNote.parse(note);
    parsed.verify(logKey);
    Checkpoint checkpoint = parseBody(parsed.text());
    if (!checkpoint.origin.equals(logKey.name())) {
      throw new LogVerificationException(Reason.MALFORMED, "checkpoint origin " + checkpoint.origin
          + " is not the log key's name " + logKey.name());
    }
    return checkpoint;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && origin.equals(c.origin) && size == c.size
        && Arrays.equals(rootHash, c.rootHash);
  }

  @Override
  public int hashCode() {
    return (origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", " + size + ", " + Merkle.hex(rootHash) + "]";
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static LogVerificationException malformed(String message) {
    return new LogVerificationException(Reason.MALFORMED, message);
  }
}
