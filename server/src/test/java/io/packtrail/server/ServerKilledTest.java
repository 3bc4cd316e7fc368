package io.packtrail.server;

import io.packtrail.client.PacktrailClient;
import io.packtrail.server.cli.PacktrailServerCli;
import io.packtrail.server.testing.FaultLoad;
import io.packtrail.server.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed (SIGKILL: no shutdown hook, no draining) while eight lanes record
 * steps over the network (one client connection, one call in flight per lane); a second server
 * process on the same database then shows what {@link FaultLoad} requires.
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
      ServerProcess first = ServerProcess.start(db, home, "first");
      try (PacktrailClient client = first.client()) {
        FaultLoad load = new FaultLoad(client, LANES);
        load.recordUntil(client, ACKNOWLEDGED_BEFORE_KILL, first::kill);
        ServerProcess second = ServerProcess.start(db, home, "second");
        try (PacktrailClient again = second.client()) {
          load.assertRecovered(again, db.database().jdbi(), "ServerKilledTest");
        } finally {
          second.kill();
        }
      } finally {
        first.kill();
      }
    }
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
