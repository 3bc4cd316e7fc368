package io.packtrail.server.api;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.PermissionDeniedException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The write path shared by every recording RPC: resolve the acting site, check that the caller
 * may act there and that referenced parties exist, then hand the submission to the sequencer.
 */
final class Recorder {
  private final Directory directory;
  private final Sequencer sequencer;

  Recorder(Directory directory, Sequencer sequencer) {
    this.directory = directory;
    this.sequencer = sequencer;
  }

  /**
   * Maps, checks and queues one request; every failure, early or late, arrives through the
   * returned future, so a batch item fails alone.
   */
  CompletableFuture<Event> record(Supplier<Submission> mapping, String prefix, Caller caller) {
    try {
      Submission s = mapping.get();
      Actor actor = directory.actor(s.actorSite(), prefix + "actor_site");
      if (!caller.mayActAt(s.actorSite())) {
        throw new PermissionDeniedException("the caller may record only at " + caller.site()
            + ", not at " + s.actorSite());
      }
      directory.requireReferences(s.step(), prefix);
      return sequencer.submit(s, actor);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
