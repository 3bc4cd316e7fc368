package io.packtrail.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.DeadlineItems;
import io.packtrail.server.domain.DeadlineItems.LateReport;
import io.packtrail.server.domain.DeadlineItems.OverdueReport;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ReportingDeadlines;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.WorkingCalendar;
import io.packtrail.server.store.JdbiStorage;
import io.packtrail.server.testing.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The region summary counted in SQL (Compliance.summary) against the per-item judgment of the
 * listings (Compliance.late and overdue, ReportingDeadlines in Java), item count for item count
 * and organisation by organisation, over a generated history written straight into the tables:
 * steps of every kind (corrections among them) by organisations of several roles in two
 * provinces, dated over the Spring Festival, its adjusted Saturdays, Qingming and National Day,
 * into 2027 (provisional deadlines) and from late 2025 (a year the calendar does not cover),
 * often within an hour of midnight in China; received on time, late, or one second either side
 * of the due time; units left in transit or removed and never collected. Compared for regions,
 * organisations, periods and reporting starts.
 */
class DeadlineCountsTest {
  static final Instant AS_OF = Instant.parse("2026-12-20T03:00:00Z");
  static final Instant FROM = Instant.parse("2025-11-20T00:00:00Z");
  static final Instant TO = Instant.parse("2027-01-31T00:00:00Z");

  /** Organisation id, roles, region of its site(s). */
  static final String[][] ORGS = {
      {"dealer", "DEALER", "620100"},
      {"outlet", "COLLECTION_OUTLET", "620100"},
      {"dismantler", "DISMANTLER", "620200"},
      {"cascade", "CASCADE_USER", "620500"},
      {"jinchang", "RECYCLER,DISMANTLER", "620300"},
      {"qinghai-recycler", "RECYCLER", "630100"},
      {"qinghai-outlet", "COLLECTION_OUTLET,CASCADE_USER", "630100"},
      {"maker", "BATTERY_MAKER,VEHICLE_MAKER", "620100"},
  };

  static TestDatabases.Fresh database;
  static JdbiStorage storage;
  static final List<String> sites = new ArrayList<>();

