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

  /** The fields a timeline shows of each event, compared with its hashed bytes. */
  private static final io.packtrail.client.canonical.Canonical.Keys SHOWN =
      io.packtrail.client.canonical.Canonical.Keys.of("unit.code", "unit.sequence", "event.time",
          "event.type", "actor.site", "actor.organization", "label.serial", "device");

  /**
   * As {@link #verify(List, ByteString)}, for a timeline shown from the events' structured
   * fields: each event's bytes must also be of {@code unitCode} and state the sequence, time,
   * step type, site, organisation, label serial and device the structured event shows (formats.md
   * section 4: decode the canonical bytes and compare them with the fields you rely on). A server
   * or an edited cache that shows other fields than it hashed, or another unit's whole valid
   * chain under this code, is a broken chain, not "OK".
   */
  public static Result verify(String unitCode, List<Event> events, ByteString headHash) {
    Result chain = verify(events, headHash);
    if (!chain.ok()) {
      return chain;
    }
    Result shown = shownAsHashed(unitCode, events);
    return !shown.ok() ? shown : new Result(true, events.size(), chain.detail() + "; each "
        + "event's unit, sequence, time, step, site and label are those its bytes state");
  }

  /**
   * Whether each event shows the unit, sequence, time, step type, site, organisation, label
   * serial and device its own canonical bytes state; needs no chain, so it also serves events
   * shown beyond a gap (an offline cache), whose chain cannot be checked.
   */
  public static Result shownAsHashed(String unitCode, List<Event> events) {
    for (Event e : events) {
      java.util.SortedMap<String, String> f;
      try {
        f = io.packtrail.client.canonical.Canonical.select(e.getCanonicalBytes().toByteArray(),
            SHOWN);
      } catch (IllegalArgumentException malformed) {
        return new Result(false, events.size(), "event " + e.getSequence() + ": its canonical "
            + "bytes cannot be read (" + malformed.getMessage() + ")");
      }
      String differs = differs(unitCode, e, f);
      if (differs != null) {
        return new Result(false, events.size(), "event " + e.getSequence() + " shows " + differs);
      }
    }
    return new Result(true, events.size(), "each event shows what its bytes state");
  }

  private static String differs(String unitCode, Event e, java.util.Map<String, String> f) {
    java.time.Instant shownTime = java.time.Instant.ofEpochSecond(e.getEventTime().getSeconds(),
        e.getEventTime().getNanos());
    String[][] pairs = {
        {"unit.code", unitCode},
        {"unit.sequence", Long.toString(e.getSequence())},
        {"event.time", io.packtrail.client.canonical.Canonical.time(shownTime)},
        {"event.type", e.getStepCase().name().toLowerCase(java.util.Locale.ROOT)},
        {"actor.site", e.getActorSite()},
        {"actor.organization", e.getActorOrganization()},
        {"label.serial", e.getLabelSerial() == 0 ? null : Long.toUnsignedString(
            e.getLabelSerial())},
        {"device", e.getDevice().isEmpty() ? null : e.getDevice()}};
    for (String[] p : pairs) {
      if (!java.util.Objects.equals(f.get(p[0]), p[1])) {
        return p[0] + " " + Echo.of(String.valueOf(p[1])) + ", but its hashed bytes state "
            + Echo.of(String.valueOf(f.get(p[0])));
      }
    }
    return null;
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
