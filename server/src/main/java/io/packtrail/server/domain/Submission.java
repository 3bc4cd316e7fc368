package io.packtrail.server.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A step as a client asked for it: everything of an event that the client chose. Its
 * {@link #statement} is what an enrolled device signs, and its digest (the statement's SHA-256)
 * decides whether a retry under the same event id is the same request.
 *
 * @param labelSerial the serial of the label scanned with the step, or null
 * @param device the name of the device that recorded and signed the step, or null
 * @param deviceSignature the device's signature of the statement, null exactly when device is
 * @param submitter the authenticated principal that sent the request, or null (plaintext
 *     development mode): recorded in the events, not part of the statement (a retry by another
 *     principal allowed at the same site is the same request)
 */
public record Submission(UUID eventId, String unitCode, Instant eventTime, String actorSite,
    Step step, Long labelSerial, String device, byte[] deviceSignature, Principal submitter) {

  public Submission {
    eventTime = EventChain.toStoredPrecision(eventTime);
    if (submitter != null && !submitter.authenticated()) {
      submitter = null;
    }
  }

  public Submission(UUID eventId, String unitCode, Instant eventTime, String actorSite,
      Step step, Long labelSerial, String device, byte[] deviceSignature) {
    this(eventId, unitCode, eventTime, actorSite, step, labelSerial, device, deviceSignature,
        null);
  }

  public Submission(UUID eventId, String unitCode, Instant eventTime, String actorSite,
      Step step, Long labelSerial) {
    this(eventId, unitCode, eventTime, actorSite, step, labelSerial, null, null);
  }

  public Submission(UUID eventId, String unitCode, Instant eventTime, String actorSite,
      Step step) {
    this(eventId, unitCode, eventTime, actorSite, step, null);
  }

  /** The same submission with the serial of the label that was scanned with it. */
  public Submission withLabelSerial(long serial) {
    return new Submission(eventId, unitCode, eventTime, actorSite, step, serial, device,
        deviceSignature, submitter);
  }

  /** The same submission signed by a device. */
  public Submission withDevice(String deviceName, byte[] signature) {
    return new Submission(eventId, unitCode, eventTime, actorSite, step, labelSerial, deviceName,
        signature, submitter);
  }

  /** The same submission sent by {@code principal} (the plaintext principal: by nobody). */
  public Submission withSubmitter(Principal principal) {
    return new Submission(eventId, unitCode, eventTime, actorSite, step, labelSerial, device,
        deviceSignature, principal);
  }

  /**
   * The canonical encoding of the client-chosen fields (docs/formats.md sections 5 and 10):
   * {@code event.id}, {@code event.type}, {@code event.time}, {@code unit.code},
   * {@code actor.site}, {@code label.serial} when a label was scanned, {@code device} when a
   * device signed, and every field of the step. A device signs these bytes.
   */
  public byte[] statement() {
    CanonicalFields fields = new CanonicalFields()
        .put("event.id", eventId.toString())
        .put("event.type", step.type().key())
        .put("event.time", eventTime)
        .put("unit.code", unitCode)
        .put("actor.site", actorSite)
        .put("label.serial", labelSerial == null ? null : labelSerial.toString())
        .put("device", device);
    step.writeTo(fields);
    return fields.encode();
  }

  /** SHA-256 of the {@link #statement}. */
  public byte[] digest() {
    return EventChain.sha256(statement());
  }
}
