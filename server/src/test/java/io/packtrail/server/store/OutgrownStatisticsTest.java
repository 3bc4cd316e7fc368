package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.ServerHarness;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sequencer plans each batch anew only while a table it reads has outgrown its statistics
 * (IngestStore.outgrownStatistics): never analysed and past a few pages, or more than twice as
 * large as at its last analysis.
 */
class OutgrownStatisticsTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static void addRefusals(int from, int count) {
    harness.jdbi().useHandle(h -> h.execute("INSERT INTO refusal (event_id, unit_code, "
        + "request_digest, refusal, create_time) SELECT gen_random_uuid(), 'X' || g, "
        + "sha256(g::text::bytea), repeat('r', 100), now() FROM generate_series(?, ?) g",
        from, from + count - 1));
  }

  private static List<String> outgrown() {
    return harness.jdbi().withHandle(h -> new IngestStore().outgrownStatistics(h));
  }

  @Test
  void aTableIsOutgrownUntilItsStatisticsCatchUpWithItsSize() {
    // autovacuum must not analyse the table behind the test's back
    harness.jdbi().useHandle(h -> h.execute(
        "ALTER TABLE refusal SET (autovacuum_enabled = false)"));
    assertEquals(List.of(), outgrown(), "a new deployment's empty tables are no risk");

    addRefusals(1, 3000); // about 60 pages
    assertEquals(List.of("refusal"), outgrown(), "never analysed, and past a few pages");

    harness.jdbi().useHandle(h -> h.execute("ANALYZE refusal"));
    assertEquals(List.of(), outgrown(), "analysed at its new size");

    addRefusals(3001, 1000); // a third more: within twice the analysed size
    assertEquals(List.of(), outgrown());
    addRefusals(4001, 6000);
    assertEquals(List.of("refusal"), outgrown(), "more than twice its analysed size");
  }
}
