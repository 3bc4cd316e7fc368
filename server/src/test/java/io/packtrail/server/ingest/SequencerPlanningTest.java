package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.TestDatabases;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The sequencer reuses PostgreSQL's cached plans for its batches unless a table they read has
 * outgrown its statistics; then each batch is planned anew.
 */
class SequencerPlanningTest {
  /** The sequencer's first choice, once it has looked (it looks when its thread starts). */
  private static Boolean firstChoice(Jdbi jdbi) throws InterruptedException {
    try (Sequencer sequencer = new Sequencer(jdbi, Clock.systemUTC(), 16, 16)) {
      // bounded wait for liveness only: the first look comes before the first batch
      for (int i = 0; i < 500 && sequencer.planningEachBatch() == null; i++) {
        Thread.sleep(10);
      }
      return sequencer.planningEachBatch();
    }
  }

  @Test
  void cachedPlansForANewDeploymentAndPlanningAnewOnceATableOutgrowsItsStatistics()
      throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("SequencerPlanningTest")) {
      Jdbi jdbi = db.database().jdbi();
      assertEquals(Boolean.FALSE, firstChoice(jdbi), "empty tables: nothing a plan could scan");

      jdbi.useHandle(h -> {
        h.execute("ALTER TABLE refusal SET (autovacuum_enabled = false)");
        h.execute("INSERT INTO refusal (event_id, unit_code, request_digest, refusal, "
            + "create_time) SELECT gen_random_uuid(), 'X' || g, sha256(g::text::bytea), "
            + "repeat('r', 100), now() FROM generate_series(1, 3000) g");
      });
      assertEquals(Boolean.TRUE, firstChoice(jdbi), "refusal grew and was never analysed");

      jdbi.useHandle(h -> h.execute("ANALYZE refusal"));
      assertEquals(Boolean.FALSE, firstChoice(jdbi), "analysed at its size");
    }
  }
}
