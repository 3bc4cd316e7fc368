package io.packtrail.client;

import com.google.protobuf.ByteString;
import io.packtrail.v1.Event;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Checks a unit's hash chain (docs/formats.md section 4) from its events alone: sequences run
 * 1..n, each event names the previous hash, each hash is SHA-256 over the chain tag, the previous
 * hash and the event's canonical bytes, and the last hash is the unit's head hash.
 */
public final class HashChain {
  /** The 24 ASCII bytes that start every hashed input. */
  public static final byte[] TAG = "packtrail/event-chain/v1".getBytes(StandardCharsets.US_ASCII);

  private HashChain() {}

  /** The outcome: {@code ok}, or the first break found, named by the event's sequence. */
  public record Result(boolean ok, int events, String detail) {}

  /**
   * Verifies {@code events} (a unit's whole history, in sequence order). {@code headHash} is the
   * unit's {@code head_hash}; empty skips that comparison (e.g. when the unit itself is unknown).
   */
  public static Result verify(List<Event> events, ByteString headHash) {
    byte[] previous = new byte[32];
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (e.getSequence() != i + 1) {
        return new Result(false, events.size(), "event " + (i + 1) + " is missing: found "
            + "sequence " + e.getSequence() + " there");
      }
      if (!ByteString.copyFrom(previous).equals(e.getPreviousHash())) {
        return new Result(false, events.size(), "event " + e.getSequence()
            + " does not name the hash of event " + i + " as its previous hash");
      }
      previous = hash(previous, e.getCanonicalBytes().toByteArray());
      if (!ByteString.copyFrom(previous).equals(e.getHash())) {
        return new Result(false, events.size(), "event " + e.getSequence()
            + ": its hash does not match its canonical bytes");
      }
    }
    if (!headHash.isEmpty() && !ByteString.copyFrom(previous).equals(headHash)) {
      return new Result(false, events.size(), "the unit's head hash is not the hash of its last "
          + "event (events missing at the end?)");
    }
    return new Result(true, events.size(), events.size() + " events, every hash recomputed and "
        + "linked" + (headHash.isEmpty() ? "" : ", the last one is the unit's head hash"));
  }

  /** SHA-256(tag || previous || canonical). */
  public static byte[] hash(byte[] previous, byte[] canonical) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(TAG);
      sha.update(previous);
      sha.update(canonical);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
