package io.packtrail.server.app;

import io.packtrail.client.label.LabelCodec;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.BatteryCode;
import io.packtrail.server.domain.DomainException;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.FieldViolation;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.label.ScannedLabels;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.PermissionDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The write path shared by every recording RPC: resolve the acting site, check that the caller
 * may act there, that referenced parties exist, that a registering maker (or assembling firm)
 * owns the code, that a scanned label is genuine and this unit's and that a signing device is
 * an active device of the site whose signature verifies, then hand the submission to
 * the sequencer. When a check refuses a request whose id is already recorded, the request is
 * answered as a retry.
 */
public final class Recorder {
  private final Directory directory;
  private final Sequencer sequencer;
  private final ScannedLabels labels;
  private final Set<StepType> labelRequired;
  private final Function<UUID, Optional<Event>> priorEvents;
  private final Devices devices;

  public Recorder(Directory directory, Sequencer sequencer, ScannedLabels labels,
      Set<StepType> labelRequired, Function<UUID, Optional<Event>> priorEvents,
      Devices devices) {
    this.directory = directory;
    this.devices = devices;
    this.priorEvents = priorEvents;
    this.sequencer = sequencer;
    this.labels = labels;
    this.labelRequired = Set.copyOf(labelRequired);
  }

  /**
   * Maps, checks and queues one request; every failure, early or late, arrives through the
   * returned future, so a batch item fails alone. {@code labelText} is null or empty when no
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
   * A retry answers the same events.
   */
  public CompletableFuture<List<Event>> recordStep(Supplier<Submission> mapping,
      String labelText, String prefix, Caller caller, BooleanSupplier stillWanted) {
    try {
      Submission s = mapping.get();
      Actor actor = directory.actor(s.actorSite(), prefix + "actor_site");
      if (!caller.mayActAt(s.actorSite())) {
        throw new PermissionDeniedException("the caller may record only at " + caller.site()
            + ", not at " + s.actorSite());
      }
      try {
        return sequencer.record(check(s, labelText, prefix), actor, stillWanted)
            .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                withPrefix(prefix, failure)));
      } catch (DomainException refused) {
        // A retry must learn what became of its first attempt, even when the world has moved
        // on since (label reissued, unit moved): the id is looked up only after a refusal, so
        // the happy path costs no extra round trip.
        Event prior = priorEvents.apply(s.eventId()).orElseThrow(() -> refused);
        Long serial = scannedSerial(labelText);
        Submission asSent = serial == null ? s : s.withLabelSerial(serial);
        List<Event> events = new ArrayList<>();
        events.add(prior.answerRetry(asSent.digest()));
        for (Step.Touch t : Step.others(s.step())) {
          events.add(priorEvents.apply(EventChain.derivedEventId(s.eventId(), t.code()))
              .orElseThrow(() -> refused));
        }
        return CompletableFuture.completedFuture(events);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The lifecycle names the request fields of a multi-unit step from the step message down
   * ({@code dismantling.children[2].code}); in a batch they get the item's prefix.
   */
  private static Throwable withPrefix(String prefix, Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException
        && failure.getCause() != null ? failure.getCause() : failure;
    if (prefix.isEmpty() || !(cause instanceof InvalidArgumentException e)) {
      return cause;
    }
    return new InvalidArgumentException(e.violations().stream()
        .map(f -> f.field().startsWith(prefix) ? f
            : new FieldViolation(prefix + f.field(), f.description()))
        .toList());
  }

  /** Checks the submission against the world; returns it with the scanned label's serial. */
  private Submission check(Submission s, String labelText, String prefix) {
    directory.requireReferences(s.step(), prefix);
    if (s.step() instanceof Step.Registration r) {
      directory.organization(r.maker(), prefix + "registration.maker")
          .requireOwnsCode(BatteryCode.parse(prefix + "code", s.unitCode()));
    } else if (s.step() instanceof Step.Assembly) {
      // an assembly registers its product under the assembling firm, the product's maker
      directory.organization(ResourceNames.organizationOfSite(s.actorSite()),
          prefix + "actor_site").requireOwnsCode(BatteryCode.parse(prefix + "unit", s.unitCode()));
    }
    if (labelText != null && !labelText.isEmpty()) {
      s = s.withLabelSerial(labels.checkScanned(labelText, s.unitCode(), prefix + "label_text"));
    } else if (labelRequired.contains(s.step().type())) {
      throw new InvalidArgumentException(prefix + "label_text", "is required: this deployment "
          + "requires the unit's scanned label for every " + s.step().type().key());
    }
    devices.checkSigned(s, prefix); // the statement holds the label's serial
    return s;
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
