package io.packtrail.server.store;

import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.EnrollmentCode;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.MaterialLot;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.TradeInRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  default List<Unit> listUnits(LifecycleState state, String custodian, UnitLevel level,
      Chemistry chemistry, String afterCode, int limit) {
    return listUnits(state, custodian, level, chemistry, null, afterCode, limit);
  }

  /**
   * As above; {@code party} (an organisation name) keeps the units it is a party of (made,
   * recorded a step of, held, was sent: the access tiers of the authorization table).
   */
  List<Unit> listUnits(LifecycleState state, String custodian, UnitLevel level,
      Chemistry chemistry, String party, String afterCode, int limit);

  /** The organisations that are parties of a unit; none for a unit that does not exist. */
  Set<String> parties(String unitCode);

  /** Which of {@code unitCodes} the organisation is a party of. */
  Set<String> partyUnits(String organization, Collection<String> unitCodes);

  /**
   * Which of {@code lotIds} the organisation may read: it made the material lot or is a party of
   * one of the units it was made from (a lot that does not exist is none of them).
   */
  Set<String> partyLots(String organization, Collection<String> lotIds);

  /** The anomalies flagged on the given units, oldest first. */
  List<Anomaly> anomalies(Collection<String> unitCodes);

  /** The event recorded under a client-chosen id, if any. */
  Optional<Event> findEvent(UUID eventId);

  /** A unit's events with sequence above {@code afterSequence}, in order. */
  List<Event> listEvents(String unitCode, long afterSequence, int limit);

  /**
   * The events a query keeps with log index above {@code afterLogIndex}, in log order; {@code
   * party} (an organisation name, or null for all) keeps the units it is a party of.
   */
  List<Event> queryEvents(io.packtrail.server.domain.EventQuery query, String party,
      long afterLogIndex, int limit);

  /** The log index the next recorded event will get, as last committed. */
  long logHead();

  /** Events of the whole log from a log index on, in log order. */
  List<Event> listFromLogIndex(long start, int limit);

  /**
   * The lineage walked from a unit ({@code unitCode}) or a lot ({@code lotId}, the other null):
   * the root's details, then, as asked, the hops to its ancestors and to its descendants, to
   * {@code maxDepth} (0: any), each with the details of its far end and the far end's distance
   * from the root as its depth. One connection for the whole walk; nothing is walked from a root
   * that does not exist.
   */
  default LineageGraph.Walk lineageWalk(String unitCode, String lotId, boolean ancestors,
      boolean descendants, int maxDepth) {
    return lineageWalk(unitCode, lotId, ancestors, descendants, maxDepth, Integer.MAX_VALUE);
  }

  /**
   * As {@link #lineageWalk(String, String, boolean, boolean, int)}, following at most
   * {@code maxHops} links each way, nearest first; the walk says when it was cut there.
   */
  LineageGraph.Walk lineageWalk(String unitCode, String lotId, boolean ancestors,
      boolean descendants, int maxDepth, int maxHops);

  Optional<MaterialLot> findMaterialLot(String id);

  /**
   * Lots ordered by id; {@code unitCode} keeps those made from the unit or what it became, the
   * period [start, end) applies to the lot's event time, {@code party} keeps the lots that
   * organisation may read (made by it or from a unit it is a party of, as {@link #partyLots});
   * each filter applies when not null.
   */
  List<MaterialLot> listMaterialLots(String plantSite, String unitCode, MaterialProduct product,
      Instant start, Instant end, String party, String afterId, int limit);

  /** Codes of the packs a lot's inputs came from, at any depth, in code order. */
  List<String> sourcePacks(String lotId);

  /** Trade-ins recorded at a site in [start, end) (each bound optional), in log order. */
  List<TradeInRecord> listTradeIns(String site, Instant start, Instant end, long afterLogIndex,
      int limit);

  /**
   * What a site consumed and made in [start, end), summed up, read in one snapshot.
   *
   * @throws io.packtrail.server.domain.NotFoundException when the site does not exist
   */
  PlantFigures.Sums plantSums(String site, Instant start, Instant end);

  /**
   * Units per kind of step at the sites whose region code begins with {@code prefix}, and the
   * mass collected, received and recycled per city with a site in the region, over [start, end).
   */
  io.packtrail.server.domain.RegionalOverview.Steps regionSteps(String prefix, Instant start,
      Instant end);

  /** The region's dismantling lines and recycling plants. */
  List<io.packtrail.server.domain.Site> regionPlants(String prefix);

  /**
   * Steps that may have been reported late, in log order after {@code afterLogIndex}: of the
   * given kinds, dated in [start, end) and not before {@code reportingStart}, at the sites of a
   * region ({@code prefix}, null: any) or by an organisation (null: any), received more than
   * {@code minDays} calendar days after their event time (docs/deadlines.md).
   */
  List<io.packtrail.server.domain.DeadlineItems.StepRecord> lateCandidates(
      List<io.packtrail.server.domain.StepType> types, String prefix, String organization,
      Instant start, Instant end, Instant reportingStart, int minDays, long afterLogIndex,
      int limit);

  /**
   * Shipments, removals and recyclers' receipts whose expected next step may be overdue as of
   * {@code asOf} (missing more than {@code minDays} days after, or received later than that;
   * only the missing ones when {@code openOnly}); filters as {@link #lateCandidates}, region
   * and organisation of the party expected to report.
   */
  List<io.packtrail.server.domain.DeadlineItems.ExpectingStep> expectingCandidates(
      String prefix, String organization, Instant start, Instant end, Instant reportingStart,
      Instant asOf, boolean openOnly, int minDays, long afterLogIndex, int limit);

  /**
   * The late and overdue items over [start, end) judged by {@code deadlines} (its reporting
   * start included), counted in the database per organisation (late: the recording one;
   * overdue as of {@code asOf}: the party expected to report), with the candidates of the
   * first {@code first} items of each kind in log order; filters as {@link #lateCandidates} and
   * {@link #expectingCandidates}. One snapshot of the database.
   */
  io.packtrail.server.domain.DeadlineItems.Counted deadlineCounts(String prefix,
      String organization, Instant start, Instant end,
      io.packtrail.server.domain.ReportingDeadlines deadlines, Instant asOf, int first);

  /**
   * Stores an enrollment code unless its request id is taken; returns what is stored under the
   * request id (the caller compares).
   *
   * @throws io.packtrail.server.domain.NotFoundException when its site does not exist
   */
  EnrollmentCode createEnrollmentCode(EnrollmentCode wanted);

  /**
   * In one transaction: finds the code by its hash and locks it, lets the code decide
   * ({@link EnrollmentCode#admits}), stores the device and marks the code used by it. Answers
   * the stored device (for a retry of the same enrollment, the one stored before).
   *
   * @throws io.packtrail.server.domain.NotFoundException when the site does not exist
   * @param tlsKeySha256 the SHA-256 of the TLS public key the enrollment asks a certificate for,
   *     or null; kept with the code, and a retry must ask for the same
   * @throws io.packtrail.server.domain.FailedPreconditionException when the code is unknown,
   *     expired, used (by another enrollment, or by this one with another TLS key) or another
   *     site's
   * @throws io.packtrail.server.domain.AlreadyExistsException when the device name or the
   *     public key is enrolled already
   */
  Device enrollDevice(byte[] codeHash, Device wanted, byte[] tlsKeySha256, Instant now);

  Optional<Device> findDevice(String name);

  /**
   * The device as stored once any retirement of it in progress has committed: read after a
   * certificate was issued for it, an active answer means a later retirement revokes that
   * certificate too, and a retired one that the issuer must revoke it.
   */
  Optional<Device> findDeviceSettled(String name);

  /** A site's devices ordered by id. */
  List<Device> listDevices(String site, String afterId, int limit);

  /**
   * Retires the device if it is active; answers it as stored.
   *
   * @throws io.packtrail.server.domain.NotFoundException when it does not exist
   */
  Device retireDevice(String name, Instant now);
}
