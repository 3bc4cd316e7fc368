package io.packtrail.server.security;

/** The caller is known but may not do this. */
public final class PermissionDeniedException extends RuntimeException {
  public PermissionDeniedException(String message) {
    super(message, null, false, false);
  }
}
