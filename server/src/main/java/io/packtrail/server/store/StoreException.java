package io.packtrail.server.store;

import java.sql.SQLException;

/** A database operation failed; the message says which, the cause says why. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, SQLException cause) {
    super(message, cause);
  }
}
