package io.packtrail.server.ingest;

/** The step was not recorded for a reason of the server's, not the request's; safe to retry. */
public final class IngestUnavailableException extends RuntimeException {
  public IngestUnavailableException(String message) {
    super(message, null, false, false);
  }
}
