package io.packtrail.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;

/**
 * Tells "the database could not be reached" apart from "a statement failed": the first is the
 * server's trouble, worth retrying once the database is back (UNAVAILABLE); the second is a bug,
 * unless PostgreSQL says it was passing ({@link #isPassing}).
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

  /**
   * True when PostgreSQL refused a statement for a reason of the moment rather than of the
   * statement: a serialization failure or deadlock (SQLState class 40), insufficient resources
   * (class 53: disk full, out of memory, too many connections), a lock not available (55P03) or
   * a statement cancelled by a timeout or an operator (57014). The same statement may pass when
   * sent again.
   */
  public static boolean isPassing(Throwable failure) {
    String state = sqlState(failure);
    return state != null && (state.startsWith("40") || state.startsWith("53")
        || state.equals("55P03") || state.equals("57014"));
  }

  /** The SQLState of the first SQL failure in the cause chain, or null when there is none. */
  public static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException e && e.getSQLState() != null) {
        return e.getSQLState();
      }
    }
    return null;
  }
}
