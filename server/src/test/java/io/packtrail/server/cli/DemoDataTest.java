package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.ListUnitsRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A small demo through the real API on a fresh database: the whole loop of the second half
 * happens (trade-ins, dismantling, cascade use, second life, recycling into lots), nothing is
 * refused, and loading again changes nothing.
 */
class DemoDataTest {
  // over Netty, as `serve --demo` loads it: transport limits (message sizes) apply, which
  // in-process calls do not have (a batch answer of 19 MB once failed only over Netty)
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  @Test
  void aSmallDemoRunsTheWholeLoopAndLoadsIdempotently() {
    assertEquals(0, new DemoData(harness.client(), 300).load(), "items refused on first load");
    long events = count("SELECT count(*) FROM event");
    long units = count("SELECT count(*) FROM unit");
    long lots = count("SELECT count(*) FROM material_lot");

    for (LifecycleState state : List.of(LifecycleState.LIFECYCLE_STATE_DISMANTLED,
        LifecycleState.LIFECYCLE_STATE_REPURPOSED, LifecycleState.LIFECYCLE_STATE_IN_SECOND_LIFE,
        LifecycleState.LIFECYCLE_STATE_RECYCLED, LifecycleState.LIFECYCLE_STATE_SCRAPPED)) {
      assertFalse(harness.client().listAllUnits(ListUnitsRequest.newBuilder().setState(state)
          .setPageSize(1000).build()).isEmpty(), "no unit in " + state);
    }
    // children of dismantlings, products of assemblies and trade-in replacements
    for (String kind : List.of("DISMANTLED_INTO", "ASSEMBLED_INTO", "REPLACED_BY")) {
      assertTrue(count("SELECT count(*) FROM unit_link WHERE kind = '" + kind + "'") > 0, kind);
    }
    assertTrue(count("SELECT count(*) FROM unit WHERE code LIKE '___C%'") > 0, "no cells");
    // round the loop again: a storage pack decommissioned, dismantled, its cells recycled
    assertTrue(count("SELECT count(*) FROM unit WHERE code LIKE 'LCEPBS2%'"
        + " AND state = 'DISMANTLED'") > 0, "no storage pack came back and was dismantled");
    assertTrue(count("SELECT count(*) FROM unit WHERE code LIKE 'LCECB%'"
        + " AND state = 'RECYCLED'") > 0, "no cell of a storage pack was recycled");
    for (String type : List.of("trade_in", "commissioning", "second_life_inspection",
        "decommissioning", "correction")) {
      assertTrue(count("SELECT count(*) FROM event WHERE lower(type) = '" + type + "'") > 0,
          "no " + type);
    }
    for (String product : List.of("MNSO4", "CO3O4", "LI2CO3", "NISO4")) {
      assertTrue(count("SELECT count(*) FROM material_lot WHERE product = '" + product + "'") > 0,
          "no " + product + " lot");
    }

    // recovery per recycling step against the 2024 targets: most meet them, some miss
    List<Map<String, Object>> steps = harness.jdbi().withHandle(h -> h.createQuery(
        "SELECT f.event_id,"
            + " (sum(l.li_kg) >= 0.90 * f.li_kg AND sum(l.ni_kg) >= 0.98 * f.ni_kg"
            + " AND sum(l.co_kg) >= 0.98 * f.co_kg AND sum(l.mn_kg) >= 0.98 * f.mn_kg"
            + " AND sum(l.cu_kg) >= 0.98 * f.cu_kg AND sum(l.al_kg) >= 0.98 * f.al_kg) AS meets"
            + " FROM recycling_feed f JOIN material_lot l ON l.event_id = f.event_id"
            + " GROUP BY f.event_id, f.li_kg, f.ni_kg, f.co_kg, f.mn_kg, f.cu_kg, f.al_kg")
        .mapToMap().list());
    long meeting = steps.stream().filter(r -> Boolean.TRUE.equals(r.get("meets"))).count();
    assertTrue(meeting * 2 > steps.size(), meeting + " of " + steps.size() + " meet the targets");
    assertTrue(meeting < steps.size(), "every recycling step meets the targets");

    // the demo makes anomalies of several kinds (scanned as of a fixed time after its last step)
    harness.server().anomalyScan().scan(java.time.Instant.parse("2026-12-01T00:00:00Z"));
    List<String> kinds = harness.jdbi().withHandle(h -> h.createQuery(
        "SELECT DISTINCT kind FROM anomaly ORDER BY kind").mapTo(String.class).list());
    assertTrue(kinds.containsAll(List.of("MASS_UNACCOUNTED", "RECOVERY_BELOW_TARGET",
        "UNIT_VANISHED")) && kinds.size() >= 4, "anomaly kinds of the demo: " + kinds);

    assertEquals(0, new DemoData(harness.client(), 300).load(), "items refused on second load");
    assertEquals(events, count("SELECT count(*) FROM event"));
    assertEquals(units, count("SELECT count(*) FROM unit"));
    assertEquals(lots, count("SELECT count(*) FROM material_lot"));
  }

  private static long count(String sql) {
    return harness.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
