package io.packtrail.server.domain;

import java.time.LocalDate;

/**
 * One kind of recorded step with its details. Each writes its details as canonical fields under
 * its own prefix and can be read back from them, so the stored canonical bytes are the single
 * source of an event's details.
 */
public sealed interface Step {
  int MAX_NOTE = 500;

  StepType type();

  void writeTo(CanonicalFields fields);

  /** Stateless input checks; {@code field} is the request path of the step message. */
  void validate(String field, Violations violations);

  static Step readFrom(StepType type, CanonicalFields f) {
    return switch (type) {
      case REGISTRATION -> new Registration(
          UnitLevel.valueOf(f.get("registration.level")),
          Chemistry.valueOf(f.get("registration.chemistry")),
          Double.parseDouble(f.get("registration.rated_energy_kwh")),
          Double.parseDouble(f.get("registration.rated_capacity_ah")),
          Double.parseDouble(f.get("registration.nominal_voltage_v")),
          Double.parseDouble(f.get("registration.mass_kg")),
          f.get("registration.maker"));
      case SALE -> new Sale(f.get("sale.vin"), f.get("sale.dealer"));
      case REMOVAL -> new Removal(
          RemovalReason.valueOf(f.get("removal.reason")), f.get("removal.note"));
      case COLLECTION -> new Collection(f.get("collection.note"));
      case SHIPMENT -> new Shipment(f.get("shipment.destination_site"), f.get("shipment.waybill"));
      case RECEIPT -> new Receipt(f.get("receipt.waybill"));
      case INSPECTION -> new Inspection(
          StateOfHealth.readFrom(f), Grade.valueOf(f.get("inspection.grade")),
          f.get("inspection.note"), f.get("inspection.test_standard"),
          f.get("inspection.tester"), f.get("inspection.test_date") == null ? null
              : LocalDate.parse(f.get("inspection.test_date")));
    };
  }

  /** The first event of a unit: what it is and who made it. */
  record Registration(UnitLevel level, Chemistry chemistry, double ratedEnergyKwh,
      double ratedCapacityAh, double nominalVoltageV, double massKg, String maker)
      implements Step {
    /** Rated values are held at the precision they are hashed with (three decimals). */
    public Registration {
      ratedEnergyKwh = CanonicalFields.round(ratedEnergyKwh);
      ratedCapacityAh = CanonicalFields.round(ratedCapacityAh);
      nominalVoltageV = CanonicalFields.round(nominalVoltageV);
      massKg = CanonicalFields.round(massKg);
    }

    public StepType type() {
      return StepType.REGISTRATION;
    }

    public void writeTo(CanonicalFields f) {
      f.put("registration.level", level)
          .put("registration.chemistry", chemistry)
          .putDecimal("registration.rated_energy_kwh", ratedEnergyKwh)
          .putDecimal("registration.rated_capacity_ah", ratedCapacityAh)
          .putDecimal("registration.nominal_voltage_v", nominalVoltageV)
          .putDecimal("registration.mass_kg", massKg)
          .put("registration.maker", maker);
    }

    public void validate(String field, Violations v) {
      if (level == null) {
        v.add(field + ".level", "is required");
      }
      if (chemistry == null) {
        v.add(field + ".chemistry", "is required");
      }
      positive(v, field + ".rated_energy_kwh", ratedEnergyKwh, 10_000);
      positive(v, field + ".rated_capacity_ah", ratedCapacityAh, 1_000_000);
      positive(v, field + ".nominal_voltage_v", nominalVoltageV, 2_000);
      positive(v, field + ".mass_kg", massKg, 10_000);
      ResourceNames.checkOrganization(v, field + ".maker", maker);
    }

    private static void positive(Violations v, String field, double value, double max) {
      if (!Double.isFinite(value) || value <= 0 || value > max) {
        v.add(field, "must be greater than 0 and at most " + (long) max);
      }
    }
  }

  /** Sold with a vehicle: the unit is bound to the VIN and the dealer becomes responsible. */
  record Sale(String vin, String dealer) implements Step {
    public StepType type() {
      return StepType.SALE;
    }

    public void writeTo(CanonicalFields f) {
      f.put("sale.vin", vin).put("sale.dealer", dealer);
    }

