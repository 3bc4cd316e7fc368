package io.packtrail.server.domain;

import java.time.Instant;
import java.util.UUID;

/** One committed step of a unit's life, as stored and hashed. */
public record Event(
    UUID eventId,
    String unitCode,
    long sequence,
    long logIndex,
    StepType type,
    Instant eventTime,
    Instant recordTime,
    String actorOrganization,
    String actorSite,
    LifecycleState stateBefore,
    LifecycleState stateAfter,
    Step step,
    byte[] previousHash,
    byte[] hash,
    byte[] canonicalBytes,
    byte[] requestDigest,
    Long labelSerial) {

  /** Canonical keys of who submitted the event (docs/formats.md section 15). */
  public static final String SUBMITTER_KIND = "submitter.kind";
  public static final String SUBMITTER_NAME = "submitter.name";
  public static final String SUBMITTER_CERTIFICATE_SERIAL = "submitter.certificate_serial";

  /**
   * The authenticated principal that submitted an event: its kind ({@link Principal.Kind} name),
   * resource name and certificate serial.
   */
  public record Submitter(String kind, String name, String certificateSerial) {}

  /**
   * Who submitted the event, from its canonical bytes; null for an event recorded without a
   * certificate (plaintext development mode, or before principals were recorded).
   */
  public Submitter submitter() {
    CanonicalFields f = CanonicalFields.decode(canonicalBytes);
    String kind = f.get(SUBMITTER_KIND);
    return kind == null ? null : new Submitter(kind, f.get(SUBMITTER_NAME),
        f.get(SUBMITTER_CERTIFICATE_SERIAL));
  }

  /**
   * The client's id of the step this event belongs to: {@code step.id} for an event of a step
   * that touches several units, else the event's own id.
   */
  public UUID stepId() {
    return stepId(CanonicalFields.decode(canonicalBytes));
  }

  /** As {@link #stepId()}, of this event's canonical fields already decoded. */
  public UUID stepId(CanonicalFields fields) {
    String id = fields.get("step.id");
    return id == null ? eventId : UUID.fromString(id);
  }

  /** The part the unit played in the step: {@code step.part}, SUBJECT for single-unit steps. */
  public Part part() {
    return part(CanonicalFields.decode(canonicalBytes));
  }

  /** As {@link #part()}, of this event's canonical fields already decoded. */
  public static Part part(CanonicalFields fields) {
    String part = fields.get("step.part");
    return part == null ? Part.SUBJECT : Part.valueOf(part.toUpperCase(java.util.Locale.ROOT));
  }

  /** The device that recorded the step ({@code device}), or null. */
  public String device() {
    return CanonicalFields.decode(canonicalBytes).get("device");
  }

  /**
   * The device's signature of the step's statement ({@code device.signature}), or null: only in
   * the event of the unit the step was recorded against.
   */
  public byte[] deviceSignature() {
    String hex = CanonicalFields.decode(canonicalBytes).get("device.signature");
    return hex == null ? null : java.util.HexFormat.of().parseHex(hex);
  }

  public String name() {
    return ResourceNames.event(unitCode, sequence);
  }

  /**
   * The answer to a request that reuses this event's id: this event when the request is the
   * same (same digest), else {@link AlreadyExistsException}, naming this event only to its own
   * organisation ({@link #shownTo}); a request of {@code callerOrganization} (null: the server's
   * own) about {@code requestedUnit} from another one learns that the id is in use, nothing of a
   * unit and a step it may not read.
   */
  public Event answerRetry(byte[] digest, String callerOrganization, String requestedUnit) {
    if (java.util.Arrays.equals(requestDigest, digest)) {
      return this;
    }
    if (!shownTo(callerOrganization)) {
      throw new AlreadyExistsException(ResourceNames.unit(requestedUnit), "event_id " + eventId
          + " is already in use; choose a new event_id for a new step");
    }
    throw new AlreadyExistsException(name(), "event_id " + eventId + " was already used for a "
        + "different step (" + name() + "); choose a new event_id for a new step");
  }

  /**
   * Whether a refusal may name this event to a request of {@code organization}: its own
   * organisation's, or the server's own (null).
   */
  public boolean shownTo(String organization) {
    return organization == null || organization.equals(actorOrganization);
  }
}
