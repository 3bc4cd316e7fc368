package io.packtrail.server.domain;

import java.time.Instant;
import java.time.LocalDate;

/** A registered unit: what it is (from its registration) and where it stands now. */
public record Unit(UnitState current, double ratedEnergyKwh, double ratedCapacityAh,
    double nominalVoltageV, double massKg, String maker, LocalDate productionDate,
    boolean repurposedCodeVariant, Instant createTime, Instant updateTime) {

  public String code() {
    return current.code();
  }
}
