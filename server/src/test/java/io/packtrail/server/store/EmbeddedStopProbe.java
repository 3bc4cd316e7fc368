package io.packtrail.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

/**
 * A JVM for {@link EmbeddedDatabaseTest}: starts the embedded PostgreSQL on a data directory,
 * asks it to wait {@code hold} seconds at a stop, and registers a shutdown hook that, like
 * {@code serve}'s, still uses the database a while after the stop begins, then closes it (or,
 * with {@code abandon}, never does).
 */
public final class EmbeddedStopProbe {
  public static void main(String[] args) throws Exception {
    Path dataDirectory = Path.of(args[0]);
    long holdSeconds = Long.parseLong(args[1]);
    boolean abandon = args.length > 2 && args[2].equals("abandon");
    EmbeddedDatabase db = EmbeddedDatabase.start(dataDirectory);
    db.holdOnStop(Duration.ofSeconds(holdSeconds));
    String url = db.jdbcUrl("postgres");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Thread.sleep(1500); // a drain in progress
        try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
          c.createStatement().execute("SELECT 1");
          System.out.println("query during the stop: ok");
        }
      } catch (Exception e) {
        System.out.println("query during the stop: failed: " + e);
      }
      if (!abandon) {
        try {
          db.close();
        } catch (Exception e) {
          System.out.println("close failed: " + e);
        }
      }
    }));
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
