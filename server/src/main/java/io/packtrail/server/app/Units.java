package io.packtrail.server.app;

import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.store.Storage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reading and listing units, each with the anomalies flagged on it. */
public final class Units {
  private final Storage storage;
  private final Parties parties;

  public Units(Storage storage, Parties parties) {
    this.storage = storage;
    this.parties = parties;
  }

  /**
   * A unit and the anomalies flagged on it; {@code restricted} when the reader sees only its
   * public part (identity, maker, chemistry, rated figures, status): then it has no anomalies.
   */
  public record Flagged(Unit unit, List<Anomaly> anomalies, boolean restricted) {
    public Flagged(Unit unit, List<Anomaly> anomalies) {
      this(unit, anomalies, false);
    }
  }

  public Flagged unit(String code) {
    return unit(Principal.LOCAL, code);
  }

  /**
   * A unit as {@code reader} may see it: in full for its parties and authorities, else its public
   * part (the access tiers). A unit's existence and public part are any caller's to know, so an
   * unknown unit is NOT_FOUND for everyone.
   */
  public Flagged unit(Principal reader, String code) {
    Unit unit = storage.findUnit(code)
        .orElseThrow(() -> new NotFoundException(ResourceNames.unit(code), "unit"));
    if (!parties.seesUnit(reader, code)) {
      return new Flagged(unit, List.of(), true);
    }
    return withAnomalies(List.of(unit)).get(0);
  }

  /**
   * Units in code order after {@code afterCode}; each filter applies when not null. A party
   * lists the units it is a party of, an authority every unit.
   */
  public List<Unit> list(Principal reader, LifecycleState state, String custodian,
      UnitLevel level, Chemistry chemistry, String afterCode, int limit) {
    return storage.listUnits(state, custodian, level, chemistry, parties.listingParty(reader),
        afterCode, limit);
  }

  /** The units with their anomalies, one query for all. */
  public List<Flagged> withAnomalies(List<Unit> units) {
    Map<String, List<Anomaly>> flagged = storage.anomalies(units.stream().map(Unit::code)
        .toList()).stream().collect(Collectors.groupingBy(Anomaly::unitCode));
    return units.stream()
        .map(u -> new Flagged(u, flagged.getOrDefault(u.code(), List.of())))
        .toList();
  }
}
