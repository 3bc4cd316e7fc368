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
    String url = postgres.jdbcUrl("postgres");
    String name = InProcessServerBuilder.generateName();
    try (Database database = Database.open(url, postgres.user(), null, 8)) {
      database.migrate();
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          database.jdbi(), PacktrailServer.Settings.defaults().withSealer(KeySealer.random())
              .withLog(null, Duration.ofMillis(200)))) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name)
            .defaultServiceConfig(PacktrailClient.retryServiceConfig()).enableRetry().build();
        try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(10))) {
          FaultLoad load = new FaultLoad(client, LANES);
          load.recordUntil(client, ACKNOWLEDGED_BEFORE_CRASH, () -> crash(data));
          try {
            postgres.close(); // its lock on the data directory; the server is gone already
          } catch (java.io.IOException alreadyStopped) {
            // pg_ctl finds nothing to stop, as it should after the crash
          }
          restarted = EmbeddedDatabase.start(data, port);
          awaitServing(client);
          load.assertRecovered(client, database.jdbi(), "DatabaseCrashTest");
        } finally {
          channel.shutdownNow();
        }
      }
    } finally {
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  /**
   * An immediate shutdown of the PostgreSQL whose data directory is {@code data} (SIGQUIT to
   * the postmaster, as {@code pg_ctl stop -m immediate} sends), waiting until it has ended.
   */
  private static void crash(Path data) throws Exception {
    String pid = Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8)
        .get(0).trim();
    Process kill = new ProcessBuilder("kill", "-QUIT", pid).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -QUIT " + pid + " failed");
    }
    ProcessHandle.of(Long.parseLong(pid))
        .ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
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
