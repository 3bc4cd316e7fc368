package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL of the quick start keeps data: every commit is flushed to disk. */
class EmbeddedDatabaseTest {
  @Test
  void aKeptDatabaseFlushesEveryCommit(@TempDir Path home) throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(home.resolve("pgdata"))) {
      Jdbi jdbi = Jdbi.create(db.jdbcUrl("postgres"), db.user(), db.password());
      assertEquals("on", jdbi.withHandle(h -> h.createQuery("SHOW fsync").mapTo(String.class)
          .one()));
      assertEquals("on", jdbi.withHandle(h -> h.createQuery("SHOW synchronous_commit")
          .mapTo(String.class).one()));
      try (Database pool = Database.open(db.jdbcUrl("postgres"), db.user(), db.password(), 1)) {
        assertEquals(java.util.List.of(), pool.durability().risks(),
            "serve warns of nothing on its default database");
      }
    }
  }

  /**
   * Only this user may connect: the library made the cluster with "trust" for every local
   * connection, so any account on the machine could connect as the superuser. A kept database
   * now takes password connections over loopback only, with the password in its data
   * directory; a restart finds it there.
   */
  @Test
  void onlyThePasswordInTheDataDirectoryOpensAKeptDatabase(@TempDir Path home) throws Exception {
    Path data = home.resolve("pgdata");
    String password;
    int port;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
      password = db.password();
      assertTrue(password != null && password.length() >= 32, "a password of its own");
      port = Integer.parseInt(Files.readAllLines(data.resolve("postmaster.pid")).get(3).strip());
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
      for (String wrong : new String[] {"", "wrong"}) {
        java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(
            java.sql.SQLException.class,
            () -> java.sql.DriverManager.getConnection(url, "postgres", wrong).close());
        // refused by the server (28P01), or before asking it when there is no password at all
        assertTrue(List.of("28P01", "08004").contains(refused.getSQLState()),
            refused.getSQLState() + " " + refused.getMessage());
      }
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres",
          password); java.sql.ResultSet r = c.createStatement().executeQuery(
              "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'")) {
        r.next();
        assertEquals(0, r.getInt(1), "no rule trusts anyone");
      }
      assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(data)), "the directory holding the password");
    }
    try (EmbeddedDatabase again = EmbeddedDatabase.start(data)) {
      assertEquals(password, again.password(), "found again at a restart");
      try (Database pool = Database.open(again.jdbcUrl("postgres"), again.user(),
          again.password(), 1)) {
        assertEquals(List.of(), pool.durability().risks());
      }
    }
  }

  /**
   * A server killed with SIGKILL leaves its PostgreSQL running (pg_ctl detached it); the next
   * start stops that orphan first (no live process holds the directory's lock) instead of
   * waiting its whole startup time for a PostgreSQL that cannot start beside it.
   */
  @Test
  void aStartAfterItsOwnerWasKilledStopsTheOrphanAndStarts(@TempDir Path home) throws Exception {
    Path data = home.resolve("pgdata");
    Process probe = ownerOf(data, home.resolve("probe.log"));
    try {
      probe.destroyForcibly(); // SIGKILL: no hook runs
      probe.waitFor(30, TimeUnit.SECONDS);
      assertTrue(postgresRunsOn(data), "the orphan runs on");
      // before, this start waited its 60 s for a PostgreSQL that could not start, and failed
      try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
        assertTrue(db.password() != null);
      }
      assertFalse(postgresRunsOn(data));
    } finally {
      probe.destroyForcibly();
      killPostgresOn(data);
    }
  }

  /**
   * A second start on a directory a live server owns (its lock held: `demo` or `migrate` run
   * beside a running `serve`) fails on that lock and stops nothing: before, the stop that follows
   * a failed start took the running server's PostgreSQL down.
   */
  @Test
  void aSecondStartBesideALiveOwnerFailsAndLeavesItsPostgresRunning(@TempDir Path home)
      throws Exception {
    Path data = home.resolve("pgdata");
    Process probe = ownerOf(data, home.resolve("probe.log"));
    try {
      org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> EmbeddedDatabase.start(data).close());
      assertTrue(postgresRunsOn(data), "the live owner's PostgreSQL still runs");
    } finally {
      probe.destroy(); // SIGTERM: its hooks stop its PostgreSQL
      probe.waitFor(60, TimeUnit.SECONDS);
      probe.destroyForcibly();
      killPostgresOn(data);
    }
  }

  /**
   * At SIGTERM, a server's hook drains its calls while every other hook runs beside it; the
   * embedded PostgreSQL waits for its owner to close it (the library's own hook stopped it at
   * once, failing the drain's last commits), and is still stopped when the process ends.
   */
  @Test
  void atSigtermTheDatabaseOutlivesItsOwnersDrainAndStillStops(@TempDir Path home)
      throws Exception {
    Path data = home.resolve("pgdata");
    String output = stopProbe(data, "60", home.resolve("probe.log"));
    assertTrue(output.contains("query during the stop: ok"), output);
    assertFalse(postgresRunsOn(data), "PostgreSQL was stopped with its owner:\n" + output);
  }

  /** An owner that never closes it does not leave PostgreSQL running: the hold has a limit. */
  @Test
  void anOwnerThatNeverClosesItHoldsItOnlyToItsLimit(@TempDir Path home) throws Exception {
    Path data = home.resolve("pgdata");
    String output = stopProbe(data, "3", home.resolve("probe.log"), "abandon");
    assertTrue(output.contains("query during the stop: ok"), output);
    assertFalse(postgresRunsOn(data), "PostgreSQL was stopped after the limit:\n" + output);
  }

  /**
   * A start that gives up waiting (here at once; in the field a long WAL replay after a crash)
   * stops the PostgreSQL it started: nothing else would, and it would hold the data directory
   * against every later start.
   */
  @Test
  void aStartThatGivesUpWaitingLeavesNoPostgresRunning(@TempDir Path home) throws Exception {
    Path data = home.resolve("pgdata");
    try {
      EmbeddedDatabase.start(data, java.time.Duration.ofMillis(1)).close();
      // it came up within the millisecond: nothing to show here
    } catch (java.io.IOException | RuntimeException expected) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (postgresRunsOn(data) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(postgresRunsOn(data), "the failed start's PostgreSQL was stopped");
    } finally {
      killPostgresOn(data);
    }
  }

  private static String stopProbe(Path data, String holdSeconds, Path log, String... more)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), EmbeddedStopProbe.class.getName(),
        data.toString(), holdSeconds));
    command.addAll(List.of(more));
    Process probe = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.readString(log).contains("ready")) {
        assertTrue(probe.isAlive() && System.nanoTime() < until,
            "the probe did not start:\n" + Files.readString(log));
        Thread.sleep(50);
      }
      probe.destroy(); // SIGTERM: the shutdown hooks run
      assertTrue(probe.waitFor(90, TimeUnit.SECONDS), "the probe did not stop");
      return Files.readString(log);
    } finally {
      probe.destroyForcibly();
    }
  }

  /** A JVM that opened the embedded database on {@code data} and holds it (its owner). */
  private static Process ownerOf(Path data, Path log) throws Exception {
    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        EmbeddedStopProbe.class.getName(), data.toString(), "0").redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(log).contains("ready")) {
      if (!probe.isAlive() || System.nanoTime() > until) {
        probe.destroyForcibly();
        throw new AssertionError("the owner did not start: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return probe;
  }

  /** Leaves nothing running on {@code data}, whatever a test's outcome. */
  private static void killPostgresOn(Path data) throws Exception {
    if (postgresRunsOn(data)) {
      long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0)
          .strip());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static boolean postgresRunsOn(Path data) throws Exception {
    Path pid = data.resolve("postmaster.pid");
    if (!Files.exists(pid)) {
      return false;
    }
    long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).strip());
    return ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false);
  }
}
