package io.packtrail.server.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.Database;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.LogEntries;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.RegisterUnitRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The integrator on a real PostgreSQL: two server instances on one database build one tree,
 * never integrating an entry twice; a restarted server and an integrator whose connections are
 * killed mid-batch resume with no leaf missing or doubled; the database holds one checkpoint
 * per tree size, never two roots.
 */
class LogIntegrationTest {
  private static final PacktrailServer.Settings SETTINGS = PacktrailServer.Settings.defaults()
      .withSealer(KeySealer.random()).withLog(null, Duration.ofMillis(200));

  private static long events(Jdbi jdbi) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM event").mapTo(Long.class)
        .one());
  }

  private static void registerPacks(PacktrailClient client, int n) {
    List<RegisterUnitRequest> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(Fixtures.registration(Fixtures.newPackCode()));
    }
    client.registerUnits(batch);
  }

  @Test
  void twoServersOnOneDatabaseIntegrateEachEntryOnce() throws Exception {
    String nameA = InProcessServerBuilder.generateName();
    String nameB = InProcessServerBuilder.generateName();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try (TestDatabases.Fresh db = TestDatabases.create("LogTwoServers");
        Database secondPool = db.openAnother(8);
        PacktrailServer a = PacktrailServer.start(InProcessServerBuilder.forName(nameA),
            db.database().jdbi(), SETTINGS);
        PacktrailServer b = PacktrailServer.start(InProcessServerBuilder.forName(nameB),
            secondPool.jdbi(), SETTINGS)) {
      ManagedChannel channelA = InProcessChannelBuilder.forName(nameA).build();
      ManagedChannel channelB = InProcessChannelBuilder.forName(nameB).build();
      try (PacktrailClient clientA = PacktrailClient.over(channelA, Duration.ofSeconds(20));
          PacktrailClient clientB = PacktrailClient.over(channelB, Duration.ofSeconds(20))) {
        Fixtures.network(clientA);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          PacktrailClient client = i % 2 == 0 ? clientA : clientB;
          work.add(writers.submit(() -> {
            registerPacks(client, 25);
            return null;
          }));
        }
        for (Future<?> f : work) {
          f.get();
        }
        // each server's checkpoint covers everything; both verify under the one log key
        io.packtrail.v1.Checkpoint fromA = clientA.createCheckpoint();
        io.packtrail.v1.Checkpoint fromB = clientB.createCheckpoint();
        assertEquals(1000, events(db.database().jdbi()));
        assertEquals(LogEntries.head(db.database().jdbi()), fromB.getTreeSize());
        assertEquals(fromA.getTreeSize(), fromB.getTreeSize());
        assertEquals(fromA.getNote(), fromB.getNote(), "one checkpoint for one size");
        VerifierKey key = VerifierKey.parse(clientB.getLogKey().getVerifierKey());
        assertEquals(clientA.getLogKey(), clientB.getLogKey());
        assertEquals(fromB.getTreeSize(), Checkpoint.verify(fromA.getNote(), key).size());
        LogEntries.assertWholeTree(db.database().jdbi());
      } finally {
        channelA.shutdownNow();
        channelB.shutdownNow();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void anIntegratorHoldingTheLockKeepsTheOthersOut() {
    try (TestDatabases.Fresh db = TestDatabases.create("LogLock");
        Database otherInstance = db.openAnother(2)) {
      Jdbi jdbi = db.database().jdbi();
      Integrator integrator = new Integrator(otherInstance.jdbi(), Clock.systemUTC(), 10);
      jdbi.useHandle(h -> {
        h.execute("INSERT INTO registry_entry (log_index, entry_type, subject, canonical_bytes, "
            + "record_time) VALUES (0, 'site', 'organizations/a/sites/b', '\\x01'::bytea, now())");
        h.execute("UPDATE log_head SET next_index = 1");
      });
      jdbi.useTransaction(h -> {
        h.attach(LogDao.class).lockProgress(); // another instance's batch in progress
        Integrator.Batch batch = integrator.integrateBatch(false);
        assertFalse(batch.locked(), "skipped while another integrator holds the row");
      });
      Integrator.Batch batch = integrator.integrateBatch(false);
      assertTrue(batch.locked());
      assertEquals(1, batch.added(), "the registry entry is leaf 0");
      assertEquals(1, batch.treeSize());
    }
  }

  @Test
  void anInstanceWithoutBackgroundIntegrationIntegratesOnlyWhenAskedForACheckpoint()
      throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("LogNoWorker")) {
      String name = InProcessServerBuilder.generateName();
      // --checkpoint-interval 0: another instance of the deployment integrates
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          db.database().jdbi(), SETTINGS.withLog(null, Duration.ZERO))) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
          Fixtures.network(client);
          registerPacks(client, 50);
          long integrated = db.database().jdbi().withExtension(LogDao.class, LogDao::progress)
              .treeSize();
          assertTrue(integrated < LogEntries.head(db.database().jdbi()),
              "nothing integrated in the background: " + integrated);
          assertEquals(LogEntries.head(db.database().jdbi()), client.createCheckpoint().getTreeSize());
        } finally {
          channel.shutdownNow();
        }
      }
      LogEntries.assertWholeTree(db.database().jdbi());
    }
  }

  @Test
  void aServerStoppedAndStartedAgainContinuesTheSameTree() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("LogRestart")) {
      io.packtrail.v1.Checkpoint before;
      String name = InProcessServerBuilder.generateName();
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          db.database().jdbi(), SETTINGS)) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
          Fixtures.network(client);
          registerPacks(client, 300);
          before = client.createCheckpoint();
          registerPacks(client, 200); // the server stops while (or before) integrating these
        } finally {
          channel.shutdownNow();
        }
      }
      String again = InProcessServerBuilder.generateName();
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(again),
          db.database().jdbi(), SETTINGS)) {
        ManagedChannel channel = InProcessChannelBuilder.forName(again).build();
        try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
          registerPacks(client, 100);
          io.packtrail.v1.Checkpoint after = client.createCheckpoint();
          assertEquals(600, events(db.database().jdbi()));
          assertEquals(LogEntries.head(db.database().jdbi()), after.getTreeSize());
          var proof = client.getConsistencyProof(before.getTreeSize(), after.getTreeSize());
          Merkle.verifyConsistency(before.getTreeSize(), after.getTreeSize(),
              before.getRootHash().toByteArray(), after.getRootHash().toByteArray(),
              proof.getHashesList().stream().map(h -> h.toByteArray()).toList());
          assertEquals(before, client.getCheckpoint(before.getTreeSize()), "kept");
        } finally {
          channel.shutdownNow();
        }
      }
      LogEntries.assertWholeTree(db.database().jdbi());
    }
  }

  @Test
  void theIntegratorsUnflushedCommitsStayInItsOwnTransactions() {
    // the integrator commits without waiting for its WAL flush (the tree is rebuilt the same
    // from the durable log); the setting must not outlive its transaction on the pooled
    // connection, where the next borrower may be the sequencer, whose commits acknowledge steps
    try (TestDatabases.Fresh db = TestDatabases.create("LogSyncCommit");
        Database onePool = db.openAnother(1)) {
      db.database().jdbi().useHandle(h -> {
        h.execute("INSERT INTO registry_entry (log_index, entry_type, subject, canonical_bytes, "
            + "record_time) VALUES (0, 'site', 'organizations/a/sites/b', '\\x01'::bytea, now())");
        h.execute("UPDATE log_head SET next_index = 1");
      });
      Jdbi jdbi = onePool.jdbi();
      // the connection's own setting, whatever the server's default (the test suite's embedded
      // PostgreSQL runs with synchronous commit off)
      jdbi.useHandle(h -> h.execute("SET synchronous_commit = on"));
      assertEquals(1, new Integrator(jdbi, Clock.systemUTC(), 10).integrateBatch(true).added());
      assertEquals("on", jdbi.withHandle(h -> h.createQuery("SHOW synchronous_commit")
          .mapTo(String.class).one()), "the pool's one connection commits synchronously again");
      assertEquals(1, jdbi.withExtension(LogDao.class, LogDao::progress).treeSize());
    }
  }

  @Test
  void anIntegratorWhoseConnectionsAreKilledMidBatchLosesAndDoublesNothing() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("LogKilled")) {
      String name = InProcessServerBuilder.generateName();
      // the server records and integrates too; the victim competes with it for the same row
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          db.database().jdbi(), SETTINGS)) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20));
            Database victimPool = db.openAs("victim", 2)) {
          Fixtures.network(client);
          Integrator victim = new Integrator(victimPool.jdbi(), Clock.systemUTC(), 3);
          AtomicBoolean done = new AtomicBoolean();
          Thread integrating = new Thread(() -> {
            while (!done.get()) {
              try {
                victim.integrateBatch(true);
              } catch (RuntimeException killed) {
                // killed mid-batch: the batch rolled back; the next one starts over
              }
            }
          });
          integrating.start();
          for (int round = 0; round < 20; round++) {
            registerPacks(client, 20);
            for (int kill = 0; kill < 5; kill++) {
              db.database().jdbi().useHandle(h -> h.createQuery("SELECT pg_terminate_backend(pid) "
                  + "FROM pg_stat_activity WHERE application_name = 'victim'")
                  .mapTo(Boolean.class).list());
            }
          }
          done.set(true);
          integrating.join();
          // what is left is integrated by the server's own integrator
          assertEquals(400, events(db.database().jdbi()));
          assertEquals(LogEntries.head(db.database().jdbi()), client.createCheckpoint().getTreeSize());
        } finally {
          channel.shutdownNow();
        }
      }
      LogEntries.assertWholeTree(db.database().jdbi());
    }
  }

  /**
   * Checkpoint signers take turns: one that started while another held the signing lock signs
   * after it, reading the tree and the latest checkpoint anew, so a later checkpoint is never
   * smaller than one already handed out (before, two signers racing could store 100 after
   * 200).
   */
  @Test
  void aSignerWaitsForAnotherSoCheckpointsOnlyGrow() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("LogSignTurns")) {
      Jdbi jdbi = db.database().jdbi();
      LogKey key = LogKey.loadOrCreate(jdbi, KeySealer.random(), null, Clock.systemUTC());
      Checkpoints checkpoints = new Checkpoints(jdbi, key, Clock.systemUTC());
      assertEquals(0, checkpoints.signCurrent().treeSize());
      jdbi.useHandle(h -> {
        h.execute("INSERT INTO registry_entry (log_index, entry_type, subject, canonical_bytes, "
            + "record_time) VALUES (0, 'site', 'organizations/a/sites/b', '\\x01'::bytea, now())");
        h.execute("UPDATE log_head SET next_index = 1");
      });
      assertEquals(1, new Integrator(jdbi, Clock.systemUTC(), 10).integrateBatch(true).added());
      java.util.concurrent.CompletableFuture<io.packtrail.server.domain.LogCheckpoint> signing;
      try (org.jdbi.v3.core.Handle other = jdbi.open()) {
        other.begin();
        other.execute("SELECT pg_advisory_xact_lock(?)", Checkpoints.SIGNING_LOCK);
        signing = java.util.concurrent.CompletableFuture.supplyAsync(checkpoints::signCurrent);
        Thread.sleep(500);
        assertFalse(signing.isDone(), "waits while another signer holds the lock");
        other.rollback();
      }
      assertEquals(1, signing.get(20, java.util.concurrent.TimeUnit.SECONDS).treeSize());
    }
  }

  @Test
  void oneCheckpointPerTreeSizeNeverTwoRoots() {
    try (TestDatabases.Fresh db = TestDatabases.create("LogOneRoot")) {
      Jdbi jdbi = db.database().jdbi();
      LogKey key = LogKey.loadOrCreate(jdbi, KeySealer.random(), null, Clock.systemUTC());
      var stored = new Checkpoints(jdbi, key, Clock.systemUTC()).signCurrent();
      assertEquals(0, stored.treeSize());
      assertArrayEquals(Merkle.emptyRoot(), stored.rootHash());
      // signing again, as a second instance would, stores nothing new
      var again = new Checkpoints(jdbi, key, Clock.systemUTC()).signCurrent();
      assertEquals(stored.note(), again.note());
      long count = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM log_checkpoint")
          .mapTo(Long.class).one());
      assertEquals(1L, count);
      // the database itself refuses a second root for the size, and any change
      var insert = assertThrows(Exception.class, () -> jdbi.useHandle(h -> h.execute(
          "INSERT INTO log_checkpoint (tree_size, root_hash, note, create_time) "
              + "VALUES (0, ?, 'forged', ?)", new byte[32], Instant.now())));
      assertTrue(insert.getMessage().contains("log_checkpoint_pkey"), insert.getMessage());
      var update = assertThrows(Exception.class, () -> jdbi.useHandle(h -> h.execute(
          "UPDATE log_checkpoint SET root_hash = ? WHERE tree_size = 0", new byte[32])));
      assertTrue(update.getMessage().contains("log_checkpoint is append-only"),
          update.getMessage());
      assertThrows(Exception.class, () -> jdbi.useHandle(h -> h.execute(
          "DELETE FROM log_checkpoint")));
      // a configured origin other than the log's is refused
      var other = assertThrows(IllegalStateException.class, () -> LogKey.loadOrCreate(jdbi,
          KeySealer.random(), "other.example/log", Clock.systemUTC()));
      assertTrue(other.getMessage().contains("packtrail.local/log"), other.getMessage());
    }
  }
}
