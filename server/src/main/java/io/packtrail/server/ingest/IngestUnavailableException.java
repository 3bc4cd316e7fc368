package io.packtrail.server.ingest;

/**
 * The step failed for a reason of the server's, not the request's: it was not recorded, or (when
 * the message says so) its outcome is unknown. Retrying with the same id is safe either way.
 */
public final class IngestUnavailableException extends RuntimeException {
  public IngestUnavailableException(String message) {
    super(message, null, false, false);
  }
}
