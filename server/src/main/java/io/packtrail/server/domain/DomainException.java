package io.packtrail.server.domain;

/** A request refused by a domain rule; the transport layer maps each subclass to one status. */
public abstract class DomainException extends RuntimeException {
  protected DomainException(String message) {
    super(message, null, false, false);
  }
}