    public void validate(String field, Violations v) {
      try {
        Vin.validate(field + ".vin", vin);
      } catch (InvalidArgumentException e) {
        v.addAll(e.violations());
      }
      ResourceNames.checkOrganization(v, field + ".dealer", dealer);
    }
  }

  /** Taken out of its vehicle for service, at retirement, or as a trade-in. */
  record Removal(RemovalReason reason, String note) implements Step {
    public StepType type() {
      return StepType.REMOVAL;
    }

    public void writeTo(CanonicalFields f) {
      f.put("removal.reason", reason).put("removal.note", note);
    }

    public void validate(String field, Violations v) {
      if (reason == null) {
        v.add(field + ".reason", "is required: SERVICE, RETIREMENT or TRADE_IN");
      }
      checkNote(v, field + ".note", note);
    }
  }

  /** Taken in at a collection outlet. */
  record Collection(String note) implements Step {
    public StepType type() {
      return StepType.COLLECTION;
    }

    public void writeTo(CanonicalFields f) {
      f.put("collection.note", note);
    }

    public void validate(String field, Violations v) {
      checkNote(v, field + ".note", note);
    }
  }

  /** Sent to another site; open until received there. */
  record Shipment(String destinationSite, String waybill) implements Step {
    public StepType type() {
      return StepType.SHIPMENT;
    }

    public void writeTo(CanonicalFields f) {
      f.put("shipment.destination_site", destinationSite).put("shipment.waybill", waybill);
    }

    public void validate(String field, Violations v) {
      ResourceNames.checkSite(v, field + ".destination_site", destinationSite);
      checkWaybill(v, field + ".waybill", waybill, true);
    }
  }

  /** An open shipment arrived. */
  record Receipt(String waybill) implements Step {
    public StepType type() {
      return StepType.RECEIPT;
    }

    public void writeTo(CanonicalFields f) {
      f.put("receipt.waybill", waybill);
    }

    public void validate(String field, Violations v) {
      checkWaybill(v, field + ".waybill", waybill, false);
    }
  }

  /**
   * Tested and graded: the readings, the standard they were tested to, who tested and when.
   * Events recorded before the test fields existed read back without them.
   */
  record Inspection(StateOfHealth stateOfHealth, Grade grade, String note, String testStandard,
      String tester, LocalDate testDate) implements Step {
    public static final int MAX_TEST_STANDARD = 100;
    public static final int MAX_TESTER = 200;

    public StepType type() {
      return StepType.INSPECTION;
    }

    public void writeTo(CanonicalFields f) {
      if (stateOfHealth != null) {
        stateOfHealth.writeTo(f);
      }
      f.put("inspection.grade", grade).put("inspection.note", note)
          .put("inspection.test_standard", testStandard).put("inspection.tester", tester)
          .put("inspection.test_date", testDate == null ? null : testDate.toString());
    }

    public void validate(String field, Violations v) {
      if (grade == null) {
        v.add(field + ".grade", "is required: A, B, C or D");
      }
      if (stateOfHealth != null) {
        stateOfHealth.validate(field + ".state_of_health", v);
      }
      checkNote(v, field + ".note", note);
      checkText(v, field + ".test_standard", testStandard, MAX_TEST_STANDARD,
          "the standard the unit was tested to, e.g. GB/T 34015-2017");
      checkText(v, field + ".tester", tester, MAX_TESTER,
          "who tested the unit: the laboratory or the person");
      if (testDate == null) {
        v.add(field + ".test_date", "is required: the date of the test, YYYY-MM-DD");
      }
    }
  }

  private static void checkText(Violations v, String field, String text, int max, String what) {
    if (text == null || text.isBlank()) {
      v.add(field, "is required: " + what);
    } else if (text.length() > max) {
      v.add(field, "must be at most " + max + " characters, got " + text.length());
    }
  }

  private static void checkNote(Violations v, String field, String note) {
    Text.check(v, field, note, MAX_NOTE, true);
  }

  private static void checkWaybill(Violations v, String field, String waybill, boolean required) {
    if (waybill == null) {
      if (required) {
        v.add(field, "is required");
      }
      return;
    }
    if (!waybill.matches("[A-Za-z0-9-]{4,40}")) {
      v.add(field, "must be 4 to 40 letters, digits or hyphens");
    }
  }
}
