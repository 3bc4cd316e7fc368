package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.FormatsDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The anomaly ids of docs/formats.md section 17 are the server's. */
class AnomalyIdVectorsTest {
  @Test
  void theDocumentedIdsAreTheServers() {
    FormatsDocument.Table table = FormatsDocument.load().section("17.").table();
    assertTrue(table.rows().size() >= 4);
    for (List<String> row : table.rows()) {
      String kind = FormatsDocument.code(row.get(table.column("kind")));
      List<String> events = FormatsDocument.codes(row.get(table.column("events")));
      assertEquals(FormatsDocument.code(row.get(table.column("id"))), Anomaly.id(kind, events),
          kind + " " + events);
    }
  }

  @Test
  void kindAndEveryEventAndItsOrderCount() {
    List<String> two = List.of("units/A/events/1", "units/A/events/2");
    String id = Anomaly.id(Anomaly.TIME_ORDER, two);
    assertTrue(id.matches("[0-9a-f]{32}"));
    assertNotEquals(id, Anomaly.id(Anomaly.UNIT_VANISHED, two));
    assertNotEquals(id, Anomaly.id(Anomaly.TIME_ORDER, List.of(two.get(1), two.get(0))));
    assertNotEquals(id, Anomaly.id(Anomaly.TIME_ORDER, List.of("units/A/events/1units/A/events/2")));
  }
}
