package io.packtrail.scanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The scanner's local database, {@code scanner.db} under PACKTRAIL_HOME (SQLite): the outbox of
 * steps and the cache of units, events and devices' public keys. WAL with {@code synchronous=FULL}: a commit returns
 * only after its WAL frames reached the disk, so a step the worker was told is "saved" survives
 * a crash or a power cut (docs/decisions.md, "The scanner's outbox"). One connection per
 * process, used by one thread at a time (callers synchronize on this object); another process
 * (a `sync` beside a running `scan`) waits up to 10 s for the write lock.
 */
final class LocalDb implements AutoCloseable {
  static final String FILE = "scanner.db";
  private static final int SCHEMA_VERSION = 3;

  private final Connection connection;
  private final Path file;

  private LocalDb(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  static LocalDb open(Path home) throws IOException, SQLException {
    Files.createDirectories(home);
    Path file = home.resolve(FILE);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(10_000);
    // BEGIN IMMEDIATE: a transaction takes the write lock first, so one that reads and then
    // writes never fails halfway because another process wrote in between
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    try (Statement s = c.createStatement()) {
      int version;
      try (var rs = s.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > SCHEMA_VERSION) {
        c.close();
        throw new IOException(file + " was written by a newer scanner (schema " + version
            + "); use that version");
      }
      if (version < 1 && upgrading(c, s, 1)) {
        s.execute("""
            CREATE TABLE IF NOT EXISTS steps (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              position INTEGER NOT NULL,
              event_id TEXT NOT NULL UNIQUE,
              unit TEXT NOT NULL,
              step TEXT NOT NULL,
              request BLOB NOT NULL,
              scanned_at INTEGER NOT NULL,
              status TEXT NOT NULL,
              error_code TEXT,
              error_message TEXT,
              event_name TEXT,
              replaced_by INTEGER,
              attempts INTEGER NOT NULL DEFAULT 0,
              updated_at INTEGER NOT NULL)""");
        s.execute("CREATE INDEX IF NOT EXISTS steps_by_status ON steps (status, position, id)");
        s.execute("CREATE INDEX IF NOT EXISTS steps_by_unit ON steps (unit, status)");
        s.execute("""
            CREATE TABLE IF NOT EXISTS units (
              code TEXT PRIMARY KEY,
              unit BLOB NOT NULL,
              fetched_at INTEGER NOT NULL)""");
        s.execute("""
            CREATE TABLE IF NOT EXISTS events (
              code TEXT NOT NULL,
              sequence INTEGER NOT NULL,
              event BLOB NOT NULL,
              PRIMARY KEY (code, sequence))""");
        upgraded(c, s, 1);
      }
      if (version < 2 && upgrading(c, s, 2)) {
        // the kind of a refusal (e.g. DEVICE:RETIRED, SIGNATURE) and the devices' public keys,
        // cached for an offline trace
        s.execute("ALTER TABLE steps ADD COLUMN refusal TEXT");
        s.execute("""
            CREATE TABLE IF NOT EXISTS devices (
              name TEXT PRIMARY KEY,
              device BLOB NOT NULL,
              fetched_at INTEGER NOT NULL)""");
        upgraded(c, s, 2);
      }
      if (version < 3 && upgrading(c, s, 3)) {
        // the photos 'scan --watch' has read, so that a restart reads only new ones
        s.execute("""
            CREATE TABLE IF NOT EXISTS photos (
              path TEXT PRIMARY KEY,
              size INTEGER NOT NULL,
              modified INTEGER NOT NULL,
              read_at INTEGER NOT NULL)""");
        upgraded(c, s, 3);
      }
    } catch (SQLException | IOException e) {
      c.close();
      throw e;
    }
    return new LocalDb(c, file);
  }

  /**
   * Starts the upgrade to schema {@code version}: BEGIN IMMEDIATE takes the write lock, then
   * the version is read again, so that of two processes opening an old file at once the second
   * finds the work done instead of failing on it. False (and no transaction) when it is done.
   */
  private static boolean upgrading(Connection c, Statement s, int version) throws SQLException {
    c.setAutoCommit(false);
    try (var rs = s.executeQuery("PRAGMA user_version")) {
      if (rs.next() && rs.getInt(1) >= version) {
        c.commit();
        c.setAutoCommit(true);
        return false;
      }
    }
    return true;
  }

  private static void upgraded(Connection c, Statement s, int version) throws SQLException {
    s.execute("PRAGMA user_version = " + version);
    c.commit();
    c.setAutoCommit(true);
  }

  Connection connection() {
    return connection;
  }

  Path file() {
    return file;
  }

  /** Runs {@code work} in one transaction: committed (and on disk) when it returns. */
  synchronized <T> T inTransaction(SqlWork<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      // an Error too (an OutOfMemoryError halfway): the finally's return to auto-commit would
      // otherwise commit the half done (sqlite-jdbc commits an open transaction there)
      try {
        connection.rollback();
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Runs a read (or a single statement) on the connection, one thread at a time. */
  synchronized <T> T read(SqlWork<T> work) throws SQLException {
    return work.run(connection);
  }

  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  @Override
  public synchronized void close() throws SQLException {
    connection.close();
  }
}
