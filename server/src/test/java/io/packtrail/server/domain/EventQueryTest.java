package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.EventQuery.Field;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The export filter's grammar (docs/formats.md section 16, Exports of a query): what it keeps,
 * what it refuses.
 */
class EventQueryTest {

  @Test
  void anEmptyFilterKeepsEverything() {
    for (String f : List.of("", "   ")) {
      EventQuery q = EventQuery.parse(f);
      assertTrue(q.values().isEmpty());
      assertNull(q.start());
      assertNull(q.end());
    }
  }

  @Test
  void orBindsTighterThanAnd() {
    EventQuery q = EventQuery.parse("type = \"shipment\" OR type = \"receipt\" AND "
        + "region_code = \"620100\" AND actor_organization = \"organizations/acme\" AND "
        + "event_time >= \"2026-01-01T08:00:00+08:00\" AND event_time < \"2026-02-01T00:00:00Z\""
        + " AND unit = \"units/TMKPBA1TRACE01RA50000001\" AND actor_site = "
        + "\"organizations/acme/sites/plant\"");
    assertEquals(Set.of("shipment", "receipt"), q.of(Field.TYPE));
    assertEquals(Set.of("6201"), q.regionPrefixes());
    assertEquals(Set.of("organizations/acme"), q.of(Field.ACTOR_ORGANIZATION));
    assertEquals(Set.of("organizations/acme/sites/plant"), q.of(Field.ACTOR_SITE));
    assertEquals(Set.of("TMKPBA1TRACE01RA50000001"), q.unitCodes());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), q.start(), "offsets are honoured");
    assertTrue(q.startInclusive());
    assertEquals(Instant.parse("2026-02-01T00:00:00Z"), q.end());
    assertFalse(q.endInclusive());
  }

  @Test
  void escapedQuotesAndSpacesAreTokens() {
    EventQuery q = EventQuery.parse("  type=\"sale\"   OR   type = \"removal\"  ");
    assertEquals(Set.of("sale", "removal"), q.of(Field.TYPE));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> EventQuery.parse("actor_site = \"a\\\"b\""));
    assertTrue(e.getMessage().contains("got \"a\"b\""), e.getMessage());
  }

  @Test
  void refusalsNameTheFilterAndWhere() {
    String[][] cases = {
        {"colour = \"red\"", "has no field 'colour' (at character 1)"},
        {"type = \"sale\" OR region_code = \"620000\"",
            "joins terms of different fields with OR (type and region_code, at character 18)"},
        {"event_time > \"2026-01-01T00:00:00Z\" OR event_time < \"2026-02-01T00:00:00Z\"",
            "joins event_time bounds with OR"},
        {"event_time > \"2026-01-01T00:00:00Z\" AND event_time >= \"2026-01-02T00:00:00Z\"",
            "has two lower bounds of event_time"},
        {"event_time >= \"2026-01-01T00:00:00Z\" AND event_time < \"2026-01-01T00:00:00Z\"",
            "empty period"},
        {"type != \"sale\"", "compares type with =, >=, >, <=, < only, found '!='"},
        {"type = sale", "compares type with a double-quoted string"},
        {"type = \"sale\" type = \"removal\"", "joins terms with AND or OR only, not 'type'"},
        {"type = \"sale\" OR", "ends where a field name belongs"},
        {"x".repeat(EventQuery.MAX_LENGTH + 1), "must be at most"},
        {"type = \"sale\"" + " OR type = \"sale\"".repeat(EventQuery.MAX_TERMS),
            "has more than 100 terms"},
    };
    for (String[] c : cases) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> EventQuery.parse(c[0]), c[0]);
      assertEquals(EventQuery.FIELD, e.violations().get(0).field());
      assertTrue(e.violations().get(0).description().contains(c[1]),
          c[0] + " -> " + e.getMessage());
    }
  }
}