  @BeforeAll
  static void history() {
    database = TestDatabases.create("deadline_counts");
    storage = new JdbiStorage(database.database().jdbi());
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    database.database().jdbi().useTransaction(h -> {
      for (String[] o : ORGS) {
        h.execute("INSERT INTO organization (id, display_name, roles, region_code, create_time) "
            + "VALUES (?, ?, ?, ?, ?)", o[0], o[0], o[1].split(","), o[2], t0);
        h.execute("INSERT INTO site (organization_id, id, display_name, kind, region_code, "
            + "create_time) VALUES (?, 'main', 'main', 'WAREHOUSE', ?, ?)", o[0], o[2], t0);
        sites.add("organizations/" + o[0] + "/sites/main");
      }
      // the Qinghai outlet has a second site in Gansu: an organisation in two provinces
      h.execute("INSERT INTO site (organization_id, id, display_name, kind, region_code, "
          + "create_time) VALUES ('qinghai-outlet', 'lanzhou', 'Lanzhou', 'WAREHOUSE', "
          + "'620100', ?)", t0);
      sites.add("organizations/qinghai-outlet/sites/lanzhou");

      Random random = new Random(20261129);
      ReportingDeadlines java = new ReportingDeadlines(WorkingCalendar.chinaDefault(), null);
      StepType[] kinds = StepType.values();
      record Row(String unit, long sequence, String type, Instant event, Instant record,
          String site) {}
      List<Row> rows = new ArrayList<>();
      PreparedBatch units = h.prepareBatch("INSERT INTO unit (code, level, chemistry, "
          + "rated_energy_kwh, rated_capacity_ah, nominal_voltage_v, mass_kg, maker, state, "
          + "shipment_destination, event_count, head_hash, create_time, update_time, "
          + "last_event_time) VALUES (?, 'PACK', 'LFP', 60, 150, 400, 380, "
          + "'organizations/maker', 'REGISTERED', ?, ?, ?, ?, ?, ?)");
      for (int u = 0; u < 400; u++) {
        String code = String.format("U%05d", u);
        int n = 1 + random.nextInt(9);
        Instant event = FROM.plus(Duration.ofHours(random.nextInt(24 * 400)));
        Instant lastRecord = Instant.EPOCH;
        for (int k = 1; k <= n; k++) {
          StepType type;
          int pick = random.nextInt(20);
          // hand-overs often, corrections now and then, then anything
          type = pick < 4 ? StepType.SHIPMENT : pick < 6 ? StepType.RECEIPT
              : pick < 8 ? StepType.REMOVAL : pick < 10 ? StepType.CORRECTION
              : kinds[random.nextInt(kinds.length)];
          if (k > 1) {
            event = event.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 25)));
          }
          if (random.nextInt(3) == 0) { // within an hour of midnight in China
            LocalDate day = event.atOffset(ReportingDeadlines.CHINA).toLocalDate();
            event = day.plusDays(1).atStartOfDay().toInstant(ReportingDeadlines.CHINA)
                .plusSeconds(random.nextInt(7200) - 3600);
          }
          String site = sites.get(random.nextInt(sites.size()));
          Instant record;
          int delay = random.nextInt(10);
          if (delay < 4) {
            record = event.plusSeconds(60 + random.nextInt(3600));
          } else if (delay < 7) {
            record = event.plus(Duration.ofHours(random.nextInt(24 * 80)));
          } else {
            // one second either side of a 15 or 30 working-day due time
            int days = random.nextBoolean() ? 15 : 30;
            Instant due = java.deadline(new ReportingDeadlines.Rule(null, null, null, days, ""),
                event).dueTime();
            record = due.plusSeconds(random.nextBoolean() ? 0 : -1);
          }
          if (!record.isAfter(lastRecord)) {
            record = lastRecord.plusSeconds(1);
          }
          lastRecord = record;
          rows.add(new Row(code, k, type.key(), event, record, site));
        }
        String destination = sites.get(random.nextInt(sites.size()));
        units.add(code, random.nextInt(5) == 0 ? null : destination, n, new byte[32], t0, t0,
            event);
      }
      units.execute();
      rows.sort((a, b) -> a.record().compareTo(b.record()));
      PreparedBatch events = h.prepareBatch("INSERT INTO event (event_id, unit_code, sequence, "
          + "log_index, type, event_time, record_time, actor_organization, actor_site, "
          + "canonical, previous_hash, hash, request_digest) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      long index = 1000;
      for (Row r : rows) {
        String org = r.site().substring(0, r.site().indexOf("/sites/"));
        events.add(UUID.randomUUID(), r.unit(), r.sequence(), index++, r.type(), r.event(),
            r.record(), org, r.site(), new byte[0], new byte[32], new byte[32], new byte[32]);
      }
      events.execute();
    });
    database.database().jdbi().useHandle(h -> h.execute("ANALYZE"));
  }

  @AfterAll
  static void close() {
    database.close();
  }

  static Compliance compliance(Instant reportingStart) {
    return new Compliance(storage, new ReportingDeadlines(WorkingCalendar.chinaDefault(),
        reportingStart), Clock.fixed(AS_OF, ZoneOffset.UTC));
  }

  /** The reference: every item listed by the Java path, counted per organisation. */
  static DeadlineItems.RegionSummary judgedInJava(Compliance c, String region, String org,
      Instant start, Instant end) {
    Compliance.Filter f = new Compliance.Filter(region, org, start, end);
    List<LateReport> late = c.late(Principal.LOCAL, f, -1, Integer.MAX_VALUE);
    List<OverdueReport> overdue = c.overdue(Principal.LOCAL, f, false, -1, Integer.MAX_VALUE);
    Map<String, long[]> byOrg = new TreeMap<>();
    late.forEach(l -> byOrg.computeIfAbsent(l.step().organization(), o -> new long[3])[0]++);
    overdue.forEach(o -> byOrg.computeIfAbsent(o.trigger().partyOrganization(),
        x -> new long[3])[o.open() ? 1 : 2]++);
    List<DeadlineItems.OrganizationCounts> orgs = new ArrayList<>();
    byOrg.forEach((o, n) -> orgs.add(new DeadlineItems.OrganizationCounts(o, n[0], n[1], n[2])));
    return new DeadlineItems.RegionSummary(late.size(),
        overdue.stream().filter(OverdueReport::open).count(),
        overdue.stream().filter(o -> !o.open()).count(), orgs,
        late.subList(0, Math.min(Compliance.OVERVIEW_ITEMS, late.size())),
        overdue.subList(0, Math.min(Compliance.OVERVIEW_ITEMS, overdue.size())), "", null);
  }

  @Test
  void theSqlSummaryCountsWhatTheJavaJudgmentLists() {
    Instant springFestival = LocalDate.parse("2026-02-10").atStartOfDay()
        .toInstant(ReportingDeadlines.CHINA);
    List<Instant[]> periods = List.of(new Instant[] {FROM, TO},
        new Instant[] {springFestival, Instant.parse("2026-10-09T16:00:00Z")},
        new Instant[] {Instant.parse("2026-04-03T15:59:59Z"),
            Instant.parse("2026-05-10T07:30:00Z")});
    List<Instant> starts = Arrays.asList(null, LocalDate.parse("2026-03-01").atStartOfDay()
        .toInstant(ReportingDeadlines.CHINA));
    int compared = 0;
    long items = 0;
    boolean sawOpen = false;
    boolean sawRecordedLate = false;
    for (Instant reportingStart : starts) {
      Compliance c = compliance(reportingStart);
      for (String region : Arrays.asList(null, "620000", "620100", "620300", "630000",
          "630100", "110000")) {
        for (String org : Arrays.asList(null, "organizations/jinchang",
            "organizations/qinghai-outlet", "organizations/dealer")) {
          for (Instant[] p : periods) {
            String what = "region " + region + ", " + org + ", " + p[0] + " .. " + p[1]
                + ", reporting start " + reportingStart;
            DeadlineItems.RegionSummary java = judgedInJava(c, region, org, p[0], p[1]);
            DeadlineItems.RegionSummary sql = c.summary(region, org, p[0], p[1]);
            assertEquals(java.organizations(), sql.organizations(), what);
            assertEquals(java.late(), sql.late(), what);
            assertEquals(java.overdueOpen(), sql.overdueOpen(), what);
            assertEquals(java.overdueFulfilledLate(), sql.overdueFulfilledLate(), what);
            assertEquals(java.latest(), sql.latest(), what);
            assertEquals(java.overdue(), sql.overdue(), what);
            items += java.late() + java.overdueOpen() + java.overdueFulfilledLate();
            sawOpen |= java.overdueOpen() > 0;
            sawRecordedLate |= java.overdueFulfilledLate() > 0;
            compared++;
          }
        }
      }
    }
    assertEquals(2 * 7 * 4 * 3, compared);
    assertTrue(items > 1000, "the history has many items: " + items);
    assertTrue(sawOpen && sawRecordedLate, "both kinds of overdue items");
    // the whole history: every kind of item, and more than a page of each
    DeadlineItems.RegionSummary all = compliance(null).summary(null, null, FROM, TO);
    assertTrue(all.late() > Compliance.OVERVIEW_ITEMS, "late " + all.late());
    assertEquals(Compliance.OVERVIEW_ITEMS, all.latest().size());
    assertEquals(Compliance.OVERVIEW_ITEMS, all.overdue().size());
  }

  @Test
  void thePeriodsEdgesAndTheOnTimeBoundaryAreTheJavaOnes() {
    // a period that begins or ends one second either side of a step: the same items both ways
    Compliance c = compliance(null);
    List<Instant> times = database.database().jdbi().withHandle(h -> h.createQuery(
        "SELECT event_time FROM event WHERE type IN ('shipment', 'sale', 'receipt') "
            + "ORDER BY log_index LIMIT 12").mapTo(Instant.class).list());
    for (Instant t : times) {
      for (Instant[] p : List.of(new Instant[] {t, TO}, new Instant[] {t.plusSeconds(1), TO},
          new Instant[] {FROM, t}, new Instant[] {FROM, t.plusSeconds(1)})) {
        DeadlineItems.RegionSummary java = judgedInJava(c, "620000", null, p[0], p[1]);
        DeadlineItems.RegionSummary sql = c.summary("620000", null, p[0], p[1]);
        assertEquals(java.organizations(), sql.organizations(), p[0] + " .. " + p[1]);
      }
    }
    // a period with no event at all
    Instant later = Instant.parse("2031-01-01T00:00:00Z");
    DeadlineItems.RegionSummary none = c.summary("620000", null, later,
        later.plusSeconds(86_400));
    assertEquals(0, none.late() + none.overdueOpen() + none.overdueFulfilledLate());
    assertEquals(List.of(), none.organizations());
  }
}
