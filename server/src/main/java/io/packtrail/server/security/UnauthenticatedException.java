package io.packtrail.server.security;

/** The caller did not prove who it is (no, or no longer a, valid certificate). */
public final class UnauthenticatedException extends RuntimeException {
  public UnauthenticatedException(String message) {
    super(message, null, false, false);
  }
}
