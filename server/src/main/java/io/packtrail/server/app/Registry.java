package io.packtrail.server.app;

import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Site;
import io.packtrail.server.store.Storage;
import java.util.List;

/** Organisations and sites. Creation is idempotent on the client-chosen id. */
public final class Registry {
  private final Storage storage;

  public Registry(Storage storage) {
    this.storage = storage;
  }

  /** Creates the organisation, or answers a retry with the stored one if it is the same. */
  public Organization createOrganization(Organization wanted) {
    Organization stored = storage.createOrganization(wanted);
    return sameOrRefused(stored, stored.sameContent(wanted), stored.name(), "organization_id");
  }

  public Organization organization(String id) {
    return storage.findOrganization(id).orElseThrow(
        () -> new NotFoundException(ResourceNames.organization(id), "organization"));
  }

  public List<Organization> listOrganizations(OrganizationRole role, String regionPrefix,
      String afterId, int limit) {
    return storage.listOrganizations(role, regionPrefix, afterId, limit);
  }

  /** Creates the site under an existing organisation, idempotent like organisations. */
  public Site createSite(Site wanted) {
    Site stored = storage.createSite(wanted);
    return sameOrRefused(stored, stored.sameContent(wanted), stored.name(), "site_id");
  }

  public Site site(String name) {
    return storage.findSite(name).orElseThrow(() -> new NotFoundException(name, "site"));
  }

  /** Sites of one organisation, or of all when {@code organizationId} is null. */
  public List<Site> listSites(String organizationId, String afterName, int limit) {
    return storage.listSites(organizationId, afterName, limit);
  }

  /** A retry gets what is stored; the same id with other content is ALREADY_EXISTS. */
  private static <T> T sameOrRefused(T stored, boolean sameContent, String name, String idField) {
    if (!sameContent) {
      throw new AlreadyExistsException(name, name
          + " already exists with different content; choose another " + idField);
    }
    return stored;
  }
}
