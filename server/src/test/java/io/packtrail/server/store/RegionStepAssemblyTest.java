package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The overview's counter of an assembly (region_step): its source events count as repurposed;
 * the product's own event does not, even once the product is a source of a later assembly (a
 * later link from it, simulated here). Before V21 it then counted, so the overview's live reads
 * (partial days, events not yet integrated) disagreed with the counts made ahead.
 */
class RegionStepAssemblyTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @Test
  void aProductsOwnAssemblyEventIsNotRepurposedWhenItIsLaterASource() {
    Fixtures.network(harness.client());
    String source = Fixtures.gradedPackAt(harness.client(), Fixtures.CASCADE_PLANT);
    String product = Fixtures.newSecondLifePackCode();
    harness.client().recordStep(Fixtures.assembly(product, 100, source));
    String other = Fixtures.registeredPack(harness.client());
    harness.jdbi().useTransaction(h -> {
      String counter = "SELECT r.counter FROM region_step r JOIN event e "
          + "ON e.log_index = r.log_index WHERE e.unit_code = ? AND e.type = 'assembly'";
      assertEquals(List.of("repurposed"), h.createQuery(counter).bind(0, source)
          .mapTo(String.class).list(), "the source's event");
      String later = "SELECT event_id FROM event WHERE unit_code = '" + other + "' LIMIT 1";
      h.execute("INSERT INTO unit_link (kind, from_code, to_code, event_id, valid_from) "
          + "VALUES ('ASSEMBLED_INTO', ?, ?, (" + later + "), now())", product, other);
      assertEquals(java.util.Collections.singletonList(null), h.createQuery(counter)
          .bind(0, product).mapTo(String.class).list(), "the product's own event");
      assertEquals(List.of("repurposed"), h.createQuery(counter).bind(0, source)
          .mapTo(String.class).list(), "the source's event, still");
      h.rollback();
    });
  }
}
