package io.packtrail.server.app;

import io.packtrail.client.label.LabelCodec;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.BatteryCode;
import io.packtrail.server.domain.DomainException;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.Lifecycle;
import io.packtrail.server.domain.Refusal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.HeldUnits;
import io.packtrail.server.ingest.IngestUnavailableException;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.label.ScannedLabels;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.PermissionDeniedException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The write path shared by every recording RPC: check that the caller may act at the acting site
 * (and register as the maker), that the event time is not ahead of the server clock beyond the
 * tolerated skew, that it
 * and the referenced parties exist, that a registering maker (or assembling firm) owns the code
 * and that a scanned label is genuine and this unit's, then hand the submission to the
 * sequencer. A signing device must be an active device of the acting site whose signature
 * verifies. A refusal of these checks also goes to the sequencer, which answers a retry of a
 * recorded step with its events and remembers the refusal otherwise (one fate per event id);
 * a refusal of the device is not remembered (see {@link #recordStep}).
 */
public final class Recorder {
  private final Directory directory;
  private final Sequencer sequencer;
  private final ScannedLabels labels;
  private final Set<StepType> labelRequired;
  private final Clock clock;
  private final Devices devices;

  public Recorder(Directory directory, Sequencer sequencer, ScannedLabels labels,
      Set<StepType> labelRequired, Clock clock, Devices devices) {
    this.directory = directory;
    this.devices = devices;
    this.sequencer = sequencer;
    this.labels = labels;
    this.labelRequired = Set.copyOf(labelRequired);
    this.clock = clock;
  }

  /**
   * Maps, checks and queues one request; every failure, early or late, arrives through the
   * returned future, so a batch item fails on its own (one not recorded holds its units'
   * later items, HeldUnits). {@code labelText} is null or empty when no
   * label was scanned. A submission still queued when {@code stillWanted} turns false (the call
   * was cancelled or is past its deadline) is not worth a database round trip and is dropped.
   * Answers the event of the unit the step is recorded against.
   */
  public CompletableFuture<Event> record(Supplier<Submission> mapping, String labelText,
      String prefix, Caller caller, BooleanSupplier stillWanted) {
    return recordStep(mapping, labelText, prefix, caller, stillWanted)
        .thenApply(events -> events.get(0));
  }

  /**
   * As {@link #record}, answering every event of the step: the primary unit's first, then the
   * other touched units' in the order the step names them (one event for a single-unit step).
   * A retry answers the same events; a re-send of a refused step the same refusal.
   */
  public CompletableFuture<List<Event>> recordStep(Supplier<Submission> mapping,
      String labelText, String prefix, Caller caller, BooleanSupplier stillWanted) {
    return recordStep(mapping, labelText, prefix, caller, stillWanted, HeldUnits.NONE);
  }

  /**
   * As {@link #recordStep(Supplier, String, String, Caller, BooleanSupplier)}, for one of the
   * steps of a call, in their order: a step of a unit whose earlier step in {@code held}'s call
   * was not recorded is not recorded either (HeldUnits).
   */
  public CompletableFuture<List<Event>> recordStep(Supplier<Submission> mapping,
      String labelText, String prefix, Caller caller, BooleanSupplier stillWanted,
      HeldUnits held) {
    Submission mapped = null;
    try {
      // a request that does not map is refused by its content alone: nothing to remember
      mapped = mapping.get();
      IngestUnavailableException heldBack = held.holding(mapped);
      if (heldBack != null) {
        // unjudged: not even the checks that need no look-up, which a resend will make
        held.notRecorded(mapped, heldBack);
        return CompletableFuture.failedFuture(heldBack);
      }
      Submission s = mapped.withSubmitter(caller.principal());
      try {
        // the authorization table's ACTING_SITE, from the request alone, before any look-up
        Authorization.checkActingSite(caller.principal(), s.actorSite(), s.step());
      } catch (Authorization.Denied denied) {
        throw caller.denied(denied);
      }
      Long serial = scannedSerial(labelText);
      Submission asSent = serial == null ? s : s.withLabelSerial(serial);
      // a label that does not decode has no serial, so the digest cannot tell this request from
      // the same step without a label: its refusal is not remembered (as for requests that do
      // not parse), or a copy with a garbled label would decide the fate of the real one
      boolean remember = serial != null || labelText == null || labelText.isEmpty();
      CompletableFuture<List<Event>> result;
      // the device first, before anything about the step is judged against the world: about
      // who sent the request, not what it says, so not remembered, and a badly signed copy
      // (with a time ahead, an unknown site, ...) cannot decide the fate of the device's own
      // request under the same id
      DomainException notTheDevice = deviceRefusal(asSent, labelText);
      if (notTheDevice != null) {
        result = sequencer.refuse(asSent, null, notTheDevice, false, stillWanted, held);
      } else {
        result = judged(s, asSent, labelText, remember, stillWanted, held);
      }
      return result.exceptionallyCompose(failure -> CompletableFuture.failedFuture(
          withPrefix(prefix, caller, failure)));
    } catch (RuntimeException e) {
      if (mapped != null && !(e instanceof PermissionDeniedException)) {
        held.notRecorded(mapped, e); // a look-up failed before the sequencer, or a refusal
      }
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The step judged against the world (its time, its site, its label, the checks before the
   * sequencer) and queued; or its refusal, queued to be answered under the log head lock.
   */
  private CompletableFuture<List<Event>> judged(Submission s, Submission asSent,
      String labelText, boolean remember, BooleanSupplier stillWanted, HeldUnits held) {
    Actor actor = null;
    try {
      // checked without the batch prefix: refusals are remembered without it
      Lifecycle.checkNotAhead("event_time", s.eventTime(), clock.instant());
      actor = directory.actor(s.actorSite(), "actor_site");
      Checked checked = check(s, labelText);
      return sequencer.record(checked.submission(), actor, checked.flags(), stillWanted, held);
    } catch (DomainException refused) {
      // The sequencer decides under the log head lock: a retry of a recorded step learns what
      // became of it even when the world has moved on since (label reissued, unit moved), a
      // re-send of a refused one gets its first refusal, and this refusal is remembered.
      return sequencer.refuse(asSent, actor, refused, remember, stillWanted, held);
    }
  }

  /**
   * Refusals name request fields without the batch prefix (the lifecycle from the step message
   * down: {@code dismantling.children[2].code}); a batch item's get {@code requests[i].}.
   */
  private static Throwable withPrefix(String prefix, Caller caller, Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException
        && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof Authorization.Denied denied) {
      return caller.denied(denied); // the sequencer's UNIT_CUSTODY: this caller, logged once
    }
    return cause instanceof DomainException e ? Refusal.withPrefix(e, prefix) : cause;
  }

  /**
   * The refusal of a signed step's device, or null when it is unsigned or its device and
   * signature are good. Checked first, over the statement with the serial the label states: the
   * label check that follows refuses a label that is not genuine, and an undecodable label is
   * left to it (its refusal names the label, not the signature).
   */
  private DomainException deviceRefusal(Submission asSent, String labelText) {
    if (asSent.labelSerial() == null && labelText != null && !labelText.isEmpty()) {
      return null;
    }
    try {
      devices.checkSigned(asSent, "");
      return null;
    } catch (DomainException refused) {
      return refused;
    }
  }

  /** A checked submission with the anomalies to flag on its event. */
  private record Checked(Submission submission, List<Anomaly.Flag> flags) {}

  /** Checks the submission against the world; returns it with the scanned label's serial. */
  private Checked check(Submission s, String labelText) {
    directory.requireReferences(s.step(), "");
    if (s.step() instanceof Step.Registration r) {
      directory.organization(r.maker(), "registration.maker")
          .requireOwnsCode(BatteryCode.parse("code", s.unitCode()));
    } else if (s.step() instanceof Step.Assembly) {
      // an assembly registers its product under the assembling firm, the product's maker
      directory.organization(ResourceNames.organizationOfSite(s.actorSite()),
          "actor_site").requireOwnsCode(BatteryCode.parse("unit", s.unitCode()));
    }
    if (labelText != null && !labelText.isEmpty()) {
      ScannedLabels.Scan scan = labels.checkScanned(labelText, s.unitCode(), "label_text",
          s.eventTime());
      return new Checked(s.withLabelSerial(scan.serial()),
          scan.flag() == null ? List.of() : List.of(scan.flag()));
    } else if (labelRequired.contains(s.step().type())) {
      throw new InvalidArgumentException("label_text", "is required: this deployment "
          + "requires the unit's scanned label for every " + s.step().type().key());
    }
    return new Checked(s, List.of());
  }

  /**
   * The serial a label text states, unverified: a retry's digest is compared with the stored
   * one only, never trusted; null when there is no label or it cannot be decoded.
   */
  private static Long scannedSerial(String labelText) {
    if (labelText == null || labelText.isEmpty()) {
      return null;
    }
    try {
      return LabelCodec.decodeWithPayload(labelText).payload().getSerial();
    } catch (RuntimeException undecodable) {
      return null;
    }
  }
}
