package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the server acknowledges survives a crash of PostgreSQL whatever the database's defaults:
 * its sessions turn {@code synchronous_commit = off} back on (and keep stronger values), and
 * {@code serve} names the settings it cannot change that would lose acknowledged steps.
 */
class DatabaseDurabilityTest {
  static TestDatabases.Fresh db;

  @BeforeAll
  static void create() {
    db = TestDatabases.create("DatabaseDurabilityTest");
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  /** The database's default for new sessions, as any client but the server gets it. */
  static void defaultTo(String synchronousCommit) {
    Jdbi jdbi = db.database().jdbi();
    String name = jdbi.withHandle(h -> h.createQuery("SELECT current_database()")
        .mapTo(String.class).one());
    jdbi.useHandle(h -> h.execute("ALTER DATABASE \"" + name + "\" SET synchronous_commit = "
        + synchronousCommit));
  }

  static String plainSession() throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SHOW synchronous_commit")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static String serverSession() {
    try (Database pool = db.openAnother(1)) {
      return pool.jdbi().withHandle(h -> h.createQuery("SHOW synchronous_commit")
          .mapTo(String.class).one());
    }
  }

  @Test
  void aDefaultOfOffIsTurnedOnForTheServersSessions() throws Exception {
    defaultTo("off");
    try {
      assertEquals("off", plainSession(), "the database's default reaches other clients");
      assertEquals("on", serverSession());
      try (Database pool = db.openAnother(1)) {
        // (the tests' fallback embedded PostgreSQL may run with fsync off: that risk is its own)
        assertEquals("on", pool.durability().synchronousCommit());
        assertTrue(pool.durability().risks().stream()
            .noneMatch(r -> r.contains("synchronous_commit")), pool.durability().risks()
            .toString());
      }
    } finally {
      defaultTo("DEFAULT");
    }
  }

  @Test
  void aStrongerSettingIsKept() throws Exception {
    defaultTo("remote_apply");
    try {
      assertEquals("remote_apply", plainSession());
      assertEquals("remote_apply", serverSession());
    } finally {
      defaultTo("DEFAULT");
    }
  }

  @Test
  void theRisksNameEachSettingThatCanLoseAcknowledgedSteps() {
    assertEquals(List.of(), new Database.Durability("on", "on", "on").risks());
    assertEquals(List.of(), new Database.Durability("on", "local", "on").risks());
    List<String> fsync = new Database.Durability("off", "on", "on").risks();
    assertEquals(1, fsync.size());
    assertTrue(fsync.get(0).contains("fsync = off"), fsync.get(0));
    List<String> commit = new Database.Durability("on", "off", "on").risks();
    assertEquals(1, commit.size());
    assertTrue(commit.get(0).contains("synchronous_commit is off"), commit.get(0));
    List<String> pages = new Database.Durability("on", "on", "off").risks();
    assertEquals(1, pages.size());
    assertTrue(pages.get(0).contains("full_page_writes = off"), pages.get(0));
    assertEquals(3, new Database.Durability("off", "off", "off").risks().size());
  }
}
