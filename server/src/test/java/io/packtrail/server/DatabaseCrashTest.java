package io.packtrail.server;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.Database;
import io.packtrail.server.store.EmbeddedDatabase;
import io.packtrail.server.testing.FaultLoad;
import io.packtrail.v1.ListUnitsRequest;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL crashes (an immediate shutdown: every backend ends at once, nothing is
 * checkpointed, and the next start replays the WAL) while eight lanes record steps; the server
 * keeps running, and once PostgreSQL is back on its port it shows what {@link FaultLoad}
 * requires. The log's integrator commits without waiting for the WAL flush, so this is where a
 * tree ahead of the durable log would show. Its own embedded PostgreSQL, with the durability
 * settings a deployment's embedded database gets, so the crash touches no other test.
 */
class DatabaseCrashTest {
  private static final int LANES = 8;
  private static final int ACKNOWLEDGED_BEFORE_CRASH = 400;

  @TempDir
  Path data;

  @Test
  void everyAcknowledgedStepSurvivesAPostgresCrashAndEveryLostAnswerIsRecordedOnceOnRetry()
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    EmbeddedDatabase postgres = EmbeddedDatabase.start(data, port);
    EmbeddedDatabase restarted = null;
    String name = InProcessServerBuilder.generateName();
    try (Database database = Database.open(postgres.jdbcUrl("postgres"), postgres.user(),
        postgres.password(), 8)) {
      database.migrate();
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          database.jdbi(), PacktrailServer.Settings.defaults().withSealer(KeySealer.random())
              .withLog(null, Duration.ofMillis(200)))) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name)
            .defaultServiceConfig(PacktrailClient.retryServiceConfig()).enableRetry().build();
        try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(10))) {
          FaultLoad load = new FaultLoad(client, LANES);
          load.recordUntil(client, ACKNOWLEDGED_BEFORE_CRASH, () -> crash(data));
          postgres.close(); // releases its lock on the data directory; nothing left to stop
          postgres = null;
          restarted = startAgain(data, port);
          awaitServing(client);
          load.assertRecovered(client, database.jdbi(), "DatabaseCrashTest");
          // a quick stop at the end: the shutdown's checkpoint then has little left to write
          database.jdbi().useHandle(h -> h.execute("CHECKPOINT"));
        } finally {
          channel.shutdownNow();
        }
      }
    } finally {
      // the instance that is running, never the crashed one after the restart: its stop would
      // stop the new one, which serves the same data directory
      if (restarted != null) {
        restarted.close();
      } else if (postgres != null) {
        postgres.close();
      }
    }
  }

  /**
   * An immediate shutdown of the PostgreSQL whose data directory is {@code data}: SIGQUIT to
   * the postmaster, as {@code pg_ctl stop -m immediate} sends (pg_ctl itself refuses to run as
   * root); every backend ends at once, nothing is checkpointed. The postmaster removes its pid
   * file as it ends, which is waited for (it is not this JVM's child, so its exit may not be
   * reaped where no init process reaps orphans).
   */
  private static void crash(Path data) throws Exception {
    Path pidFile = data.resolve("postmaster.pid");
    String pid = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
    // the shell's own kill: no procps needed
    Process kill = new ProcessBuilder("sh", "-c", "kill -QUIT \"$1\"", "sh", pid)
        .redirectErrorStream(true).start();
    String printed = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -QUIT " + pid + " failed: " + printed);
    }
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.exists(pidFile)) {
      if (System.nanoTime() > waitUntil) {
        throw new AssertionError("PostgreSQL " + pid + " did not end within 60 s");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Starts PostgreSQL again on {@code port}, where the server's pool looks for it; another
   * program may have taken the port meanwhile, for a moment, so a failed start is tried again.
   */
  private static EmbeddedDatabase startAgain(Path data, int port) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return EmbeddedDatabase.start(data, port);
      } catch (java.io.IOException e) {
        if (attempt == 3) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  /** Waits (at most a minute) until the server reads from the database again. */
  private static void awaitServing(PacktrailClient client) throws InterruptedException {
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        client.listUnits(ListUnitsRequest.newBuilder().setPageSize(1).build());
        return;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > waitUntil) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
