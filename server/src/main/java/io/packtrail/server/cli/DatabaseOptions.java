package io.packtrail.server.cli;

import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.Database;
import io.packtrail.server.store.EmbeddedDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the data lives: a PostgreSQL given by URL (flags or PACKTRAIL_DB_* variables), else an
 * embedded PostgreSQL under PACKTRAIL_HOME (default ~/.packtrail).
 */
final class DatabaseOptions {
  @Option(names = "--db-url", defaultValue = "${env:PACKTRAIL_DB_URL}",
      description = "JDBC URL of PostgreSQL, e.g. jdbc:postgresql://127.0.0.1:5432/packtrail "
          + "(env PACKTRAIL_DB_URL). Without it an embedded PostgreSQL is used.")
  String url;

  @Option(names = "--db-user", defaultValue = "${env:PACKTRAIL_DB_USER}",
      description = "database user (env PACKTRAIL_DB_USER)")
  String user;

  @Option(names = "--db-password", defaultValue = "${env:PACKTRAIL_DB_PASSWORD}",
      description = "database password (env PACKTRAIL_DB_PASSWORD; prefer the variable: a "
          + "flag's value is visible to every local user in the process list)")
  String password;

  @Option(names = "--db-connection-timeout",
      defaultValue = "${env:PACKTRAIL_DB_CONNECTION_TIMEOUT:-3}",
      description = "seconds a call waits for a database connection before it fails as "
          + "UNAVAILABLE (env PACKTRAIL_DB_CONNECTION_TIMEOUT, default ${DEFAULT-VALUE})")
  double connectionTimeoutSeconds;

  @Option(names = "--home", defaultValue = "${env:PACKTRAIL_HOME}",
      description = "directory for local data such as the embedded database "
          + "(env PACKTRAIL_HOME, default ~/.packtrail)")
  Path home;

  @Option(names = "--key-encryption-key", defaultValue = "${env:PACKTRAIL_KEY_ENCRYPTION_KEY}",
      description = "base64 of 32 random bytes sealing the private label and root keys in the "
          + "database (env PACKTRAIL_KEY_ENCRYPTION_KEY; prefer the variable: a flag's value is "
          + "visible in the process list). Every instance of a deployment needs the same one. "
          + "Without it, a key is generated once in <home>/key-encryption.key (owner-only); "
          + "back it up apart from the database.")
  String keyEncryptionKey;

  /**
   * Refuses settings the pool cannot take, before anything is opened or created: HikariCP reads
   * a connection timeout of 0 as "wait for ever" and refuses one under 250 ms.
   */
  void check() {
    if (!(connectionTimeoutSeconds >= 0.25 && connectionTimeoutSeconds <= 3600)) {
      throw new IllegalArgumentException("--db-connection-timeout (env "
          + "PACKTRAIL_DB_CONNECTION_TIMEOUT) must be 0.25 to 3600 seconds, got "
          + connectionTimeoutSeconds);
    }
  }

  /** The sealer for private keys at rest, from configuration or the home directory. */
  KeySealer keySealer() throws IOException {
    check();
    return KeySealer.fromConfig(keyEncryptionKey, home().resolve("key-encryption.key"));
  }

  /** An open, migrated database and whatever must be closed with it. */
  record Opened(Database database, EmbeddedDatabase embedded) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      database.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  Opened open(int poolSize) throws IOException {
    return open(poolSize, false);
  }

  /**
   * As {@link #open(int)}, for a command that runs beside a server ({@code pki}, {@code
   * log-key}): when the embedded database is running already (a {@code serve} on the same
   * PACKTRAIL_HOME), it connects to that one instead of failing on its lock.
   */
  Opened openShared(int poolSize) throws IOException {
    return open(poolSize, true);
  }

  private Opened open(int poolSize, boolean shared) throws IOException {
    check();
    EmbeddedDatabase embedded = null;
    String jdbcUrl = url;
    String dbUser = user;
    String dbPassword = password;
    Integer running = shared && (jdbcUrl == null || jdbcUrl.isBlank())
        ? runningEmbeddedPort(home().resolve("pgdata")) : null;
    if (running != null) {
      System.err.println("No PACKTRAIL_DB_URL: using the embedded PostgreSQL that a running "
          + "server started in " + home().resolve("pgdata") + " (port " + running + ")");
      jdbcUrl = "jdbc:postgresql://localhost:" + running + "/postgres";
      dbUser = "postgres";
      dbPassword = EmbeddedDatabase.passwordOf(home().resolve("pgdata"));
    } else if (jdbcUrl == null || jdbcUrl.isBlank()) {
      Path dir = home().resolve("pgdata");
      System.err.println("No PACKTRAIL_DB_URL: using the embedded PostgreSQL in " + dir);
      embedded = EmbeddedDatabase.start(dir);
      jdbcUrl = embedded.jdbcUrl("postgres");
      dbUser = embedded.user();
      dbPassword = embedded.password();
    }
    Database database = Database.open(jdbcUrl, dbUser, dbPassword, poolSize,
        Duration.ofMillis(Math.round(connectionTimeoutSeconds * 1000)));
    if (shared) {
      try {
        refuseToUpgradeBesideServers(database.schema());
      } catch (RuntimeException e) {
        database.close();
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
    }
    int applied = database.migrate();
    if (applied > 0) {
      System.err.println("Applied " + applied + " database migration(s)");
    }
    return new Opened(database, embedded);
  }

  /**
   * A command that runs beside servers ({@code pki}, {@code log-key}) makes a new database's
   * schema, but does not upgrade one that servers of an older version may be running on: its
   * migrations would change the tables under them (docs/operations.md, "Upgrading": stop every
   * instance, then migrate).
   */
  static void refuseToUpgradeBesideServers(Database.Schema schema) {
    if (schema.applied() > 0 && !schema.pending().isEmpty()) {
      throw new IllegalStateException("the database's schema is older than this version's: "
          + "it lacks " + String.join(", ", schema.pending()) + ". This command does not "
          + "upgrade it, since servers of the older version may be running on it: stop every "
          + "server, run 'packtrail-server migrate' (or start one server of this version), "
          + "then run this command again");
    }
  }

  /**
   * The port of the embedded PostgreSQL running on {@code dataDirectory} (its postmaster.pid
   * names a live process and the port), or null.
   */
  static Integer runningEmbeddedPort(Path dataDirectory) {
    Path pid = dataDirectory.resolve("postmaster.pid");
    try {
      java.util.List<String> lines = java.nio.file.Files.readAllLines(pid);
      if (lines.size() < 4 || ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
          .filter(ProcessHandle::isAlive).isEmpty()) {
        return null;
      }
      return Integer.parseInt(lines.get(3).strip());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  Path home() {
    return home != null ? home : Path.of(System.getProperty("user.home"), ".packtrail");
  }
}
