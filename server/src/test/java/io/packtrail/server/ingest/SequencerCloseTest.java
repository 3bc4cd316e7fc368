package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.testing.TestDatabases;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A submission that races the sequencer's close still gets an answer. */
class SequencerCloseTest {
  /** A queue that lets close() run to its end just before the submission is queued. */
  static final class CloseBeforeOffer extends ArrayBlockingQueue<Sequencer.Pending> {
    Sequencer sequencer;

    CloseBeforeOffer() {
      super(10);
    }

    @Override
    public boolean offer(Sequencer.Pending pending) {
      sequencer.close(); // the sequencer thread has drained the queue and ended
      return super.offer(pending);
    }
  }

  @Test
  void aSubmissionQueuedWhileTheSequencerClosesIsAnswered() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("SequencerCloseTest")) {
      CloseBeforeOffer queue = new CloseBeforeOffer();
      Sequencer sequencer = new Sequencer(db.database().jdbi(), Clock.systemUTC(), 16, queue);
      queue.sequencer = sequencer;
      CompletableFuture<Event> result = sequencer.submit(
          new Submission(UUID.randomUUID(), "TMKPBA1TRACE01RA50000001", Instant.now(),
              "organizations/o/sites/s", new Step.Collection(null)),
          new Actor("organizations/o", "organizations/o/sites/s",
              Set.of(OrganizationRole.COLLECTION_OUTLET)));
      assertTrue(result.isDone(), "the submission is answered, not left waiting forever");
      ExecutionException failure =
          org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, result::get);
      assertEquals(IngestUnavailableException.class, failure.getCause().getClass());
    }
  }
}
