package io.packtrail.server.domain;

import java.util.Set;

/**
 * The site a step is recorded at, with its organisation, that organisation's roles and the
 * site's kind (null where the caller does not know it; rules on the kind are then not checked).
 */
public record Actor(String organization, String site, Set<OrganizationRole> roles,
    SiteKind siteKind) {
  public Actor {
    roles = Set.copyOf(roles);
  }

  public Actor(String organization, String site, Set<OrganizationRole> roles) {
    this(organization, site, roles, null);
  }
}
