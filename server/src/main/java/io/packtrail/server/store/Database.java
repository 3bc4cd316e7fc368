package io.packtrail.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** The connection pool, the schema migrations and the jdbi handle factory, in one place. */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource)
        .installPlugin(new SqlObjectPlugin())
        .installPlugin(new PostgresPlugin());
  }

  /**
   * How long a call waits for a connection before it fails as UNAVAILABLE: long enough to ride
   * out a busy pool, short enough that a database outage is reported within seconds (Hikari's
   * default, 30 s, outlasts most clients' deadlines).
   */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

  /** Opens a pool on a PostgreSQL JDBC URL; user and password may be null. */
  public static Database open(String jdbcUrl, String user, String password, int poolSize) {
    return open(jdbcUrl, user, password, poolSize, DEFAULT_CONNECTION_TIMEOUT);
  }

  /** Opens a pool whose callers give up on the database after {@code connectionTimeout}. */
  public static Database open(String jdbcUrl, String user, String password, int poolSize,
      Duration connectionTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("packtrail");
    config.setConnectionTimeout(connectionTimeout.toMillis());
    // checking a pooled connection must fit inside the wait for one (Hikari's minimum is 250 ms)
    config.setValidationTimeout(Math.max(250, connectionTimeout.toMillis() / 2));
    // a TCP connect to a host that does not answer gives up within the same bound
    config.addDataSourceProperty("connectTimeout",
        Long.toString(Math.max(1, connectionTimeout.toSeconds())));
    // the sequencer's batched INSERTs become multi-row INSERTs on the wire
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "packtrail-server");
    // no JIT: the planner cannot estimate the lineage walks (recursive CTEs) and their inflated
    // costs would compile every walk, adding 50-200 ms to queries that run in a few ms
    config.addDataSourceProperty("options", "-c jit=off");
    return new Database(new HikariDataSource(config));
  }

  /**
   * Applies the Flyway migrations packaged in packtrail-migrations, then writes the registry
   * entries of registry rows that have none ({@link RegistryBackfill}); returns how many
   * migrations ran.
   */
  public int migrate() {
    int applied = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate()
        .migrationsExecuted;
    RegistryBackfill.run(jdbi);
    return applied;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** The pool's live figures (null until the pool has started). */
  public com.zaxxer.hikari.HikariPoolMXBean pool() {
    return dataSource.getHikariPoolMXBean();
  }

  public int maximumPoolSize() {
    return dataSource.getMaximumPoolSize();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
