package io.packtrail.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;

/**
 * Tells "the database could not be reached" apart from "a statement failed": the first is the
 * server's trouble, worth retrying once the database is back (UNAVAILABLE); the second is a bug.
 */
public final class ConnectionFailures {
  private ConnectionFailures() {}

  /**
   * True when the failure, or one of its causes, is the pool giving up on getting a connection,
   * a connection that broke (SQLState class 08), or the server shutting down or not yet
   * accepting sessions (57P01 to 57P03).
   */
  public static boolean isConnectionFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException e && e.getSQLState() != null
          && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}
