package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.ReportScenario;
import io.packtrail.server.testing.ServerHarness;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The regional overview's steps read with the whole days counted ahead (region_day_count, kept by
 * the integrator) are the steps counted from the events themselves: for periods with partial
 * first and last days, whole days only, and within one day, with nothing, half or all of the log
 * integrated. Each state is set up in a transaction that is rolled back.
 */
class RegionDayCountsTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  static List<Instant> times;
  static long logSize;

  @BeforeAll
  static void setUp() {
    ReportScenario.create(harness.client());
    times = harness.jdbi().withHandle(h -> h.createQuery(
        "SELECT DISTINCT event_time FROM event ORDER BY event_time").mapTo(Instant.class).list());
    logSize = harness.jdbi().withHandle(h -> h.createQuery(
        "SELECT next_index FROM log_head").mapTo(Long.class).one());
  }

  /** The reference: every event of the period counted from region_step, as before V17. */
  static List<RegionDao.StepRow> counted(Handle h, String prefix, Instant start, Instant end) {
    return h.createQuery("""
        SELECT substr(s.region_code, 1, 4) || '00' AS city, r.counter,
               count(r.counter) AS units,
               CAST(coalesce(sum(r.mass_kg::numeric), 0) AS double precision) AS mass_kg
        FROM site s
        LEFT JOIN region_step r ON r.site = s.name AND r.counter IS NOT NULL
            AND r.event_time >= :start AND r.event_time < :end
        WHERE s.region_code LIKE :prefix || '%'
        GROUP BY 1, 2
        ORDER BY 1, 2
        """).bind("prefix", prefix).bind("start", start).bind("end", end)
        .map((rs, ctx) -> new RegionDao.StepRow(rs.getString(1), rs.getString(2), rs.getLong(3),
            rs.getDouble(4))).list();
  }

  /** Periods whose ends fall between events, on midnights, and inside one day. */
  static List<Instant[]> periods() {
    List<Instant[]> periods = new ArrayList<>();
    Instant first = times.get(0);
    Instant last = times.get(times.size() - 1);
    Duration hour = Duration.ofHours(1);
    periods.add(new Instant[] {first.minus(Duration.ofDays(1)), last.plus(hour)});
    for (int i = 0; i + 3 < times.size(); i += 3) {
      Instant a = times.get(i);
      Instant b = times.get(i + 3);
      periods.add(new Instant[] {a.minus(hour), b.plus(hour)});
      periods.add(new Instant[] {a.plusSeconds(1), b.plusSeconds(1)});
      periods.add(new Instant[] {a.truncatedTo(ChronoUnit.DAYS),
          b.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1))});
      periods.add(new Instant[] {a.minus(hour), a.plus(hour)});
    }
    return periods;
  }

  @Test
  void theCountsAheadAndTheRestAddUpToEveryEventOfThePeriod() {
    assertTrue(times.size() > 10, "the scenario has events on many days");
    int compared = 0;
    long aheadUnits = 0;
    for (long integrated : new long[] {0, logSize / 2, logSize}) {
      for (String prefix : List.of("620000", "620100", "620300")) {
        for (Instant[] p : periods()) {
          harness.jdbi().useTransaction(h -> {
            // the state of an integrator that has reached `integrated`
            h.execute("UPDATE log_integration SET tree_size = ? WHERE id = 1", integrated);
            h.execute("DELETE FROM region_day_count");
            h.attach(RegionDao.class).countDays(0, integrated);
            Instant headEnd = p[0].truncatedTo(ChronoUnit.DAYS).equals(p[0]) ? p[0]
                : p[0].truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
            Instant wholeFrom = headEnd;
            Instant lastDay = p[1].truncatedTo(ChronoUnit.DAYS);
            Instant wholeTo = lastDay.isAfter(wholeFrom) ? lastDay : wholeFrom;
            headEnd = wholeFrom.isBefore(p[1]) ? wholeFrom : p[1];
            List<RegionDao.StepRow> read = h.attach(RegionDao.class).steps(prefix, p[0],
                headEnd, wholeFrom, wholeTo, p[1]);
            assertEquals(counted(h, prefix, p[0], p[1]), read,
                prefix + " over " + p[0] + " .. " + p[1] + ", integrated " + integrated);
            h.rollback();
          });
          compared++;
        }
      }
      aheadUnits += harness.jdbi().inTransaction(h -> {
        h.execute("UPDATE log_integration SET tree_size = ? WHERE id = 1", integrated);
        h.execute("DELETE FROM region_day_count");
        h.attach(RegionDao.class).countDays(0, integrated);
        long n = h.createQuery("SELECT coalesce(sum(units), 0) FROM region_day_count")
            .mapTo(Long.class).one();
        h.rollback();
        return n;
      });
    }
    assertTrue(compared > 30);
    assertTrue(aheadUnits > 0, "some periods were read from the counts ahead");
  }

  @Test
  void theIntegratorCountsEveryIntegratedEventOnceWhateverItsBatches() {
    // batches of 7 entries: days, sites and counters spread over many batches add up
    long size = new io.packtrail.server.log.Integrator(harness.jdbi(), java.time.Clock.systemUTC(),
        7).catchUp(logSize);
    assertEquals(logSize, size);
    harness.jdbi().useTransaction(h -> {
      h.execute("SELECT 1 FROM log_integration FOR UPDATE"); // no batch moves it meanwhile
      String fromScratch = """
          SELECT (event_time AT TIME ZONE 'UTC')::date AS day, site, counter, count(*) AS units,
                 coalesce(sum(mass_kg::numeric), 0) AS mass_kg
          FROM region_step
          WHERE counter IS NOT NULL
            AND log_index < (SELECT tree_size FROM log_integration WHERE id = 1)
          GROUP BY 1, 2, 3
          ORDER BY 1, 2, 3""";
      List<String> expected = h.createQuery(fromScratch).mapToMap().map(Object::toString).list();
      List<String> kept = h.createQuery("SELECT day, site, counter, units, mass_kg "
          + "FROM region_day_count ORDER BY 1, 2, 3").mapToMap().map(Object::toString).list();
      assertTrue(expected.size() > 10, "steps on many days");
      assertEquals(expected, kept);
      h.rollback();
    });
  }
}
