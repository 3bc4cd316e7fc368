package io.packtrail.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Run once on each new connection: a commit the server acknowledges must survive a crash of
   * PostgreSQL, so a database or role default of {@code synchronous_commit = off} (a common
   * tuning, under which DatabaseCrashTest loses acknowledged steps) is turned back on for the
   * server's sessions. Every other value already flushes the WAL locally before the commit
   * returns and is kept, so a deployment's {@code remote_apply} is not weakened.
   */
  static final String DURABLE_COMMITS = "SELECT set_config('synchronous_commit', 'on', false) "
      + "WHERE current_setting('synchronous_commit') = 'off'";

  /**
   * How long PostgreSQL lets a session of the server sit idle inside a transaction before it
   * ends the session and rolls the transaction back. The server never waits between the
   * statements of a transaction (Flyway's migration lock is taken on a session, not in a
   * transaction, for this reason: {@link #migrate}), so only a connection that went half-open
   * (the server's host frozen or cut off, no reset reaching PostgreSQL) stays idle there;
   * without a bound, its transaction would keep the log head's lock, and with it every later
   * write, until PostgreSQL's TCP keepalive gave up on the socket: two hours by default.
   */
  public static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(30);

  /**
   * PostgreSQL's TCP keepalive on the server's sessions: first probe after 60 s of silence, then
   * every 10 s, the session ended after 6 unanswered (about two minutes in all). Ignored over a
   * Unix socket.
   */
  static final String KEEPALIVES = "-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 "
      + "-c tcp_keepalives_count=6";

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
    // costs would compile every walk, adding 50-200 ms to queries that run in a few ms.
    // PostgreSQL ends a session of ours left idle inside a transaction (IDLE_IN_TRANSACTION),
    // and, by TCP keepalive, one whose client went silent: a session idle outside a
    // transaction too (Flyway's migration lock is one) ends within two minutes of its client
    // host freezing or vanishing, not after PostgreSQL's default two hours
    config.addDataSourceProperty("options", "-c jit=off -c idle_in_transaction_session_timeout="
        + IDLE_IN_TRANSACTION.toMillis() + " " + KEEPALIVES);
    config.setConnectionInitSql(DURABLE_COMMITS);
    return new Database(new HikariDataSource(config));
  }

  /** How long a start waits for another instance's migration: an hour. */
  static final int MIGRATION_LOCK_WAIT_SECONDS = 3600;

  /**
   * Applies the Flyway migrations packaged in packtrail-migrations, then writes the registry
   * entries of registry rows that have none ({@link RegistryBackfill}); returns how many
   * migrations ran.
   */
  public int migrate() {
    int applied = flyway().migrate().migrationsExecuted;
    RegistryBackfill.run(jdbi);
    return applied;
  }

  /**
   * Where the database's schema stands against this version's migrations: how many it has
   * applied, and the versions it has yet to apply (empty when it is current).
   */
  public record Schema(int applied, List<String> pending) {
    public Schema {
      pending = List.copyOf(pending);
    }
  }

  /** The schema's state, read without changing anything. */
  public Schema schema() {
    org.flywaydb.core.api.MigrationInfoService info = flyway().info();
    List<String> pending = new ArrayList<>();
    for (org.flywaydb.core.api.MigrationInfo m : info.pending()) {
      pending.add("V" + m.getVersion());
    }
    return new Schema(info.applied().length, pending);
  }

  private Flyway flyway() {
    org.flywaydb.core.api.configuration.FluentConfiguration config = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        // an instance started while another migrates waits for it (one try a second), as long
        // as a migration of a large deployment takes (docs/operations.md, "Upgrading"): by
        // default Flyway gives up after 50 s, and the instance's start fails
        .lockRetryCount(MIGRATION_LOCK_WAIT_SECONDS);
    // the migration lock on a session, not in a transaction: Flyway's default holds it in a
    // transaction on a connection of its own, idle while the migrations run, and PostgreSQL
    // ends such a session after IDLE_IN_TRANSACTION, failing every migration run that lasts
    // longer (V17 and V18 take about a minute each on a large deployment)
    config.getConfigurationExtension(
        org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    return config.load();
  }

  /**
   * PostgreSQL's settings that decide whether what it committed survives a crash of its
   * machine, as the server's own sessions see them.
   */
  public record Durability(String fsync, String synchronousCommit, String fullPageWrites) {
    /** What in these settings can lose acknowledged steps, one sentence each; empty if none. */
    public List<String> risks() {
      List<String> risks = new ArrayList<>();
      if (!"on".equals(fsync)) {
        risks.add("PostgreSQL runs with fsync = " + fsync + ": a crash or power cut of its "
            + "machine can lose steps the server has acknowledged, or corrupt the database");
      }
      if ("off".equals(synchronousCommit)) {
        risks.add("PostgreSQL's synchronous_commit is off for the server's sessions: a crash "
            + "of PostgreSQL can lose steps the server has acknowledged");
      }
      if (!"on".equals(fullPageWrites)) {
        risks.add("PostgreSQL runs with full_page_writes = " + fullPageWrites + ": a power "
            + "cut can leave torn pages that recovery cannot repair, unless its file system "
            + "rules out partial page writes");
      }
      return risks;
    }
  }

  /** The durability settings, read on one of the pool's connections. */
  public Durability durability() {
    return jdbi.withHandle(h -> h.createQuery("SELECT current_setting('fsync') AS fsync, "
            + "current_setting('synchronous_commit') AS synchronous_commit, "
            + "current_setting('full_page_writes') AS full_page_writes")
        .map((rs, ctx) -> new Durability(rs.getString("fsync"),
            rs.getString("synchronous_commit"), rs.getString("full_page_writes")))
        .one());
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
