package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.testing.TestDatabases;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * V12 fills unit_party from what an older server stored: makers, every acting organisation,
 * current custodians and shipment destinations, and the dealers of sales (read from the sales'
 * canonical bytes), and leaves the events as they were.
 */
class UnitPartyMigrationTest {
  static final Instant T = Instant.parse("2026-01-05T02:30:00Z");

  @Test
  void theMigrationFindsEveryPartyOfTheStoredUnits() throws Exception {
    try (TestDatabases.Fresh fresh = TestDatabases.createAt("unitParty", "11.1")) {
      fresh.database().jdbi().useHandle(h -> {
        for (String org : List.of("maker", "motors", "dealer", "outlet", "plant")) {
          h.execute("INSERT INTO organization (id, display_name, roles, region_code, create_time)"
              + " VALUES (?, ?, ARRAY['DEALER'], '620100', ?)", org, org, T);
        }
        // sold by a vehicle maker to a dealer, then removed and collected by an outlet, which
        // holds it and has shipped it to the plant
        unit(h, "PACK1", "organizations/maker", "organizations/outlet",
            "organizations/plant/sites/yard");
        event(h, "PACK1", 1, "registration", "organizations/maker", new CanonicalFields()
            .put("registration.maker", "organizations/maker"));
        event(h, "PACK1", 2, "sale", "organizations/motors", new CanonicalFields()
            .put("sale.dealer", "organizations/dealer").put("sale.vin", "LGSAB12C0RP123456"));
        event(h, "PACK1", 3, "collection", "organizations/outlet", new CanonicalFields());
        // only registered
        unit(h, "PACK2", "organizations/maker", "organizations/maker", null);
        event(h, "PACK2", 1, "registration", "organizations/maker", new CanonicalFields());
      });
      List<byte[]> before = canonical(fresh);

      fresh.database().migrate();

      assertEquals(Set.of("organizations/maker", "organizations/motors", "organizations/dealer",
          "organizations/outlet", "organizations/plant"), parties(fresh, "PACK1"));
      assertEquals(Set.of("organizations/maker"), parties(fresh, "PACK2"));
      List<byte[]> after = canonical(fresh);
      for (int i = 0; i < before.size(); i++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(before.get(i), after.get(i));
      }
      int withSubmitter = fresh.database().jdbi().withHandle(h -> h.createQuery(
          "SELECT count(*) FROM event WHERE submitter IS NOT NULL").mapTo(Integer.class).one());
      assertEquals(0, withSubmitter);
    }
  }

  private static void unit(Handle h, String code, String maker, String custodian,
      String destination) {
    h.execute("INSERT INTO unit (code, level, chemistry, rated_energy_kwh, rated_capacity_ah, "
        + "nominal_voltage_v, mass_kg, maker, state, custodian, shipment_destination, "
        + "event_count, head_hash, create_time, update_time, last_event_time) VALUES "
        + "(?, 'PACK', 'LFP', 50, 150, 350, 380, ?, 'IN_TRANSIT', ?, ?, 1, ?, ?, ?, ?)", code,
        maker, custodian, destination, new byte[32], T, T, T);
  }

  private static void event(Handle h, String code, int sequence, String type, String actor,
      CanonicalFields step) {
    byte[] canonical = step.put("actor.organization", actor).put("actor.site", actor
        + "/sites/s").put("event.id", UUID.randomUUID().toString()).put("event.type", type)
        .put("unit.code", code).put("unit.sequence", sequence).encode();
    h.execute("INSERT INTO event (event_id, unit_code, sequence, log_index, type, event_time, "
        + "record_time, actor_organization, actor_site, canonical, previous_hash, hash, "
        + "request_digest) VALUES (?, ?, ?, (SELECT coalesce(max(log_index) + 1, 0) FROM event),"
        + " ?, ?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID(), code, sequence, type, T, T, actor,
        actor + "/sites/s", canonical, new byte[32], new byte[32], new byte[32]);
  }

  private static Set<String> parties(TestDatabases.Fresh fresh, String code) {
    List<String> organizations = fresh.database().jdbi().withHandle(h -> h.createQuery(
        "SELECT organization FROM unit_party WHERE unit_code = ?").bind(0, code)
        .mapTo(String.class).list());
    return new TreeSet<>(organizations);
  }

  private static List<byte[]> canonical(TestDatabases.Fresh fresh) {
    return fresh.database().jdbi().withHandle(h -> h.createQuery(
        "SELECT canonical FROM event ORDER BY log_index").mapTo(byte[].class).list());
  }
}
