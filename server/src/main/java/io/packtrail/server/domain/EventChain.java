package io.packtrail.server.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The per-unit hash chain: hash_n = SHA-256(TAG || hash_{n-1} || canonical bytes of event n),
 * with 32 zero bytes before the first event (docs/formats.md).
 */
public final class EventChain {
  public static final byte[] TAG = "packtrail/event-chain/v1".getBytes(StandardCharsets.US_ASCII);

  private EventChain() {}

  /**
   * Seals a checked step into the next event of its unit: numbers it, encodes it canonically and
   * chains its hash. Returns the event and the unit state with the new chain head.
   */
  public static Sealed seal(Submission submission, Actor actor, UnitState before,
      UnitState after, long logIndex, Instant recordTime, byte[] requestDigest) {
    long sequence = before.eventCount() + 1;
    Instant recorded = toStoredPrecision(recordTime);
    CanonicalFields fields = new CanonicalFields()
        .put("event.id", submission.eventId().toString())
        .put("event.type", submission.step().type().key())
        .put("event.time", submission.eventTime())
        .put("record.time", recorded)
        .put("unit.code", submission.unitCode())
        .put("unit.sequence", sequence)
        .put("log.index", logIndex)
        .put("actor.organization", actor.organization())
        .put("actor.site", actor.site())
        .put("state.before", before.state())
        .put("state.after", after.state())
        .put("label.serial", submission.labelSerial() == null ? null
            : submission.labelSerial().toString());
    submission.step().writeTo(fields);
    byte[] canonical = fields.encode();
    byte[] hash = hash(before.headHash(), canonical);
    Event event = new Event(submission.eventId(), submission.unitCode(), sequence, logIndex,
        submission.step().type(), submission.eventTime(), recorded, actor.organization(),
        actor.site(), before.state(), after.state(), submission.step(), before.headHash(), hash,
        canonical, requestDigest, submission.labelSerial());
    return new Sealed(event, after.withHead(sequence, hash));
  }

  /** A sealed event and its unit's state after it. */
  public record Sealed(Event event, UnitState unit) {}

  /** Rebuilds an event from its stored canonical bytes and chain hashes. */
  public static Event fromCanonical(byte[] canonical, byte[] previousHash, byte[] hash,
      byte[] requestDigest) {
    CanonicalFields f = CanonicalFields.decode(canonical);
    StepType type = StepType.fromKey(f.get("event.type"));
    String before = f.get("state.before");
    return new Event(
        UUID.fromString(f.get("event.id")),
        f.get("unit.code"),
        Long.parseLong(f.get("unit.sequence")),
        Long.parseLong(f.get("log.index")),
        type,
        CanonicalFields.parseTime(f.get("event.time")),
        CanonicalFields.parseTime(f.get("record.time")),
        f.get("actor.organization"),
        f.get("actor.site"),
        before == null ? null : LifecycleState.valueOf(before),
        LifecycleState.valueOf(f.get("state.after")),
        Step.readFrom(type, f),
        previousHash,
        hash,
        canonical,
        requestDigest,
        f.get("label.serial") == null ? null : Long.valueOf(f.get("label.serial")));
  }

  public static byte[] hash(byte[] previousHash, byte[] canonical) {
    MessageDigest sha = sha256();
    sha.update(TAG);
    sha.update(previousHash);
    sha.update(canonical);
    return sha.digest();
  }

  /**
   * Checks a unit's whole history: sequences 1..n without gaps, each previous hash equal to the
   * hash before it, each hash recomputed from the canonical bytes. Returns -1 when intact, else
   * the index in the list of the first event that breaks the chain.
   */
  public static int firstBreak(List<Event> events) {
    byte[] previous = UnitState.GENESIS_HASH;
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (e.sequence() != i + 1
          || !Arrays.equals(previous, e.previousHash())
          || !Arrays.equals(e.hash(), hash(previous, e.canonicalBytes()))) {
        return i;
      }
      previous = e.hash();
    }
    return -1;
  }

  public static byte[] sha256(byte[] bytes) {
    return sha256().digest(bytes);
  }

  static Instant toStoredPrecision(Instant time) {
    return time == null ? null : time.truncatedTo(ChronoUnit.MICROS);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
