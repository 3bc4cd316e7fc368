package io.packtrail.server.domain;

import java.util.List;

/** Inspection readings, named after the Battery Pass data model; null means not measured. */
public record StateOfHealth(
    Double stateOfCertifiedEnergyPercent,
    Double capacityFadePercent,
    Double remainingCapacityAh,
    Double remainingEnergyKwh,
    Double powerFadePercent,
    Double internalResistanceIncreasePercent,
    Long numberOfFullCycles) {

  /** Readings are held at the precision they are hashed with (three decimals). */
  public StateOfHealth {
    stateOfCertifiedEnergyPercent = CanonicalFields.round(stateOfCertifiedEnergyPercent);
    capacityFadePercent = CanonicalFields.round(capacityFadePercent);
    remainingCapacityAh = CanonicalFields.round(remainingCapacityAh);
    remainingEnergyKwh = CanonicalFields.round(remainingEnergyKwh);
    powerFadePercent = CanonicalFields.round(powerFadePercent);
    internalResistanceIncreasePercent = CanonicalFields.round(internalResistanceIncreasePercent);
  }

  /** No readings at all. */
  public static final StateOfHealth NONE =
      new StateOfHealth(null, null, null, null, null, null, null);

  static final String PREFIX = "inspection.soh.";

  void writeTo(CanonicalFields f) {
    f.putDecimal(PREFIX + "state_of_certified_energy_percent", stateOfCertifiedEnergyPercent);
    f.putDecimal(PREFIX + "capacity_fade_percent", capacityFadePercent);
    f.putDecimal(PREFIX + "remaining_capacity_ah", remainingCapacityAh);
    f.putDecimal(PREFIX + "remaining_energy_kwh", remainingEnergyKwh);
    f.putDecimal(PREFIX + "power_fade_percent", powerFadePercent);
    f.putDecimal(PREFIX + "internal_resistance_increase_percent", internalResistanceIncreasePercent);
    if (numberOfFullCycles != null) {
      f.put(PREFIX + "number_of_full_cycles", numberOfFullCycles);
    }
  }

  static StateOfHealth readFrom(CanonicalFields f) {
    return new StateOfHealth(
        dbl(f, "state_of_certified_energy_percent"),
        dbl(f, "capacity_fade_percent"),
        dbl(f, "remaining_capacity_ah"),
        dbl(f, "remaining_energy_kwh"),
        dbl(f, "power_fade_percent"),
        dbl(f, "internal_resistance_increase_percent"),
        f.get(PREFIX + "number_of_full_cycles") == null
            ? null : Long.parseLong(f.get(PREFIX + "number_of_full_cycles")));
  }

  private static Double dbl(CanonicalFields f, String name) {
    String text = f.get(PREFIX + name);
    return text == null ? null : Double.valueOf(text);
  }

  /**
   * How far above its rated value a reading may be: a new pack may measure a few per cent above
   * its rated (guaranteed minimum) capacity or energy; 10 % above is a misreading.
   */
  public static final double MAX_ABOVE_RATED = 1.10;

  /**
   * Range checks of the readings; percentages may exceed 100 only for resistance increase and,
   * by at most 10, for state of certified energy.
   */
  void validate(String field, Violations v) {
    // like remaining capacity and energy, at most 10 % above rated (MAX_ABOVE_RATED)
    percent(v, field + ".state_of_certified_energy_percent", stateOfCertifiedEnergyPercent, 0, 110);
    percent(v, field + ".capacity_fade_percent", capacityFadePercent, 0, 100);
    percent(v, field + ".remaining_capacity_ah", remainingCapacityAh, 0, 1e6);
    percent(v, field + ".remaining_energy_kwh", remainingEnergyKwh, 0, 1e4);
    percent(v, field + ".power_fade_percent", powerFadePercent, 0, 100);
    percent(v, field + ".internal_resistance_increase_percent",
        internalResistanceIncreasePercent, 0, 1000);
    if (numberOfFullCycles != null && (numberOfFullCycles < 0 || numberOfFullCycles > 1_000_000)) {
      v.add(field + ".number_of_full_cycles", "must be between 0 and 1000000");
    }
  }

  /** Remaining capacity and energy may not exceed the unit's rated values by more than 10 %. */
  void checkAgainstRated(String unitName, double ratedCapacityAh, double ratedEnergyKwh,
      List<PreconditionViolation> broken) {
    aboveRated(unitName, "remaining_capacity_ah", remainingCapacityAh, ratedCapacityAh, "Ah",
        broken);
    aboveRated(unitName, "remaining_energy_kwh", remainingEnergyKwh, ratedEnergyKwh, "kWh",
        broken);
  }

  private static void aboveRated(String unitName, String reading, Double value, double rated,
      String unit, List<PreconditionViolation> broken) {
    if (value != null && rated > 0 && value > rated * MAX_ABOVE_RATED) {
      broken.add(new PreconditionViolation("READING", unitName, "inspection.state_of_health."
          + reading + " " + CanonicalFields.decimal(value) + " " + unit + " is more than 10 % "
          + "above the rated " + CanonicalFields.decimal(rated) + " " + unit + " of " + unitName));
    }
  }

  private static void percent(Violations v, String field, Double value, double min, double max) {
    if (value == null) {
      return;
    }
    if (!Double.isFinite(value) || value < min || value > max) {
      v.add(field, "must be a number between " + fmt(min) + " and " + fmt(max));
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
