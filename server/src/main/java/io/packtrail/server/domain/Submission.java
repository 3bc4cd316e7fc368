package io.packtrail.server.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A step as a client asked for it: everything of an event that the client chose. Its digest
 * decides whether a retry under the same event id is the same request.
 */
public record Submission(UUID eventId, String unitCode, Instant eventTime, String actorSite,
    Step step, Long labelSerial) {

  public Submission {
    eventTime = EventChain.toStoredPrecision(eventTime);
  }

  public Submission(UUID eventId, String unitCode, Instant eventTime, String actorSite,
      Step step) {
    this(eventId, unitCode, eventTime, actorSite, step, null);
  }

  /** The same submission with the serial of the label that was scanned with it. */
  public Submission withLabelSerial(long serial) {
    return new Submission(eventId, unitCode, eventTime, actorSite, step, serial);
  }

  /** SHA-256 of the canonical encoding of the client-chosen fields. */
  public byte[] digest() {
    CanonicalFields fields = new CanonicalFields()
        .put("event.id", eventId.toString())
        .put("event.type", step.type().key())
        .put("event.time", eventTime)
        .put("unit.code", unitCode)
        .put("actor.site", actorSite)
        .put("label.serial", labelSerial == null ? null : labelSerial.toString());
    step.writeTo(fields);
    return EventChain.sha256(fields.encode());
  }
}
