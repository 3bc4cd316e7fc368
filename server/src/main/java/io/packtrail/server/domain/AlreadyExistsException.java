package io.packtrail.server.domain;

/** A client-chosen id or natural key is taken by different content. */
public final class AlreadyExistsException extends DomainException {
  private final String resourceName;

  public AlreadyExistsException(String resourceName, String message) {
    super(message);
    this.resourceName = resourceName;
  }

  public String resourceName() {
    return resourceName;
  }
}
