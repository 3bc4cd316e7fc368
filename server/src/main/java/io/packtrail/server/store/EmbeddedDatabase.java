package io.packtrail.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL run from binaries packaged in a jar, for a server with no database
 * configured. Its data directory is kept, so data survives restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
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
        // after a crash the start replays the WAL first; the library's 10 s is short for that
        .setPGStartupWait(java.time.Duration.ofSeconds(60))
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on");
  }

  /** A throwaway instance in a temporary directory (tests). */
  public static EmbeddedDatabase startTemporary() throws IOException {
    return new EmbeddedDatabase(EmbeddedPostgres.builder().start());
  }

  public String jdbcUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }

  public String user() {
    return "postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
