package io.packtrail.server.domain;

import io.packtrail.client.HashChain;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The per-unit hash chain: hash_n = SHA-256(TAG || hash_{n-1} || canonical bytes of event n),
 * with 32 zero bytes before the first event (docs/formats.md).
 */
public final class EventChain {
  public static final byte[] TAG = HashChain.TAG;

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
    putDevice(fields, submission, true);
    putSubmitter(fields, submission);
    submission.step().writeTo(fields);
    byte[] canonical = fields.encode();
    byte[] hash = hash(before.headHash(), canonical);
    Event event = new Event(submission.eventId(), submission.unitCode(), sequence, logIndex,
        submission.step().type(), submission.eventTime(), recorded, actor.organization(),
        actor.site(), before.state(), after.state(), submission.step(), before.headHash(), hash,
        canonical, requestDigest, submission.labelSerial());
    return new Sealed(event, after.withHead(sequence, hash));
  }

  /**
   * Seals one touched unit's event of a step that touches several units. Every such event
   * carries {@code step.id} (the client's event id), {@code step.unit} (the unit the step was
   * recorded against) and {@code step.part}; the primary unit's event keeps the client's id as
   * its {@code event.id}, every other one gets {@link #derivedEventId}. Only the primary unit's
   * event carries the scanned label's serial.
   */
  public static Sealed sealPart(Submission submission, Actor actor, Lifecycle.Planned planned,
      long logIndex, Instant recordTime, byte[] requestDigest) {
    boolean primary = planned.code().equals(submission.unitCode());
    UUID eventId = primary ? submission.eventId()
        : derivedEventId(submission.eventId(), planned.code());
    Long labelSerial = primary ? submission.labelSerial() : null;
    UnitState before = planned.before();
    long sequence = before.eventCount() + 1;
    Instant recorded = toStoredPrecision(recordTime);
    CanonicalFields fields = new CanonicalFields()
        .put("event.id", eventId.toString())
        .put("event.type", submission.step().type().key())
        .put("event.time", submission.eventTime())
        .put("record.time", recorded)
        .put("unit.code", planned.code())
        .put("unit.sequence", sequence)
        .put("log.index", logIndex)
        .put("actor.organization", actor.organization())
        .put("actor.site", actor.site())
        .put("state.before", before.state())
        .put("state.after", planned.after().state())
        .put("label.serial", labelSerial == null ? null : labelSerial.toString())
        .put("step.id", submission.eventId().toString())
        .put("step.unit", submission.unitCode())
        .put("step.part", planned.part().key());
    putDevice(fields, submission, primary);
    putSubmitter(fields, submission);
    submission.step().writeTo(fields);
    byte[] canonical = fields.encode();
    byte[] hash = hash(before.headHash(), canonical);
    Event event = new Event(eventId, planned.code(), sequence, logIndex,
        submission.step().type(), submission.eventTime(), recorded, actor.organization(),
        actor.site(), before.state(), planned.after().state(), submission.step(),
        before.headHash(), hash, canonical, requestDigest, labelSerial);
    return new Sealed(event, planned.after().withHead(sequence, hash));
  }

  /**
   * {@code device} in every event of a signed step; {@code device.signature} (lower-case hex)
   * only in the event of the unit the step was recorded against, whose fields (with
   * {@code label.serial}) are the ones the statement was made of.
   */
  private static void putDevice(CanonicalFields fields, Submission submission, boolean primary) {
    if (submission.device() != null) {
      fields.put("device", submission.device());
      if (primary) {
        fields.put("device.signature", HexFormat.of().formatHex(submission.deviceSignature()));
      }
    }
  }

  /**
   * {@code submitter.kind}, {@code submitter.name} and {@code submitter.certificate_serial}: the
   * authenticated principal that sent the step, in every event of the step (docs/formats.md
   * section 15). Absent without one (plaintext development mode), as in events recorded before
   * principals were recorded: their bytes are unchanged.
   */
  private static void putSubmitter(CanonicalFields fields, Submission submission) {
    Principal p = submission.submitter();
    if (p != null) {
      fields.put(Event.SUBMITTER_KIND, p.kind())
          .put(Event.SUBMITTER_NAME, p.name())
          .put(Event.SUBMITTER_CERTIFICATE_SERIAL, p.certificateSerial());
    }
  }

  /**
   * The event id of a non-primary unit's event of a multi-unit step: a name-based UUID, version
   * 5 (RFC 9562): SHA-1 of the step's id (16 bytes) then the unit code (UTF-8), first 16 bytes,
   * with the version and variant bits set. A retry computes the same ids.
   */
  public static UUID derivedEventId(UUID stepId, String unitCode) {
    return io.packtrail.client.canonical.Canonical.derivedEventId(stepId, unitCode);
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

  /** SHA-256(tag || previous hash || canonical bytes): the SDK's, so both hash alike. */
  public static byte[] hash(byte[] previousHash, byte[] canonical) {
    return HashChain.hash(previousHash, canonical);
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
