package io.packtrail.server.api;

import io.grpc.Context;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.label.LabelAuthority;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.PermissionDeniedException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The write path shared by every recording RPC: resolve the acting site, check that the caller
 * may act there, that referenced parties exist and that a scanned label is genuine and this
 * unit's, then hand the submission to the sequencer.
 */
final class Recorder {
  private final Directory directory;
  private final Sequencer sequencer;
  private final LabelAuthority labels;
  private final Set<StepType> labelRequired;

  Recorder(Directory directory, Sequencer sequencer, LabelAuthority labels,
      Set<StepType> labelRequired) {
    this.directory = directory;
    this.sequencer = sequencer;
    this.labels = labels;
    this.labelRequired = Set.copyOf(labelRequired);
  }

  /**
   * Maps, checks and queues one request; every failure, early or late, arrives through the
   * returned future, so a batch item fails alone. {@code labelText} is null or empty when no
   * label was scanned.
   */
  CompletableFuture<Event> record(Supplier<Submission> mapping, String labelText, String prefix,
      Caller caller) {
    try {
      Submission s = mapping.get();
      Actor actor = directory.actor(s.actorSite(), prefix + "actor_site");
      if (!caller.mayActAt(s.actorSite())) {
        throw new PermissionDeniedException("the caller may record only at " + caller.site()
            + ", not at " + s.actorSite());
      }
      directory.requireReferences(s.step(), prefix);
      if (labelText != null && !labelText.isEmpty()) {
        s = s.withLabelSerial(labels.checkScanned(labelText, s.unitCode(), prefix + "label_text"));
      } else if (labelRequired.contains(s.step().type())) {
        throw new InvalidArgumentException(prefix + "label_text", "is required: this deployment "
            + "requires the unit's scanned label for every " + s.step().type().key());
      }
      // a call cancelled or past its deadline while queued is not worth a database round trip
      Context call = Context.current();
      return sequencer.submit(s, actor, () -> !call.isCancelled());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
