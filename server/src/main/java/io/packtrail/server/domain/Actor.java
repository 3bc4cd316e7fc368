package io.packtrail.server.domain;

import java.util.Set;

/** The site a step is recorded at, with its organisation and that organisation's roles. */
public record Actor(String organization, String site, Set<OrganizationRole> roles) {
  public Actor {
    roles = Set.copyOf(roles);
  }
}
