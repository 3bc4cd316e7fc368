package io.packtrail.server.domain;

/** A named resource does not exist. */
public final class NotFoundException extends DomainException {
  private final String resourceName;

  public NotFoundException(String resourceName, String what) {
    super(what + " " + resourceName + " not found");
    this.resourceName = resourceName;
  }

  public String resourceName() {
    return resourceName;
  }
}
