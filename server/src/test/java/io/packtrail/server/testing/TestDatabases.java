package io.packtrail.server.testing;

import io.packtrail.server.store.Database;
import io.packtrail.server.store.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * The one database harness of the tests: the PostgreSQL named by PACKTRAIL_TEST_DB_URL (CI sets
 * it to the machine's service) or else one embedded PostgreSQL per test JVM. Each test class gets
 * a fresh database, migrated, and dropped afterwards.
 */
public final class TestDatabases {
  private static String adminUrl;
  private static String user;
  private static String password;

  private TestDatabases() {}

  private static synchronized void init() {
    if (adminUrl != null) {
      return;
    }
    String url = System.getenv("PACKTRAIL_TEST_DB_URL");
    if (url != null && !url.isBlank()) {
      adminUrl = url;
      user = System.getenv("PACKTRAIL_TEST_DB_USER");
      password = System.getenv("PACKTRAIL_TEST_DB_PASSWORD");
      return;
    }
    try {
      EmbeddedDatabase embedded = EmbeddedDatabase.startTemporary();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException e) {
          // the JVM is exiting; the temporary directory goes with it
        }
      }));
      adminUrl = embedded.jdbcUrl("postgres");
      user = embedded.user();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
    }
  }

  /**
   * A fresh database migrated only up to {@code version} (a migration test fills it as an older
   * server would, then migrates it with {@code database().migrate()}); closing it drops it.
   */
  public static Fresh createAt(String label, String version) {
    init();
    String name = name(label);
    execute("CREATE DATABASE " + name);
    String url = withDatabase(adminUrl, name);
    org.flywaydb.core.Flyway.configure().dataSource(url, user, password)
        .locations("classpath:db/migration").target(version).load().migrate();
    return new Fresh(name, url, Database.open(url, user, password, 4));
  }

  private static String name(String label) {
    String name = ("pt_" + label.replaceAll("[^A-Za-z0-9]", "_") + "_"
        + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    return name.length() > 60 ? name.substring(0, 51) + name.substring(name.length() - 9) : name;
  }

  /** A fresh, migrated database; closing it drops it. */
  public static Fresh create(String label) {
    init();
    String name = ("pt_" + label.replaceAll("[^A-Za-z0-9]", "_") + "_"
        + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    if (name.length() > 60) {
      name = name.substring(0, 51) + name.substring(name.length() - 9);
    }
    execute("CREATE DATABASE " + name);
    String url = withDatabase(adminUrl, name);
    Database database = Database.open(url, user, password, 8);
    database.migrate();
    return new Fresh(name, url, database);
  }

  /** A test class's database. */
  public static final class Fresh implements AutoCloseable {
    private final String name;
    private final String url;
    private final Database database;

    private Fresh(String name, String url, Database database) {
      this.name = name;
      this.url = url;
      this.database = database;
    }

    public Database database() {
      return database;
    }

    /** Another pool on this database, as a second server instance opens; the caller closes it. */
    public Database openAnother(int poolSize) {
      return Database.open(url, user, password, poolSize);
    }

    /** The JDBC URL of this database (for commands that open it themselves). */
    public String url() {
      return url;
    }

    /** The user this database is opened as (null: the URL names it). */
    public String user() {
      return user;
    }

    /** That user's password (null: none, or the URL holds it). */
    public String password() {
      return password;
    }

    /** Another pool whose connections carry {@code parameters} (URL query parameters). */
    public Database openWith(String parameters, int poolSize) {
      return Database.open(url + (url.contains("?") ? "&" : "?") + parameters, user, password,
          poolSize);
    }

    /** Another pool whose connections carry an application name (to find them in SQL). */
    public Database openAs(String applicationName, int poolSize) {
      return Database.open(url + (url.contains("?") ? "&" : "?") + "ApplicationName="
          + applicationName, user, password, poolSize);
    }

    /** A proxy in front of this database's PostgreSQL, for taking it away in a test. */
    public TcpProxy proxy() throws IOException {
      String hostPort = hostAndPort(url);
      int colon = hostPort.lastIndexOf(':');
      return colon < 0 ? new TcpProxy(hostPort, 5432)
          : new TcpProxy(hostPort.substring(0, colon),
              Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /**
     * A pool on this database reached through the proxy; the caller closes it. Its statements
     * always travel as text (no server-side prepared statements), so the proxy can spot COMMIT.
     */
    public Database openThrough(TcpProxy proxy, int poolSize, Duration connectionTimeout) {
      return openThrough(proxy, poolSize, connectionTimeout, "prepareThreshold=0");
    }

    /** As above, with JDBC URL parameters of the test's ({@code a=b&c=d}, URL-encoded). */
    public Database openThrough(TcpProxy proxy, int poolSize, Duration connectionTimeout,
        String parameters) {
      String hostPort = hostAndPort(url);
      int at = url.indexOf(hostPort);
      String proxied = url.substring(0, at) + proxy.hostAndPort()
          + url.substring(at + hostPort.length());
      proxied += (proxied.contains("?") ? "&" : "?") + parameters;
      return Database.open(proxied, user, password, poolSize, connectionTimeout);
    }

    @Override
    public void close() {
      database.close();
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static void execute(String sql) {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    try (Connection c = DriverManager.getConnection(adminUrl, props);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database setup failed: " + sql, e);
    }
  }

  /** The host[:port] of a JDBC URL. */
  private static String hostAndPort(String url) {
    int start = url.indexOf("//") + 2;
    int end = start;
    while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
      end++;
    }
    return url.substring(start, end);
  }

  /** The same JDBC URL with another database name (keeps host, port and parameters). */
  static String withDatabase(String url, String database) {
    int scheme = url.indexOf("//");
    int slash = url.indexOf('/', scheme + 2);
    int query = url.indexOf('?');
    String params = query < 0 ? "" : url.substring(query);
    String hostPart = slash < 0 ? (query < 0 ? url : url.substring(0, query))
        : url.substring(0, slash);
    return hostPart + "/" + database + params;
  }
}
