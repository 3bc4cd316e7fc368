package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.HashChain;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.log.Merkle;
import io.packtrail.server.cli.PacktrailServerCli;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.LogEntries;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.Checkpoint;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed (SIGKILL: no shutdown hook, no draining) while eight lanes record
 * steps over the network (one client connection, one call in flight per lane). After a restart on the same database every step it acknowledged is
 * there unchanged, in its unit's hash chain and in the log; the log is the one from before the
 * kill, grown; and each step whose answer was lost, sent again with the same id, ends up recorded
 * exactly once.
 */
class ServerKilledTest {
  private static final int LANES = 8;
  /** Acknowledged steps before the kill: enough that batches are in flight when it comes. */
  private static final int ACKNOWLEDGED_BEFORE_KILL = 600;
  private static final Pattern LISTENING = Pattern.compile("Packtrail listening on [^:]+:(\\d+)");

  @TempDir
  Path home;

  @Test
  void everyAcknowledgedStepSurvivesAKillAndEveryLostAnswerIsRecordedOnceOnRetry()
      throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("ServerKilled")) {
      List<String> codes = new ArrayList<>();
      Map<String, Long> inspectionsBefore = new HashMap<>();
      Map<String, Event> acknowledged = new ConcurrentHashMap<>();
      Queue<RecordEventRequest> unanswered = new ConcurrentLinkedQueue<>();
      Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      Checkpoint before;

      ServerProcess first = ServerProcess.start(db, home, "first");
      try (PacktrailClient client = first.client()) {
        Fixtures.network(client);
        for (int i = 0; i < LANES; i++) {
          codes.add(Fixtures.gradedPackAt(client, Fixtures.PLANT));
        }
        for (String code : codes) {
          inspectionsBefore.put("units/" + code, inspections(client.listEvents(code)));
        }
        before = client.createCheckpoint();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(LANES);
        try {
          List<Future<?>> lanes = new ArrayList<>();
          for (String code : codes) {
            lanes.add(pool.submit(() -> {
              while (true) {
                RecordEventRequest step = Fixtures.inspection(code);
                try {
                  Event e = client.recordEvent(step);
                  acknowledged.put(e.getEventId(), e);
                } catch (StatusRuntimeException e) {
                  Status.Code c = e.getStatus().getCode();
                  if (killed.get()
                      && (c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED)) {
                    unanswered.add(step); // sent, answer lost: recorded or not, nobody knows
                  } else {
                    unexpected.add(e);
                  }
                  return; // this lane ends; the others go on until the kill
                }
              }
            }));
          }
          // the kill comes after a count of acknowledgements, not after a time
          long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL
              && lanes.stream().noneMatch(Future::isDone) && System.nanoTime() < waitUntil) {
            Thread.sleep(5);
          }
          killed.set(true);
          first.kill();
          for (Future<?> lane : lanes) {
            lane.get(120, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
      } finally {
        first.kill();
      }
      assertTrue(unexpected.isEmpty(), () -> "failures other than the kill's: " + unexpected);
      assertTrue(acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL,
          "acknowledged before the kill: " + acknowledged.size());
      // every lane had a step in flight when the kill came
      assertEquals(LANES, unanswered.size(), "steps whose answer the kill took");
      long committedUnanswered = unanswered.stream().filter(s -> committed(db, s)).count();
      System.out.printf("ServerKilledTest: %d acknowledged; of the %d lost answers %d belonged to "
          + "steps committed before the kill%n", acknowledged.size(), unanswered.size(),
          committedUnanswered);

      ServerProcess second = ServerProcess.start(db, home, "second");
      try (PacktrailClient client = second.client()) {
        // each lost answer, sent again as it was: answered with the step as recorded, whether
        // the first send reached the database before the kill or not
        for (RecordEventRequest step : unanswered) {
          Event e = client.recordEvent(step);
          assertEquals(step.getEventId(), e.getEventId());
        }
        Map<String, Long> sentPerUnit = new HashMap<>(inspectionsBefore);
        acknowledged.values().forEach(e -> sentPerUnit.merge(e.getUnit(), 1L, Long::sum));
        unanswered.forEach(s -> sentPerUnit.merge(s.getUnit(), 1L, Long::sum));
        for (String code : codes) {
          List<Event> history = client.listEvents(code);
          HashChain.Result chain = HashChain.verify(history, client.getUnit(code).getHeadHash());
          assertTrue(chain.ok(), code + ": " + chain.detail());
          Map<String, Event> byId = new HashMap<>();
          history.forEach(e -> byId.put(e.getEventId(), e));
          // the inspections before the load, then each one this test sent, once
          assertEquals(sentPerUnit.get("units/" + code), inspections(history), code);
          for (Event e : acknowledged.values()) {
            if (e.getUnit().equals("units/" + code)) {
              Event stored = byId.get(e.getEventId());
              assertTrue(stored != null, "acknowledged and lost: " + e.getEventId());
              assertEquals(e.getHash(), stored.getHash());
              assertEquals(e.getSequence(), stored.getSequence());
              assertEquals(e.getLogIndex(), stored.getLogIndex());
            }
          }
        }
        // the log from before the kill, grown, never rewritten; and whole in the database
        Checkpoint after = client.createCheckpoint();
        var proof = client.getConsistencyProof(before.getTreeSize(), after.getTreeSize());
        Merkle.verifyConsistency(before.getTreeSize(), after.getTreeSize(),
            before.getRootHash().toByteArray(), after.getRootHash().toByteArray(),
            proof.getHashesList().stream().map(h -> h.toByteArray()).toList());
        LogEntries.assertWholeTree(db.database().jdbi());
      } finally {
        second.kill();
      }
    }
  }

  private static long inspections(List<Event> history) {
    return history.stream().filter(Event::hasInspection).count();
  }

  /** Whether the database holds {@code step}'s event (read directly, not through a server). */
  private static boolean committed(TestDatabases.Fresh db, RecordEventRequest step) {
    return db.database().jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM event WHERE event_id = CAST(:id AS uuid)")
        .bind("id", step.getEventId()).mapTo(Long.class).one()) == 1;
  }

  /**
   * {@code packtrail-server serve} in a JVM of its own, in plaintext on loopback on a free port,
   * configured by its arguments alone: none of the test's PACKTRAIL_ variables reach it.
   */
  private record ServerProcess(Process process, int port) {
    static ServerProcess start(TestDatabases.Fresh db, Path home, String name) throws Exception {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
          "-cp", System.getProperty("java.class.path"), PacktrailServerCli.class.getName(),
          "serve", "--plaintext", "--bind", "127.0.0.1", "--port", "0", "--rate-limit", "0",
          "--home", home.toString(), "--anomaly-scan-interval", "0", "--db-url", db.url()));
      if (db.user() != null) {
        command.addAll(List.of("--db-user", db.user()));
      }
      Path output = home.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("PACKTRAIL_"));
      if (db.password() != null) {
        builder.environment().put("PACKTRAIL_DB_PASSWORD", db.password()); // not in ps
      }
      Process process = builder.start();
      try {
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (process.isAlive() && System.nanoTime() < waitUntil) {
          Matcher m = LISTENING.matcher(printed(output));
          if (m.find()) {
            return new ServerProcess(process, Integer.parseInt(m.group(1)));
          }
          Thread.sleep(50);
        }
        throw new AssertionError("the server did not start:\n" + printed(output));
      } catch (Exception | Error e) {
        process.destroyForcibly().waitFor();
        throw e;
      }
    }

    private static String printed(Path output) throws java.io.IOException {
      return new String(Files.readAllBytes(output), java.nio.charset.StandardCharsets.UTF_8);
    }

    PacktrailClient client() {
      return PacktrailClient.builder("127.0.0.1:" + port).plaintext().build();
    }

    /** SIGKILL: the process gets no chance to finish anything. */
    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor();
    }
  }
}
