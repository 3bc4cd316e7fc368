package io.packtrail.server.ingest;

/**
 * The database refused to store one step for a reason that is not of the moment: a fault of the
 * server (its checks let through what a constraint of the schema refuses, or its code failed),
 * answered INTERNAL. The step was not recorded; nothing else of its batch was lost.
 */
public final class StepNotStoredException extends RuntimeException {
  private final String sqlState;

  /** {@code sqlState} is PostgreSQL's code for the refusal, null when no statement failed. */
  public StepNotStoredException(String message, String sqlState) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  /** PostgreSQL's SQLState of the refusal, or null when the failure was not a statement's. */
  public String sqlState() {
    return sqlState;
  }
}
