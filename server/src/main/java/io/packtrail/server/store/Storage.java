package io.packtrail.server.store;

import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the application services read and write, apart from the ingest path (which stays on
 * {@link IngestStore}, two round trips per batch). Every implementation passes the contract
 * test StorageContract. Listings are in key order, continue after the given key (null: from
 * the start) and return at most {@code limit} items; a null filter does not filter.
 */
public interface Storage {

  /**
   * Stores the organisation unless its id is taken; returns what is stored under the id (the
   * given one, or the earlier one, which the caller compares).
   */
  Organization createOrganization(Organization wanted);

  Optional<Organization> findOrganization(String id);

  /** Ordered by id; {@code regionPrefix} matches region codes that start with it. */
  List<Organization> listOrganizations(OrganizationRole role, String regionPrefix, String afterId,
      int limit);

  /**
   * Stores the site unless its name is taken; returns what is stored under the name.
   *
   * @throws io.packtrail.server.domain.NotFoundException when its organisation does not exist
   */
  Site createSite(Site wanted);

  Optional<Site> findSite(String name);

  /** Ordered by name; sites of one organisation, or of all when {@code organizationId} is null. */
  List<Site> listSites(String organizationId, String afterName, int limit);

  Optional<Unit> findUnit(String code);

  /** Ordered by code; {@code custodian} is an organisation name. */
  List<Unit> listUnits(LifecycleState state, String custodian, UnitLevel level,
      Chemistry chemistry, String afterCode, int limit);

  /** The anomalies flagged on the given units, oldest first. */
  List<Anomaly> anomalies(Collection<String> unitCodes);

  /** The event recorded under a client-chosen id, if any. */
  Optional<Event> findEvent(UUID eventId);

  /** A unit's events with sequence above {@code afterSequence}, in order. */
  List<Event> listEvents(String unitCode, long afterSequence, int limit);

  /** The log index the next recorded event will get, as last committed. */
  long logHead();

  /** Events of the whole log from a log index on, in log order. */
  List<Event> listFromLogIndex(long start, int limit);
}
