package io.packtrail.server.store;

import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.EnrollmentCode;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.MaterialLot;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.TradeInRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** {@link Storage} on PostgreSQL through the DAOs; SQL in resources/.../store/{Dao}/. */
public final class JdbiStorage implements Storage {
  private final Jdbi jdbi;

  public JdbiStorage(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public Organization createOrganization(Organization wanted) {
    return jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      OrganizationDao dao = h.attach(OrganizationDao.class);
      boolean created = dao.insertIfAbsent(wanted);
      Organization stored = dao.find(wanted.id()).orElseThrow();
      if (created) {
        log.append(index -> RegistryEntry.organization(index, stored));
      }
      return stored;
    });
  }

  @Override
  public Optional<Organization> findOrganization(String id) {
    return jdbi.withExtension(OrganizationDao.class, dao -> dao.find(id));
  }

  @Override
  public List<Organization> listOrganizations(OrganizationRole role, String regionPrefix,
      String afterId, int limit) {
    return jdbi.withExtension(OrganizationDao.class,
        dao -> dao.list(afterId, role, regionPrefix, limit));
  }

  @Override
  public Site createSite(Site wanted) {
    return jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      if (h.attach(OrganizationDao.class).find(wanted.organizationId()).isEmpty()) {
        throw new NotFoundException(wanted.organizationName(),
            "organization (parent)");
      }
      SiteDao dao = h.attach(SiteDao.class);
      boolean created = dao.insertIfAbsent(wanted);
      Site stored = dao.find(wanted.name()).orElseThrow();
      if (created) {
        log.append(index -> RegistryEntry.site(index, stored));
      }
      return stored;
    });
  }

  @Override
  public Optional<Site> findSite(String name) {
    return jdbi.withExtension(SiteDao.class, dao -> dao.find(name));
  }

  @Override
  public List<Site> listSites(String organizationId, String afterName, int limit) {
    return jdbi.withExtension(SiteDao.class, dao -> dao.list(organizationId, afterName, limit));
  }

  @Override
  public Optional<Unit> findUnit(String code) {
    return jdbi.withExtension(UnitDao.class, dao -> dao.find(code));
  }

  @Override
  public List<Unit> listUnits(LifecycleState state, String custodian, UnitLevel level,
      Chemistry chemistry, String party, String afterCode, int limit) {
    return jdbi.withExtension(UnitDao.class, dao -> party == null
        ? dao.list(afterCode, name(state), custodian, name(level), name(chemistry), limit)
        : dao.listForParty(party, afterCode, name(state), custodian, name(level),
            name(chemistry), limit));
  }

  @Override
  public Set<String> parties(String unitCode) {
    return Set.copyOf(jdbi.withExtension(UnitDao.class, dao -> dao.parties(unitCode)));
  }

  @Override
  public Set<String> partyUnits(String organization, Collection<String> unitCodes) {
    if (unitCodes.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(jdbi.withExtension(UnitDao.class,
        dao -> dao.partyUnits(organization, unitCodes.toArray(String[]::new))));
  }

  @Override
  public Set<String> partyLots(String organization, Collection<String> lotIds) {
    if (lotIds.isEmpty()) {
      return Set.of();
    }
    return Set.copyOf(jdbi.withExtension(LineageDao.class,
        dao -> dao.partyLots(organization, lotIds.toArray(String[]::new))));
  }

  @Override
  public List<Anomaly> anomalies(Collection<String> unitCodes) {
    return jdbi.withExtension(UnitDao.class,
        dao -> dao.anomalies(unitCodes.toArray(String[]::new)));
  }

  @Override
  public Optional<Event> findEvent(UUID eventId) {
    return jdbi.withExtension(EventDao.class, dao -> dao.findById(eventId));
  }

  /**
   * {@link EventDao#listForUnit}'s statement (its file, read as the DAO's annotation reads it),
   * run on a handle without attaching the DAO: the attach (finding the extension, building its
   * method handlers, binding the annotations) was a fifth of a {@code ListEvents} call's CPU.
   * The statement customizers apply as to every statement.
   */
  private static final String LIST_FOR_UNIT =
      org.jdbi.v3.core.locator.ClasspathSqlLocator.removingComments().locate(EventDao.class,
          "listForUnit");
  private static final Rows.EventMapper EVENTS = new Rows.EventMapper();

  @Override
  public List<Event> listEvents(String unitCode, long afterSequence, int limit) {
    return jdbi.withHandle(h -> h.createQuery(LIST_FOR_UNIT).bind("code", unitCode)
        .bind("afterSequence", afterSequence).bind("limit", limit).map(EVENTS).list());
  }

  @Override
  public List<Event> queryEvents(io.packtrail.server.domain.EventQuery q, String party,
      long afterLogIndex, int limit) {
    java.util.function.Function<java.util.Collection<String>, String[]> array =
        c -> c.isEmpty() ? null : c.toArray(String[]::new);
    String[] regions = array.apply(q.regionPrefixes().stream().map(p -> p + "%").toList());
    String[] units = array.apply(q.unitCodes());
    String[] organizations = array.apply(q.of(
        io.packtrail.server.domain.EventQuery.Field.ACTOR_ORGANIZATION));
    String[] sites = array.apply(q.of(io.packtrail.server.domain.EventQuery.Field.ACTOR_SITE));
    String[] types = array.apply(q.of(io.packtrail.server.domain.EventQuery.Field.TYPE));
    java.time.Instant startIn = q.startInclusive() ? q.start() : null;
    java.time.Instant startEx = q.startInclusive() ? null : q.start();
    java.time.Instant endIn = q.endInclusive() ? q.end() : null;
    java.time.Instant endEx = q.endInclusive() ? null : q.end();
    return jdbi.withExtension(EventDao.class, dao -> party == null
        ? dao.query(units, organizations, sites, types, regions, startIn, startEx, endIn, endEx,
            afterLogIndex, limit)
        : dao.queryParty(units, organizations, sites, types, regions, startIn, startEx, endIn,
            endEx, party, afterLogIndex, limit));
  }

  @Override
  public long logHead() {
    return jdbi.withExtension(LogHeadDao.class, LogHeadDao::currentNextIndex);
  }

  @Override
  public List<Event> listFromLogIndex(long start, int limit) {
    return jdbi.withExtension(EventDao.class, dao -> dao.listFromLogIndex(start, limit));
  }

  @Override
  public LineageGraph.Walk lineageWalk(String unitCode, String lotId, boolean ancestors,
      boolean descendants, int maxDepth, int maxHops) {
    // one handle for the three statements: a handle and its SQL object cost a millisecond or
    // two each, which a 1,000-node lineage notices (docs/benchmarks.md)
    return jdbi.withHandle(h -> {
      LineageDao dao = h.attach(LineageDao.class);
      List<LineageGraph.Node> root = unitCode != null ? dao.unitNodes(new String[] {unitCode})
          : dao.lotNodes(new String[] {lotId});
      if (root.isEmpty()) {
        return new LineageGraph.Walk(null, List.of(), List.of());
      }
      List<LineageGraph.Hop> up = ancestors ? dao.ancestorEdges(unitCode, lotId, maxDepth,
          maxHops) : List.of();
      List<LineageGraph.Hop> down = descendants && unitCode != null
          ? dao.descendantEdges(unitCode, maxDepth, maxHops) : List.of();
      return new LineageGraph.Walk(root.get(0), up, down,
          LineageGraph.Walk.cut(up, maxHops) || LineageGraph.Walk.cut(down, maxHops));
    });
  }

  @Override
  public Optional<MaterialLot> findMaterialLot(String id) {
    return jdbi.withExtension(LineageDao.class, dao -> dao.findLot(id));
  }

  @Override
  public List<MaterialLot> listMaterialLots(String plantSite, String unitCode,
      MaterialProduct product, Instant start, Instant end, String party, String afterId,
      int limit) {
    return jdbi.withExtension(LineageDao.class, dao -> dao.listLots(plantSite, unitCode,
        name(product), start, end, party, afterId, limit));
  }

  @Override
  public List<String> sourcePacks(String lotId) {
    return jdbi.withExtension(LineageDao.class, dao -> dao.sourcePacks(lotId));
  }

  @Override
  public List<TradeInRecord> listTradeIns(String site, Instant start, Instant end,
      long afterLogIndex, int limit) {
    return jdbi.withExtension(LineageDao.class,
        dao -> dao.tradeIns(site, start, end, afterLogIndex, limit));
  }

  @Override
  public PlantFigures.Sums plantSums(String site, Instant start, Instant end) {
    return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
      customPlans(h);
      LineageDao dao = h.attach(LineageDao.class);
      double capacity = dao.siteCapacity(site)
          .orElseThrow(() -> new NotFoundException(site, "site"));
      LineageDao.LotSums lots = dao.plantLots(site, start, end);
      double residue = dao.plantDismantlings(site, start, end).stream()
          .mapToDouble(e -> ((Step.Dismantling) e.step()).residueKg()).sum();
      List<LineageDao.PlantMass> mass = dao.plantMass(site, start, end);
      return new PlantFigures.Sums(
          mass.stream().filter(LineageDao.PlantMass::input).map(LineageDao.PlantMass::mass)
              .toList(),
          lots.elements(), lots.massKg(), lots.feed(), residue,
          mass.stream().filter(m -> !m.input()).mapToDouble(m -> m.mass().massKg()).sum(),
          capacity > 0 ? capacity : null);
    });
  }

  /**
   * Plans the transaction's statements for their parameters each time. The period statements
   * of the overview and the plant figures need it: the generic plan PostgreSQL adopts for a
   * statement prepared on a connection (after five executions) cannot know how much of the
   * event table a period covers, and at 10 million events it scanned it (the overview's steps:
   * 6-7 s instead of 10-20 ms; a plant's mass: over 12 s instead of 3 s).
   */
  private static void customPlans(org.jdbi.v3.core.Handle h) {
    h.execute("SET LOCAL plan_cache_mode = force_custom_plan");
  }

  @Override
  public io.packtrail.server.domain.RegionalOverview.Steps regionSteps(String prefix,
      Instant start, Instant end) {
    // the whole UTC days of the period come counted ahead (region_day_count); the partial first
    // and last days from the events
    Instant startDay = start.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    Instant wholeFrom = startDay.isBefore(start) ? startDay.plus(java.time.Duration.ofDays(1))
        : startDay;
    Instant lastDay = end.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    Instant wholeTo = lastDay.isAfter(wholeFrom) ? lastDay : wholeFrom;
    Instant headEnd = wholeFrom.isBefore(end) ? wholeFrom : end;
    List<RegionDao.StepRow> rows = jdbi.inTransaction(h -> {
      customPlans(h);
      return h.attach(RegionDao.class).steps(prefix, start, headEnd, wholeFrom, wholeTo, end);
    });
    Map<String, Long> units = new HashMap<>();
    Map<String, double[]> cities = new java.util.TreeMap<>();
    for (RegionDao.StepRow r : rows) {
      double[] mass = cities.computeIfAbsent(r.city(), c -> new double[3]);
      if (r.counter() == null) {
        continue;
      }
      units.merge(r.counter(), r.units(), Long::sum);
      switch (r.counter()) {
        case "collected" -> mass[0] += r.massKg();
        case "received" -> mass[1] += r.massKg();
        case "recycled" -> mass[2] += r.massKg();
        default -> { }
      }
    }
    var counts = new io.packtrail.server.domain.RegionalOverview.StepCounts(
        units.getOrDefault("sold", 0L), units.getOrDefault("removed", 0L),
        units.getOrDefault("collected", 0L), units.getOrDefault("shipped", 0L),
        units.getOrDefault("received", 0L), units.getOrDefault("graded", 0L),
        units.getOrDefault("dismantled", 0L), units.getOrDefault("repurposed", 0L),
        units.getOrDefault("deployed", 0L), units.getOrDefault("recycled", 0L));
    List<io.packtrail.server.domain.RegionalOverview.CityTonnage> tonnage = new ArrayList<>();
    cities.forEach((city, m) -> tonnage.add(
        new io.packtrail.server.domain.RegionalOverview.CityTonnage(city,
            io.packtrail.server.domain.RegionCodes.name(city), m[0], m[1], m[2])));
    return new io.packtrail.server.domain.RegionalOverview.Steps(counts, tonnage);
  }

  @Override
  public List<io.packtrail.server.domain.Site> regionPlants(String prefix) {
    return jdbi.withExtension(RegionDao.class, dao -> dao.plants(prefix));
  }

  @Override
  public List<io.packtrail.server.domain.DeadlineItems.StepRecord> lateCandidates(
      List<io.packtrail.server.domain.StepType> types, String prefix, String organization,
      Instant start, Instant end, Instant reportingStart, int minDays, long afterLogIndex,
      int limit) {
    String[] keys = types.stream().map(io.packtrail.server.domain.StepType::key)
        .toArray(String[]::new);
    return jdbi.inTransaction(h -> {
      customPlans(h);
      return h.attach(ComplianceDao.class).lateCandidates(keys, prefix, organization, start, end,
          reportingStart, minDays, afterLogIndex, null, limit);
    });
  }

  @Override
  public List<io.packtrail.server.domain.DeadlineItems.ExpectingStep> expectingCandidates(
      String prefix, String organization, Instant start, Instant end, Instant reportingStart,
      Instant asOf, boolean openOnly, int minDays, long afterLogIndex, int limit) {
    return jdbi.inTransaction(h -> {
      customPlans(h); // a walk in log order with a limit; a generic plan would hash it all
      return h.attach(ComplianceDao.class).expectingCandidates(prefix, organization, start, end,
          reportingStart, asOf, openOnly, minDays, afterLogIndex, null, limit);
    });
  }

  @Override
  public io.packtrail.server.domain.DeadlineItems.Counted deadlineCounts(String prefix,
      String organization, Instant start, Instant end,
      io.packtrail.server.domain.ReportingDeadlines deadlines, Instant asOf, int first) {
    Instant reportingStart = deadlines.reportingStart() == null ? Instant.EPOCH
        : deadlines.reportingStart();
    // one snapshot: the organisations the tables are made for, the counts and the first items
    return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
      customPlans(h); // the counts read partial indexes chosen by the period's bounds
      // the hand-overs are sorted by unit before their next steps are looked up (a province's
      // year: hundreds of thousands of rows); in memory rather than in temporary files
      h.execute("SET LOCAL work_mem = '64MB'");
      ComplianceDao dao = h.attach(ComplianceDao.class);
      ComplianceDao.Bounds bounds = dao.eventTimeBounds(start, end, reportingStart);
      if (bounds.first() == null) {
        return new io.packtrail.server.domain.DeadlineItems.Counted(List.of(), List.of(),
            List.of());
      }
      Map<String, Set<OrganizationRole>> roles = new java.util.TreeMap<>();
      dao.organizationRoles().forEach(e -> roles.put(e.getKey(), e.getValue()));
      var tables = io.packtrail.server.domain.DeadlineTables.of(deadlines, roles,
          io.packtrail.server.domain.ReportingDeadlines.day(bounds.first()),
          io.packtrail.server.domain.ReportingDeadlines.day(bounds.last()));
      Map<String, long[]> byOrg = new java.util.TreeMap<>();
      List<Long> lateIds = new ArrayList<>();
      for (ComplianceDao.CountRow r : dao.lateCounts(tables, prefix, organization, start, end,
          reportingStart, first)) {
        if (r.organization() == null) {
          lateIds.add(r.logIndex());
        } else {
          byOrg.computeIfAbsent(r.organization(), o -> new long[3])[0] += r.first();
        }
      }
      List<Long> overdueIds = new ArrayList<>();
      for (ComplianceDao.CountRow r : dao.overdueCounts(tables, prefix, organization, start,
          end, reportingStart, asOf, first)) {
        if (r.organization() == null) {
          overdueIds.add(r.logIndex());
        } else {
          long[] c = byOrg.computeIfAbsent(r.organization(), o -> new long[3]);
          c[1] += r.first();
          c[2] += r.second();
        }
      }
      List<io.packtrail.server.domain.DeadlineItems.OrganizationCounts> orgs = new ArrayList<>();
      byOrg.forEach((o, c) -> orgs.add(
          new io.packtrail.server.domain.DeadlineItems.OrganizationCounts(o, c[0], c[1], c[2])));
      String[] keys = io.packtrail.server.domain.ReportingDeadlines.judgedSteps().stream()
          .map(io.packtrail.server.domain.StepType::key).toArray(String[]::new);
      int minDays = io.packtrail.server.domain.ReportingDeadlines.MIN_WORKING_DAYS;
      var firstLate = lateIds.isEmpty() ? List.<io.packtrail.server.domain.DeadlineItems
          .StepRecord>of() : dao.lateCandidates(keys, prefix, organization, start, end,
              reportingStart, minDays, -1, ids(lateIds), lateIds.size());
      var firstOverdue = overdueIds.isEmpty() ? List.<io.packtrail.server.domain.DeadlineItems
          .ExpectingStep>of() : dao.expectingCandidates(prefix, organization, start, end,
              reportingStart, asOf, false, minDays, -1, ids(overdueIds), overdueIds.size());
      return new io.packtrail.server.domain.DeadlineItems.Counted(orgs, firstLate,
          firstOverdue);
    });
  }

  private static long[] ids(List<Long> ids) {
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  @Override
  public EnrollmentCode createEnrollmentCode(EnrollmentCode wanted) {
    return jdbi.inTransaction(h -> {
      if (h.attach(SiteDao.class).find(wanted.site()).isEmpty()) {
        throw new NotFoundException(wanted.site(), "site (parent)");
      }
      DeviceDao dao = h.attach(DeviceDao.class);
      dao.insertCode(wanted.requestId(), wanted.site(), wanted.codeHash(), wanted.createTime(),
          wanted.expireTime());
      return dao.findCode(wanted.requestId()).orElseThrow();
    });
  }

  @Override
  public Device enrollDevice(byte[] codeHash, Device wanted, byte[] tlsKeySha256, Instant now) {
    return jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      if (h.attach(SiteDao.class).find(wanted.site()).isEmpty()) {
        throw new NotFoundException(wanted.site(), "site (parent)");
      }
      DeviceDao dao = h.attach(DeviceDao.class);
      EnrollmentCode code = dao.lockCodeByHash(codeHash)
          .orElseThrow(() -> EnrollmentCode.unknown(wanted.site()));
      Device existing = code.usedBy() == null ? null : dao.find(code.usedBy()).orElse(null);
      if (!code.admits(wanted.site(), wanted, existing, now)) {
        // a retry asks for the certificate of the key the enrollment asked for, or for none
        // (a retired device's retry is refused for its retirement by the caller)
        if (existing.active() && !dao.sameTlsKey(code.requestId(), tlsKeySha256)) {
          throw code.retriedWithAnotherTlsKey();
        }
        return existing;
      }
      if (dao.insertDevice(wanted.site(), wanted.id(), wanted.displayName(), wanted.publicKey(),
          code.requestId(), now) == 0) {
        if (dao.find(wanted.name()).isPresent()) {
          throw new AlreadyExistsException(wanted.name(), wanted.name() + " is enrolled already "
              + "(with another enrollment code); choose another device_id");
        }
        String owner = dao.findByKey(wanted.publicKey()).map(Device::name).orElse("a device");
        throw new AlreadyExistsException(owner, "public_key is enrolled already as " + owner
            + "; every device makes a key pair of its own");
      }
      dao.useCode(code.requestId(), wanted.name(), tlsKeySha256, now);
      Device enrolled = dao.find(wanted.name()).orElseThrow();
      log.append(index -> RegistryEntry.deviceEnrollment(index, enrolled));
      return enrolled;
    });
  }

  @Override
  public Optional<Device> findDevice(String name) {
    return jdbi.withExtension(DeviceDao.class, dao -> dao.find(name));
  }

  @Override
  public Optional<Device> findDeviceSettled(String name) {
    return jdbi.inTransaction(h -> h.attach(DeviceDao.class).findSettled(name));
  }

  @Override
  public List<Device> listDevices(String site, String afterId, int limit) {
    return jdbi.withExtension(DeviceDao.class, dao -> dao.list(site, afterId, limit));
  }

  @Override
  public Device retireDevice(String name, Instant now) {
    return jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      DeviceDao dao = h.attach(DeviceDao.class);
      boolean retired = dao.retire(name, now) == 1;
      Device stored = dao.find(name).orElseThrow(() -> new NotFoundException(name, "device"));
      if (retired) {
        log.append(index -> RegistryEntry.deviceRetirement(index, stored));
        // its mutual-TLS certificates go with it, in the same transaction
        h.attach(CertificateDao.class).revokeDevice(name, now, "device retired");
      }
      return stored;
    });
  }

  private static String name(Enum<?> e) {
    return e == null ? null : e.name();
  }
}
