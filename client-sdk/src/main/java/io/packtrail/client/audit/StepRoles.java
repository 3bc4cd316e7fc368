package io.packtrail.client.audit;

import java.util.Map;
import java.util.Set;

/**
 * Which organisation roles may record each step, per part a unit plays in it: the table of
 * docs/formats.md section 4, "Roles", as an offline verifier applies it to an event and its
 * organisation's registry entry. Roles are written as in the log (OrganizationRole without
 * {@code ORGANIZATION_ROLE_}); one listed role is enough. The server's lifecycle rules are the
 * source; a server test holds this table to them.
 */
public final class StepRoles {
  private StepRoles() {}

  private static final Set<String> ANY_BUT_REGULATOR = Set.of("BATTERY_MAKER",
      "VEHICLE_MAKER", "DEALER", "REPAIRER", "COLLECTION_OUTLET", "DISMANTLER", "CASCADE_USER",
      "RECYCLER");

  private static final Map<String, Map<String, Set<String>>> TABLE = Map.ofEntries(
      Map.entry("registration", Map.of("subject",
          Set.of("BATTERY_MAKER", "VEHICLE_MAKER", "CASCADE_USER"))),
      Map.entry("sale", Map.of("subject", Set.of("VEHICLE_MAKER", "DEALER"))),
      Map.entry("removal", Map.of("subject", Set.of("VEHICLE_MAKER", "DEALER", "REPAIRER",
          "COLLECTION_OUTLET", "DISMANTLER"))),
      Map.entry("collection", Map.of("subject", Set.of("COLLECTION_OUTLET", "DISMANTLER",
          "CASCADE_USER", "RECYCLER"))),
      Map.entry("shipment", Map.of("subject", ANY_BUT_REGULATOR)),
      Map.entry("receipt", Map.of("subject", ANY_BUT_REGULATOR)),
      Map.entry("inspection", Map.of("subject", Set.of("COLLECTION_OUTLET", "DISMANTLER",
          "CASCADE_USER", "RECYCLER"))),
      Map.entry("trade_in", Map.of("old", Set.of("DEALER", "COLLECTION_OUTLET"),
          "replacement", Set.of("DEALER", "COLLECTION_OUTLET"))),
      Map.entry("dismantling", Map.of("parent", Set.of("DISMANTLER", "RECYCLER"),
          "child", Set.of("DISMANTLER", "RECYCLER"))),
      Map.entry("assembly", Map.of("product", Set.of("CASCADE_USER"),
          "source", Set.of("CASCADE_USER"))),
      Map.entry("commissioning", Map.of("subject", Set.of("CASCADE_USER"))),
      Map.entry("second_life_inspection", Map.of("subject", Set.of("CASCADE_USER"))),
      Map.entry("decommissioning", Map.of("subject", Set.of("CASCADE_USER"))),
      Map.entry("recycling", Map.of("input", Set.of("RECYCLER"))),
      Map.entry("scrapping", Map.of("subject", Set.of("DISMANTLER", "RECYCLER",
          "COLLECTION_OUTLET", "REPAIRER"))),
      Map.entry("correction", Map.of("subject", ANY_BUT_REGULATOR)));

  /**
   * The roles of which an organisation needs one to record the step {@code eventType} (the
   * event's {@code event.type}) for a unit in {@code part} (its {@code step.part}; "subject"
   * for a step of one unit), or null when the table has no such step and part.
   */
  public static Set<String> roles(String eventType, String part) {
    Map<String, Set<String>> parts = TABLE.get(eventType);
    return parts == null ? null : parts.get(part);
  }

  /** The steps the table knows, each with its parts (for the test that holds it to the rules). */
  public static Map<String, Map<String, Set<String>>> table() {
    return TABLE;
  }
}
