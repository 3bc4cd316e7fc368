package io.packtrail.server.store;

import java.sql.SQLException;

/**
 * The connection broke while COMMIT was on its way or its answer was: the transaction may or may
 * not have been committed, and only a retry with the same ids can tell.
 */
public final class CommitOutcomeUnknownException extends RuntimeException {
  public CommitOutcomeUnknownException(String message, SQLException cause) {
    super(message, cause);
  }
}
