package io.packtrail.server.domain;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
      case TRADE_IN -> new TradeIn(f.get("trade_in.vin"), f.get("trade_in.replacement"),
          f.get("trade_in.note"));
      case DISMANTLING -> new Dismantling(readList(f, "dismantling.child", i -> new Child(
          f.get(i + ".code"), Double.parseDouble(f.get(i + ".mass_kg")),
          Double.parseDouble(f.get(i + ".rated_energy_kwh")),
          Double.parseDouble(f.get(i + ".rated_capacity_ah")),
          Double.parseDouble(f.get(i + ".nominal_voltage_v")))),
          Double.parseDouble(f.get("dismantling.residue_kg")), f.get("dismantling.note"));
      case ASSEMBLY -> new Assembly(readList(f, "assembly.source", f::get),
          Double.parseDouble(f.get("assembly.rated_energy_kwh")),
          Double.parseDouble(f.get("assembly.rated_capacity_ah")),
          Double.parseDouble(f.get("assembly.nominal_voltage_v")),
          Double.parseDouble(f.get("assembly.mass_kg")));
      case COMMISSIONING -> new Commissioning(f.get("commissioning.application"),
          Double.parseDouble(f.get("commissioning.usable_energy_kwh")),
          f.get("commissioning.note"));
      case SECOND_LIFE_INSPECTION -> new SecondLifeInspection(
          Double.parseDouble(f.get("second_life_inspection.state_of_health_percent")),
          Double.parseDouble(f.get("second_life_inspection.usable_energy_kwh")),
          f.get("second_life_inspection.note"));
      case DECOMMISSIONING -> new Decommissioning(f.get("decommissioning.note"));
      case RECYCLING -> new Recycling(readList(f, "recycling.lot", k -> new LotOutput(
          f.get(k + ".id"), MaterialProduct.valueOf(f.get(k + ".product")),
          Double.parseDouble(f.get(k + ".mass_kg")), ElementMasses.readFrom(f, k + ".element."))),
          ElementMasses.readFrom(f, "recycling.feed."),
          readList(f, "recycling.input", f::get), f.get("recycling.note"));
      case SCRAPPING -> new Scrapping(f.get("scrapping.reason"), f.get("scrapping.note"));
      case CORRECTION -> new Correction(f.get("correction.corrects"), f.get("correction.reason"));
    };
  }

  /**
   * Every unit a step touches, each with its part: {@code primary}, the one it is recorded
   * against, first, then {@link #others}.
   */
  static List<Touch> touches(String primary, Step step) {
    List<Touch> touches = new ArrayList<>();
    touches.add(new Touch(primary, primaryPart(step.type())));
    touches.addAll(others(step));
    return touches;
  }

  /**
   * The units a step touches other than the one it is recorded against, each with its part, in
   * the order the step names them. A single-unit step touches none.
   */
  static List<Touch> others(Step step) {
    return switch (step.type()) {
      case REGISTRATION, SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, SCRAPPING, CORRECTION -> List.of();
      case TRADE_IN -> List.of(new Touch(((TradeIn) step).replacement(), Part.REPLACEMENT));
      case DISMANTLING -> ((Dismantling) step).children().stream()
          .map(c -> new Touch(c.code(), Part.CHILD)).toList();
      case ASSEMBLY -> ((Assembly) step).sources().stream()
          .map(c -> new Touch(c, Part.SOURCE)).toList();
      case RECYCLING -> ((Recycling) step).otherInputs().stream()
          .map(c -> new Touch(c, Part.INPUT)).toList();
    };
  }

  /**
   * Whether steps of this type are multi-unit steps (even when they name no other unit): their
   * events carry step.id, step.unit and step.part, and they may add lineage or lots.
   */
  static boolean touchesSeveral(StepType type) {
    return primaryPart(type) != Part.SUBJECT;
  }

  /** The part of the unit a step is recorded against (its primary unit). */
  static Part primaryPart(StepType type) {
    return switch (type) {
      case REGISTRATION, SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, SCRAPPING, CORRECTION -> Part.SUBJECT;
      case TRADE_IN -> Part.OLD;
      case DISMANTLING -> Part.PARENT;
      case ASSEMBLY -> Part.PRODUCT;
      case RECYCLING -> Part.INPUT;
    };
  }

  /** A unit a step touches and the part it plays. */
  record Touch(String code, Part part) {}

  int MAX_UNITS = 500;

  /** A trade-in: the old unit leaves vehicle {@code vin}, {@code replacement} goes in. */
  record TradeIn(String vin, String replacement, String note) implements Step {
    public StepType type() {
      return StepType.TRADE_IN;
    }

    public void writeTo(CanonicalFields f) {
      f.put("trade_in.vin", vin).put("trade_in.replacement", replacement)
          .put("trade_in.note", note);
    }

    public void validate(String field, Violations v) {
      try {
        Vin.validate(field + ".vin", vin);
      } catch (InvalidArgumentException e) {
        v.addAll(e.violations());
      }
      checkCode(v, field + ".replacement", replacement, null);
      checkNote(v, field + ".note", note);
    }
  }

  /** A child named by a dismantling, with its mass and rated values. */
  record Child(String code, double massKg, double ratedEnergyKwh, double ratedCapacityAh,
      double nominalVoltageV) {
    public Child {
      massKg = CanonicalFields.round(massKg);
      ratedEnergyKwh = CanonicalFields.round(ratedEnergyKwh);
      ratedCapacityAh = CanonicalFields.round(ratedCapacityAh);
      nominalVoltageV = CanonicalFields.round(nominalVoltageV);
    }
  }

  /**
   * Taken apart into named children plus a declared residue (casing, wiring, BMS, electrolyte
   * loss). Children are modules of a pack or cells of a module.
   */
  record Dismantling(List<Child> children, double residueKg, String note) implements Step {
    public Dismantling {
      children = List.copyOf(children);
      residueKg = CanonicalFields.round(residueKg);
    }

    public StepType type() {
      return StepType.DISMANTLING;
    }

    public double childrenMassKg() {
      return children.stream().mapToDouble(Child::massKg).sum();
    }

    public void writeTo(CanonicalFields f) {
      for (int i = 0; i < children.size(); i++) {
        Child c = children.get(i);
        String k = listKey("dismantling.child", i);
        f.put(k + ".code", c.code()).putDecimal(k + ".mass_kg", c.massKg())
            .putDecimal(k + ".rated_energy_kwh", c.ratedEnergyKwh())
            .putDecimal(k + ".rated_capacity_ah", c.ratedCapacityAh())
            .putDecimal(k + ".nominal_voltage_v", c.nominalVoltageV());
      }
      f.put("dismantling.child_count", children.size())
          .putDecimal("dismantling.residue_kg", residueKg).put("dismantling.note", note);
    }

    public void validate(String field, Violations v) {
      checkCount(v, field + ".children", children.size());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < children.size(); i++) {
        Child c = children.get(i);
        String cf = field + ".children[" + i + "]";
        checkCode(v, cf + ".code", c.code(), null);
        if (c.code() != null && !seen.add(c.code())) {
          v.add(cf + ".code", "names " + c.code() + " twice");
        }
        Registration.positive(v, cf + ".mass_kg", c.massKg(), 10_000);
        Registration.positive(v, cf + ".rated_energy_kwh", c.ratedEnergyKwh(), 10_000);
        Registration.positive(v, cf + ".rated_capacity_ah", c.ratedCapacityAh(), 1_000_000);
        Registration.positive(v, cf + ".nominal_voltage_v", c.nominalVoltageV(), 2_000);
      }
      if (!Double.isFinite(residueKg) || residueKg < 0 || residueKg > 10_000) {
        v.add(field + ".residue_kg", "must be at least 0 and at most 10000");
      }
      checkNote(v, field + ".note", note);
    }
  }

  /**
   * A cascade-use firm builds a new unit (the one the step is recorded against, registered by
   * it) from graded sources; its chemistry is theirs, its maker the firm.
   */
  record Assembly(List<String> sources, double ratedEnergyKwh, double ratedCapacityAh,
      double nominalVoltageV, double massKg) implements Step {
    public Assembly {
      sources = List.copyOf(sources);
      ratedEnergyKwh = CanonicalFields.round(ratedEnergyKwh);
      ratedCapacityAh = CanonicalFields.round(ratedCapacityAh);
      nominalVoltageV = CanonicalFields.round(nominalVoltageV);
      massKg = CanonicalFields.round(massKg);
    }

    public StepType type() {
      return StepType.ASSEMBLY;
    }

    public void writeTo(CanonicalFields f) {
      for (int i = 0; i < sources.size(); i++) {
        f.put(listKey("assembly.source", i), sources.get(i));
      }
      f.put("assembly.source_count", sources.size())
          .putDecimal("assembly.rated_energy_kwh", ratedEnergyKwh)
          .putDecimal("assembly.rated_capacity_ah", ratedCapacityAh)
          .putDecimal("assembly.nominal_voltage_v", nominalVoltageV)
          .putDecimal("assembly.mass_kg", massKg);
    }

    public void validate(String field, Violations v) {
      checkCount(v, field + ".sources", sources.size());
      checkCodes(v, field + ".sources", sources);
      Registration.positive(v, field + ".rated_energy_kwh", ratedEnergyKwh, 10_000);
      Registration.positive(v, field + ".rated_capacity_ah", ratedCapacityAh, 1_000_000);
      Registration.positive(v, field + ".nominal_voltage_v", nominalVoltageV, 2_000);
      Registration.positive(v, field + ".mass_kg", massKg, 10_000);
    }
  }

  /** Put into service at a second-life site, for an application, with its usable energy. */
  record Commissioning(String application, double usableEnergyKwh, String note) implements Step {
    public Commissioning {
      usableEnergyKwh = CanonicalFields.round(usableEnergyKwh);
    }

    public StepType type() {
      return StepType.COMMISSIONING;
    }

    public void writeTo(CanonicalFields f) {
      f.put("commissioning.application", application)
          .putDecimal("commissioning.usable_energy_kwh", usableEnergyKwh)
          .put("commissioning.note", note);
    }

    public void validate(String field, Violations v) {
      checkText(v, field + ".application", application, Text.MAX_NAME,
          "what the unit serves, e.g. microgrid storage for 6 MW PV");
      Registration.positive(v, field + ".usable_energy_kwh", usableEnergyKwh, 10_000);
      checkNote(v, field + ".note", note);
    }
  }

  /** A periodic check of a unit in second-life service. */
  record SecondLifeInspection(double stateOfHealthPercent, double usableEnergyKwh, String note)
      implements Step {
    public SecondLifeInspection {
      stateOfHealthPercent = CanonicalFields.round(stateOfHealthPercent);
      usableEnergyKwh = CanonicalFields.round(usableEnergyKwh);
    }

    public StepType type() {
      return StepType.SECOND_LIFE_INSPECTION;
    }

    public void writeTo(CanonicalFields f) {
      f.putDecimal("second_life_inspection.state_of_health_percent", stateOfHealthPercent)
          .putDecimal("second_life_inspection.usable_energy_kwh", usableEnergyKwh)
          .put("second_life_inspection.note", note);
    }

    public void validate(String field, Violations v) {
      Registration.positive(v, field + ".state_of_health_percent", stateOfHealthPercent, 110);
      Registration.positive(v, field + ".usable_energy_kwh", usableEnergyKwh, 10_000);
      checkNote(v, field + ".note", note);
    }
  }

  /** Taken out of second-life service; it goes round the loop again from REMOVED. */
  record Decommissioning(String note) implements Step {
    public StepType type() {
      return StepType.DECOMMISSIONING;
    }

    public void writeTo(CanonicalFields f) {
      f.put("decommissioning.note", note);
    }

    public void validate(String field, Violations v) {
      checkNote(v, field + ".note", note);
    }
  }

  /** A material lot a recycling makes: {@code materialLots/{id}}. */
  record LotOutput(String id, MaterialProduct product, double massKg, ElementMasses elements) {
    public LotOutput {
      massKg = CanonicalFields.round(massKg);
    }
  }

  /**
   * Units consumed into material lots: the unit the step is recorded against and
   * {@code otherInputs}. {@code feed} is the assayed element content of all inputs together,
   * against which the lots' element masses give the recovery rates. Creates the lots.
   */
  record Recycling(List<LotOutput> lots, ElementMasses feed, List<String> otherInputs,
      String note) implements Step {
    public Recycling {
      lots = List.copyOf(lots);
      otherInputs = List.copyOf(otherInputs);
    }

    public StepType type() {
      return StepType.RECYCLING;
    }

    public void writeTo(CanonicalFields f) {
      for (int i = 0; i < otherInputs.size(); i++) {
        f.put(listKey("recycling.input", i), otherInputs.get(i));
      }
      for (int i = 0; i < lots.size(); i++) {
        LotOutput lot = lots.get(i);
        String k = listKey("recycling.lot", i);
        f.put(k + ".id", lot.id()).put(k + ".product", lot.product())
            .putDecimal(k + ".mass_kg", lot.massKg());
        lot.elements().writeTo(f, k + ".element.");
      }
      f.put("recycling.input_count", otherInputs.size())
          .put("recycling.lot_count", lots.size()).put("recycling.note", note);
      feed.writeTo(f, "recycling.feed.");
    }

    public void validate(String field, Violations v) {
      if (lots.isEmpty() || lots.size() > 20) {
        v.add(field + ".lots", "must name 1 to 20 lots");
      }
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < lots.size(); i++) {
        LotOutput lot = lots.get(i);
        String lf = field + ".lots[" + i + "]";
        if (!ResourceNames.isId(lot.id())) {
          v.add(lf + ".lot_id", "must match " + ResourceNames.ID_RULE);
        } else if (!ids.add(lot.id())) {
          v.add(lf + ".lot_id", "names lot " + lot.id() + " twice");
        }
        if (lot.product() == null) {
          v.add(lf + ".product", "is required");
        }
        Registration.positive(v, lf + ".mass_kg", lot.massKg(), 1_000_000);
        if (lot.elements() == null) {
          v.add(lf + ".element_masses", "is required");
        } else {
          lot.elements().validate(lf + ".element_masses", lot.massKg(), v);
          if (lot.product() != null && Double.isFinite(lot.massKg())
              && lot.massKg() > lot.product().maxMassKg(lot.elements())) {
            v.add(lf + ".mass_kg", lot.product().boundReason(lot.elements(), lot.massKg()));
          }
        }
      }
      if (feed == null) {
        v.add(field + ".feed", "is required: the assayed element content of the inputs");
      } else {
        feed.validate(field + ".feed", Double.MAX_VALUE, v);
      }
      if (otherInputs.size() > MAX_UNITS) {
        v.add(field + ".other_inputs", "must name at most " + MAX_UNITS + " units");
      }
      checkCodes(v, field + ".other_inputs", otherInputs);
      checkNote(v, field + ".note", note);
    }
  }

  /** Destroyed without recovery; the end of the unit. */
  record Scrapping(String reason, String note) implements Step {
    public StepType type() {
      return StepType.SCRAPPING;
    }

    public void writeTo(CanonicalFields f) {
      f.put("scrapping.reason", reason).put("scrapping.note", note);
    }

    public void validate(String field, Violations v) {
      checkText(v, field + ".reason", reason, Text.MAX_NAME,
          "why the unit was destroyed without recovery");
      checkNote(v, field + ".note", note);
    }
  }

  /**
   * Says that an earlier event of the same unit ({@code corrects}, its resource name) was wrong;
   * the earlier event stays as it was.
   */
  record Correction(String corrects, String reason) implements Step {
    public StepType type() {
      return StepType.CORRECTION;
    }

    public void writeTo(CanonicalFields f) {
      f.put("correction.corrects", corrects).put("correction.reason", reason);
    }

    public void validate(String field, Violations v) {
      if (!ResourceNames.isEvent(corrects)) {
        v.add(field + ".corrects", "must be an event name: " + ResourceNames.EVENT_RULE);
      }
      checkText(v, field + ".reason", reason, MAX_NOTE, "what was wrong and what is right");
    }
  }

  private static String listKey(String prefix, int index) {
    return prefix + "." + String.format(java.util.Locale.ROOT, "%03d", index);
  }

  private static <T> List<T> readList(CanonicalFields f, String prefix,
      java.util.function.Function<String, T> read) {
    String countKey = prefix + "_count";
    int count = Integer.parseInt(f.get(countKey));
    List<T> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(read.apply(listKey(prefix, i)));
    }
    return list;
  }

  private static void checkCount(Violations v, String field, int count) {
    if (count == 0) {
      v.add(field, "must name at least one unit");
    } else if (count > MAX_UNITS) {
      v.add(field, "must name at most " + MAX_UNITS + " units, got " + count);
    }
  }

  private static void checkCodes(Violations v, String field, List<String> codes) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < codes.size(); i++) {
      checkCode(v, field + "[" + i + "]", codes.get(i), null);
      if (codes.get(i) != null && !seen.add(codes.get(i))) {
        v.add(field + "[" + i + "]", "names " + codes.get(i) + " twice");
      }
    }
  }

  private static void checkCode(Violations v, String field, String code, UnitLevel level) {
    try {
      BatteryCode.parse(field, code, level);
    } catch (InvalidArgumentException e) {
      v.addAll(e.violations());
    }
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

  /**
   * A required text: not blank, at most {@code max}, no control characters (a reason may run
   * over lines, as a note may).
   */
  private static void checkText(Violations v, String field, String text, int max, String what) {
    if (text == null || text.isBlank()) {
      v.add(field, "is required: " + what);
    } else {
      Text.check(v, field, text, max, field.endsWith(".reason"));
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
