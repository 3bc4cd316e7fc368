package io.packtrail.server.ingest;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.SiteDao;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Resolves the sites and organisations a step names. Organisations and sites are never changed
 * or removed once created, so what was found once is cached; misses always go to the database.
 */
public final class Directory {
  private static final int MAX_CACHED = 100_000;

  private final Jdbi jdbi;
  private final ConcurrentMap<String, Actor> actors = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Organization> organizations = new ConcurrentHashMap<>();

  public Directory(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The site a step is recorded at, with its organisation's roles. */
  public Actor actor(String siteName, String field) {
    Actor cached = actors.get(siteName);
    if (cached != null) {
      return cached;
    }
    Actor actor = jdbi.withExtension(SiteDao.class, dao -> dao.findActor(siteName))
        .orElseThrow(() -> new NotFoundException(siteName, "site (" + field + ")"));
    if (actors.size() < MAX_CACHED) {
      actors.put(siteName, actor);
    }
    return actor;
  }

  public void requireOrganization(String name, String field) {
    organization(name, field);
  }

  /** The organisation of that name, or {@link NotFoundException} naming {@code field}. */
  public Organization organization(String name, String field) {
    Organization cached = organizations.get(name);
    if (cached != null) {
      return cached;
    }
    String id = ResourceNames.organizationId(name);
    Organization found = jdbi.withExtension(OrganizationDao.class, dao -> dao.find(id))
        .orElseThrow(() -> new NotFoundException(name, "organization (" + field + ")"));
    if (organizations.size() < MAX_CACHED) {
      organizations.put(name, found);
    }
    return found;
  }

  /** Checks that the organisations and sites a step refers to exist. */
  public void requireReferences(Step step, String prefix) {
    if (step instanceof Step.Registration r) {
      organization(r.maker(), prefix + "registration.maker");
    } else if (step instanceof Step.Sale s) {
      requireOrganization(s.dealer(), prefix + "sale.dealer");
    } else if (step instanceof Step.Shipment s) {
      actor(s.destinationSite(), prefix + "shipment.destination_site");
    }
  }
}
