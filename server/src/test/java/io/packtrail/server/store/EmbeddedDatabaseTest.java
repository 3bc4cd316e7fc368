package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL of the quick start keeps data: every commit is flushed to disk. */
class EmbeddedDatabaseTest {
  @Test
  void aKeptDatabaseFlushesEveryCommit(@TempDir Path home) throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(home.resolve("pgdata"))) {
      Jdbi jdbi = Jdbi.create(db.jdbcUrl("postgres"), db.user(), "");
      assertEquals("on", jdbi.withHandle(h -> h.createQuery("SHOW fsync").mapTo(String.class)
          .one()));
      assertEquals("on", jdbi.withHandle(h -> h.createQuery("SHOW synchronous_commit")
          .mapTo(String.class).one()));
      try (Database pool = Database.open(db.jdbcUrl("postgres"), db.user(), null, 1)) {
        assertEquals(java.util.List.of(), pool.durability().risks(),
            "serve warns of nothing on its default database");
      }
    }
  }
}
