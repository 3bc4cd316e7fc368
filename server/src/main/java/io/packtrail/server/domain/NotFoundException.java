package io.packtrail.server.domain;

/** A named resource does not exist. */
public final class NotFoundException extends DomainException {
  private final String resourceName;
  private final String what;

  public NotFoundException(String resourceName, String what) {
    super(what + " " + resourceName + " not found");
    this.resourceName = resourceName;
    this.what = what;
  }

  public String resourceName() {
    return resourceName;
  }

  /** What was not found, e.g. {@code "site (actor_site)"}. */
  public String what() {
    return what;
  }
}
