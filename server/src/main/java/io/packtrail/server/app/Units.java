package io.packtrail.server.app;

import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.NotFoundException;
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

  public Units(Storage storage) {
    this.storage = storage;
  }

  /** A unit and the anomalies flagged on it. */
  public record Flagged(Unit unit, List<Anomaly> anomalies) {}

  public Flagged unit(String code) {
    Unit unit = storage.findUnit(code)
        .orElseThrow(() -> new NotFoundException(ResourceNames.unit(code), "unit"));
    return withAnomalies(List.of(unit)).get(0);
  }

  /** Units in code order after {@code afterCode}; each filter applies when not null. */
  public List<Unit> list(LifecycleState state, String custodian, UnitLevel level,
      Chemistry chemistry, String afterCode, int limit) {
    return storage.listUnits(state, custodian, level, chemistry, afterCode, limit);
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
