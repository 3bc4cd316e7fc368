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
  /** The postgres role's password (a kept database), or null (a throwaway one: trust). */
  private final String password;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch closedByOwner = new CountDownLatch(1);
  private volatile Duration holdOnStop = Duration.ZERO;
  private final Thread stopHook;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
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
    Path key = dataDirectory.toAbsolutePath().normalize();
    // a PostgreSQL on the directory is stopped only when nobody owns it: a live process (a
    // running serve) holds the library's lock, and its PostgreSQL is not this start's to stop
    // (this start then fails on the lock, saying so)
    boolean owned = OPEN.contains(key) || lockedByAnother(dataDirectory);
    if (!owned) {
      stopLeftover(dataDirectory); // an orphan of a process killed before it stopped it
    }
    EmbeddedPostgres started;
    try {
      started = builder.start();
    } catch (IOException | RuntimeException e) {
      if (!owned) {
        stopLeftover(dataDirectory); // what this start started, if it came up after all
      }
      throw e;
    }
    try {
      EmbeddedDatabase db = new EmbeddedDatabase(started, secure(started, dataDirectory));
      OPEN.add(key);
      db.openKey = key;
      return db;
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /** The data directories this JVM has open (their lock is this JVM's). */
  private static final java.util.Set<Path> OPEN =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Path openKey;

  /**
   * Whether another process holds the library's lock on the directory (a live owner of its
   * PostgreSQL). Probed with a lock of this JVM's, released at once; never for a directory this
   * JVM has open, whose lock closing the probe's channel would drop.
   */
  private static boolean lockedByAnother(Path dataDirectory) {
    Path lock = dataDirectory.resolve("epg-lock");
    if (!Files.exists(lock)) {
      return false;
    }
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lock,
        java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock held = channel.tryLock();
      if (held == null) {
        return true;
      }
      held.release();
      return false;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return true; // cannot tell: stop nothing
    }
  }

  /** The file in the data directory (mode 700, PostgreSQL's) that keeps the role's password. */
  static final String PASSWORD_FILE = "packtrail-password";

  /**
   * Who may connect: the library creates the cluster with "trust" for every local connection,
   * so any account on the machine could connect as the superuser (and read the home's files
   * through PostgreSQL, which runs as this user). Only password (SCRAM) connections over
   * loopback are taken; the Unix socket, in a directory anyone can enter, takes none.
   */
  static final String HBA = """
      # Packtrail: the embedded PostgreSQL takes only password (SCRAM) connections over loopback;
      # the password is in packtrail-password, beside this file (the directory is this user's)
      local   all   all                  reject
      host    all   all   127.0.0.1/32   scram-sha-256
      host    all   all   ::1/128        scram-sha-256
      """;

  /**
   * Gives the postgres role a password on the first start (kept in the data directory, which
   * only this user may read) and keeps pg_hba.conf to {@link #HBA}; answers the password. A
   * crash between the steps leaves a state the next start completes.
   */
  private static String secure(EmbeddedPostgres pg, Path dataDirectory) throws IOException {
    Path file = dataDirectory.resolve(PASSWORD_FILE);
    String password = passwordOf(dataDirectory);
    try {
      if (password == null) {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String fresh = java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString(random);
        // still "trust" here: a cluster this code has not secured yet
        try (java.sql.Connection c = connect(pg, null);
            java.sql.Statement st = c.createStatement()) {
          st.execute("ALTER ROLE postgres PASSWORD '" + fresh + "'");
        }
        io.packtrail.client.DurableFiles.replace(file,
            fresh.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        password = fresh;
      }
      Path hba = dataDirectory.resolve("pg_hba.conf");
      if (!Files.readString(hba).equals(HBA)) {
        io.packtrail.client.DurableFiles.replace(hba,
            HBA.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try (java.sql.Connection c = connect(pg, password);
            java.sql.Statement st = c.createStatement()) {
          st.execute("SELECT pg_reload_conf()");
        }
      }
      return password;
    } catch (java.sql.SQLException e) {
      throw new IOException("the embedded PostgreSQL in " + dataDirectory + " cannot be "
          + "secured or opened with its password (" + e.getMessage() + "); if "
          + file.getFileName() + " was removed, restore it from a backup of that directory",
          e);
    }
  }

  private static java.sql.Connection connect(EmbeddedPostgres pg, String password)
      throws java.sql.SQLException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", "postgres");
    if (password != null) {
      p.setProperty("password", password);
    }
    return java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort()
        + "/postgres", p);
  }

  /** The password a running embedded PostgreSQL on the directory takes, or null. */
  public static String passwordOf(Path dataDirectory) {
    try {
      Path file = dataDirectory.resolve(PASSWORD_FILE);
      return Files.exists(file) ? Files.readString(file).strip() : null;
    } catch (IOException e) {
      return null;
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
            // a fast shutdown (SIGINT): SIGTERM's smart one waits for every client to leave,
            // which an orphan's may never do; pg_ctl would refuse to run as root
            try {
              new ProcessBuilder("sh", "-c", "kill -INT \"$1\"", "sh", Long.toString(pid))
                  .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start().waitFor(10, TimeUnit.SECONDS);
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
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    String password = passwordOf(dataDirectory);
    if (password != null) {
      // the library's readiness check logs in ("SELECT 1"): a secured cluster needs the password
      builder.setConnectConfig("password", password);
    }
    return builder
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
        .start(), null);
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

  /** The password of {@link #user()}; null for a throwaway instance (tests), which trusts. */
  public String password() {
    return password;
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
    } finally {
      released();
    }
  }

  private void released() {
    Path key = openKey;
    if (key != null) {
      OPEN.remove(key);
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
      released();
      closedByOwner.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(stopHook);
      } catch (IllegalStateException stopping) {
        // the JVM is stopping: the hook runs, and finds the latch counted down
      }
    }
  }
}
