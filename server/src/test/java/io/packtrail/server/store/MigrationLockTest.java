package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.TestDatabases;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * A migration run longer than the server's bound on a session idle in a transaction
 * (Database.IDLE_IN_TRANSACTION, 30 s; here one second) completes: Flyway's default migration
 * lock sits in a transaction on a connection of its own while the migrations run, and
 * PostgreSQL ended that session at the bound, failing the run (V17 and V18 take about a minute
 * each on a large deployment). Here a migration is made to take three seconds by another
 * session holding a table it needs.
 */
class MigrationLockTest {
  @Test
  void aMigrationRunLongerThanTheIdleBoundCompletes() throws Exception {
    try (TestDatabases.Fresh fresh = TestDatabases.createAt("migrationLock", "1");
        Database bounded = fresh.openWith("options=-c%20jit%3Doff%20-c%20"
            + "idle_in_transaction_session_timeout%3D1000", 4);
        Handle holder = fresh.database().jdbi().open()) {
      // V2 adds a table referring to organization: it waits for this lock, active, not idle
      holder.begin();
      holder.execute("LOCK TABLE organization IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Integer> migrated = CompletableFuture.supplyAsync(bounded::migrate);
      Thread.sleep(1000);
      // a second instance starting meanwhile waits for the lock (Flyway takes it for each
      // migration): between them, every migration is applied once
      try (Database second = fresh.openWith("options=-c%20jit%3Doff%20-c%20"
          + "idle_in_transaction_session_timeout%3D1000", 4)) {
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(second::migrate);
        Thread.sleep(2000);
        holder.rollback();
        int applied = migrated.get(60, TimeUnit.SECONDS) + waiting.get(60, TimeUnit.SECONDS);
        assertEquals(fresh.database().jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")
            .mapTo(Integer.class).one()) - 1, applied, "V2 to the latest, each once");
        assertEquals(0, bounded.schema().pending().size(), bounded.schema().toString());
      }
    }
  }
}
