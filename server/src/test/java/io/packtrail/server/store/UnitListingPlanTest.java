package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.StoreSql;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.Query;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unit listing filtered by state and custodian reads its page, not the units between its
 * rows in code order: the shape where a walk of (state, code) or (custodian, code) with a filter
 * read tens of thousands of rows per page on a million units. An organisation's listing of a
 * rare state reads that state's units, not every unit the organisation is a party of.
 */
class UnitListingPlanTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static final String HOLDER = Fixtures.RECYCLER;
  private static final String OTHER = Fixtures.CASCADE;
  private static final Pattern REMOVED = Pattern.compile("Rows Removed by Filter: (\\d+)");
  private static final Pattern ROWS = Pattern.compile("actual rows=(\\d+) loops=(\\d+)");

  @BeforeAll
  static void units() {
    Fixtures.network(harness.client());
    // in code order: 3,000 GRADED units of another custodian, then 3,000 of the holder's in
    // another state, then the holder's 60 GRADED ones; each old index has a long run to filter.
    // Then units of other states and custodians, as a deployment has them: the planner, which
    // takes state and custodian as independent, then expects the pair to be rare. The rows go
    // in out of code order, as a deployment's updates leave them on the heap
    harness.jdbi().useHandle(h -> {
      h.execute("CREATE TEMP TABLE staged (LIKE unit INCLUDING DEFAULTS)");
      insert(h, "P0", 3000, "GRADED", OTHER);
      insert(h, "P1", 3000, "RECEIVED", HOLDER);
      insert(h, "P2", 60, "GRADED", HOLDER);
      String[] states = {"INSTALLED", "REMOVED", "COLLECTED", "IN_TRANSIT"};
      for (int i = 0; i < states.length; i++) {
        insert(h, "P3" + i, 3000, states[i], Fixtures.DEALER);
      }
      // a rare state, last in code order: a walk of the maker's party rows would pass them all
      insert(h, "P4", 20, "RECYCLED", HOLDER);
      h.execute("INSERT INTO unit SELECT * FROM staged ORDER BY md5(code)");
      // the maker is a party of every unit it made (the sequencer writes that row at
      // registration)
      h.execute("INSERT INTO unit_party (organization, unit_code) SELECT maker, code FROM staged");
      h.execute("ANALYZE unit");
      h.execute("ANALYZE unit_party");
    });
  }

  private static void insert(org.jdbi.v3.core.Handle h, String prefix, int n, String state,
      String custodian) {
    h.createUpdate("INSERT INTO staged (code, level, chemistry, rated_energy_kwh, "
            + "rated_capacity_ah, nominal_voltage_v, mass_kg, maker, state, custodian, "
            + "event_count, head_hash, create_time, update_time, last_event_time) "
            + "SELECT :prefix || lpad(g::text, 6, '0'), 'PACK', 'LFP', 60, 150, 400, 400, "
            + ":maker, :state, :custodian, 1, sha256(g::text::bytea), now(), now(), now() "
            + "FROM generate_series(1, :n) g")
        .bind("prefix", prefix).bind("maker", Fixtures.MAKER).bind("state", state)
        .bind("custodian", custodian).bind("n", n).execute();
  }

  @Test
  void aSparsePairReadsOnlyItsPage() {
    List<String> first = page(null);
    assertEquals(51, first.size());
    assertEquals("P2000001", first.get(0));
    assertEquals("P2000051", first.get(50));
    // the next page starts after the last code, and reads only its own rows too
    assertEquals(List.of("P2000052", "P2000053", "P2000054", "P2000055", "P2000056",
        "P2000057", "P2000058", "P2000059", "P2000060"), page("P2000051"));
  }

  /** The page after {@code afterCode} (null: the first), checked to read no row past its own. */
  private static List<String> page(String afterCode) {
    String sql = StoreSql.statement("UnitDao/list.sql");
    assertReadsOnlyItsPage(sql, null, afterCode, "GRADED", HOLDER, "unit_state_custodian_idx");
    return codes(sql, null, afterCode, "GRADED", HOLDER);
  }

  /**
   * An organisation's listing by a rare state alone (no custodian named) starts from the state's
   * units and looks each up among the organisation's parties, instead of walking the party's
   * rows of every unit it made: the query leaves PostgreSQL both ways round (the party's rows
   * and the unit's in the same code order), and it picks the one its statistics say is short.
   */
  @Test
  void aPartyListingOfARareStateReadsOnlyThatState() {
    String sql = StoreSql.statement("UnitDao/listForParty.sql");
    // the maker is a party of 18,080 units, 20 of them RECYCLED
    assertReadsOnlyItsPage(sql, Fixtures.MAKER, null, "RECYCLED", null, "unit_state_idx");
    List<String> codes = codes(sql, Fixtures.MAKER, null, "RECYCLED", null);
    assertEquals(20, codes.size());
    assertEquals("P4000001", codes.get(0));
    assertEquals("P4000020", codes.get(19));
  }

  /**
   * EXPLAIN ANALYZE of the listing: no row removed by a filter, no step of the plan producing
   * more rows (over all its loops) than a page of 51, and {@code index} used.
   */
  private static void assertReadsOnlyItsPage(String sql, String party, String afterCode,
      String state, String custodian, String index) {
    List<String> plan = harness.jdbi().withHandle(h -> bind(h.createQuery(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql), party, afterCode, state, custodian)
        .mapTo(String.class).list());
    String text = String.join("\n", plan);
    long removed = 0;
    for (String line : plan) {
      Matcher m = REMOVED.matcher(line);
      if (m.find()) {
        removed += Long.parseLong(m.group(1));
      }
      Matcher rows = ROWS.matcher(line);
      if (rows.find()) {
        long produced = Long.parseLong(rows.group(1)) * Long.parseLong(rows.group(2));
        assertTrue(produced <= 51, "a step of the plan read past the page:\n" + text);
      }
    }
    assertEquals(0, removed, "rows read past the page's:\n" + text);
    assertTrue(text.contains(index), text);
  }

  private static List<String> codes(String sql, String party, String afterCode, String state,
      String custodian) {
    return harness.jdbi().withHandle(h -> bind(h.createQuery(sql), party, afterCode, state,
        custodian).map((rs, ctx) -> rs.getString("code")).list());
  }

  /** The listing's parameters: list.sql's, and listForParty.sql's party when not null. */
  private static Query bind(Query q, String party, String afterCode, String state,
      String custodian) {
    if (party != null) {
      q.bind("party", party);
    }
    return q.bind("afterCode", afterCode).bind("state", state).bind("custodian", custodian)
        .bind("level", (String) null).bind("chemistry", (String) null).bind("limit", 51);
  }
}
