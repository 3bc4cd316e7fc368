package io.packtrail.scanner;

import io.packtrail.v1.Collection;
import io.packtrail.v1.DismantledChild;
import io.packtrail.v1.Dismantling;
import io.packtrail.v1.Grade;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.Shipment;
import io.packtrail.v1.StateOfHealth;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The step to record and its details, as flags (batch use). */
final class StepOptions {
  /** The steps a station or plant worker records with the scanner. */
  enum Step {
    collect, receive, inspect, ship, dismantle;

    /** The request's step field, as the server names it. */
    String key() {
      return switch (this) {
        case collect -> "collection";
        case receive -> "receipt";
        case inspect -> "inspection";
        case ship -> "shipment";
        case dismantle -> "dismantling";
      };
    }
  }

  @Option(names = "--step", paramLabel = "STEP",
      description = "record this step for every scanned label: ${COMPLETION-CANDIDATES}. "
          + "collect [--note]; receive [--waybill]; ship --to SITE --waybill; inspect --grade "
          + "--tester [--soh --capacity-fade --cycles --test-standard --test-date --note]; "
          + "dismantle --child ... [--residue-kg --note] (one pack per run)")
  Step step;

  @Option(names = "--note", description = "free text (collect, inspect, dismantle), at most 500 "
      + "characters")
  String note;

  @Option(names = "--waybill", description = "carrier's waybill number (ship; receive: checked "
      + "against the shipment's)")
  String waybill;

  @Option(names = "--to", paramLabel = "SITE",
      description = "ship: destination site, organizations/ORG/sites/SITE")
  String to;

  @Option(names = "--grade", description = "inspect: A, B, C or D")
  String grade;

  @Option(names = "--soh", paramLabel = "PERCENT",
      description = "inspect: state of certified energy, percent of rated (0-110)")
  Double soh;

  @Option(names = "--capacity-fade", paramLabel = "PERCENT", description = "inspect: 0-100")
  Double capacityFade;

  @Option(names = "--cycles", description = "inspect: number of full cycles")
  Long cycles;

  @Option(names = "--test-standard", defaultValue = "GB/T 34015-2017",
      description = "inspect: the standard tested to (default ${DEFAULT-VALUE})")
  String testStandard;

  @Option(names = "--tester", description = "inspect: who tested the unit (laboratory or person)")
  String tester;

  @Option(names = "--test-date", paramLabel = "YYYY-MM-DD",
      description = "inspect: date of the test (default today, UTC)")
  String testDate;

  @Option(names = "--child", paramLabel = "CODE:KG[:KWH:AH:V]",
      description = "dismantle: a child (module of a pack, cell of a module): its code and mass "
          + "in kg, optionally its rated energy, capacity and nominal voltage; repeat per child")
  List<String> children = new ArrayList<>();

  @Option(names = "--residue-kg", description = "dismantle: casing, wiring, BMS, electrolyte "
      + "loss, in kg")
  Double residueKg;

  /** Checks the details the chosen step needs; a usage error names what is missing. */
  void validate() {
    if (step == null) {
      return;
    }
    switch (step) {
      case ship -> {
        require(to, "--to SITE (where the unit goes)");
        require(waybill, "--waybill (the carrier's waybill number)");
      }
      case inspect -> {
        require(grade, "--grade A|B|C|D");
        grade();
        require(tester, "--tester (who tested the unit)");
      }
      case dismantle -> {
        if (children.isEmpty()) {
          throw new IllegalArgumentException("--step dismantle needs --child CODE:KG for each "
              + "child");
        }
        children.forEach(StepOptions::child);
      }
      default -> { }
    }
  }

  private void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--step " + step + " needs " + what);
    }
  }

  /** Sets the step and its details on {@code b}. */
  RecordEventRequest.Builder apply(RecordEventRequest.Builder b) {
    switch (step) {
      case collect -> b.setCollection(Collection.newBuilder().setNote(nz(note)));
      case receive -> b.setReceipt(Receipt.newBuilder().setWaybill(nz(waybill)));
      case ship -> b.setShipment(Shipment.newBuilder().setDestinationSite(to)
          .setWaybill(nz(waybill)));
      case inspect -> {
        StateOfHealth.Builder h = StateOfHealth.newBuilder();
        if (soh != null) {
          h.setStateOfCertifiedEnergyPercent(soh);
        }
        if (capacityFade != null) {
          h.setCapacityFadePercent(capacityFade);
        }
        if (cycles != null) {
          h.setNumberOfFullCycles(cycles);
        }
        Inspection.Builder i = Inspection.newBuilder().setGrade(grade()).setNote(nz(note))
            .setTestStandard(nz(testStandard)).setTester(tester)
            .setTestDate(testDate != null ? testDate
                : LocalDate.now(ZoneOffset.UTC).toString());
        if (soh != null || capacityFade != null || cycles != null) {
          i.setStateOfHealth(h);
        }
        b.setInspection(i);
      }
      case dismantle -> {
        Dismantling.Builder d = Dismantling.newBuilder().setNote(nz(note));
        children.forEach(c -> d.addChildren(child(c)));
        if (residueKg != null) {
          d.setResidueKg(residueKg);
        }
        b.setDismantling(d);
      }
      default -> throw new IllegalStateException(step.name());
    }
    return b;
  }

  private Grade grade() {
    try {
      return Grade.valueOf("GRADE_" + grade.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--grade must be A, B, C or D, got '" + grade + "'");
    }
  }

  static DismantledChild child(String spec) {
    String[] parts = spec.split(":");
    if (parts.length != 2 && parts.length != 5) {
      throw new IllegalArgumentException("--child must be CODE:KG or CODE:KG:KWH:AH:V, got '"
          + spec + "'");
    }
    try {
      DismantledChild.Builder c = DismantledChild.newBuilder().setCode(parts[0].trim())
          .setMassKg(Double.parseDouble(parts[1]));
      if (parts.length == 5) {
        c.setRatedEnergyKwh(Double.parseDouble(parts[2]))
            .setRatedCapacityAh(Double.parseDouble(parts[3]))
            .setNominalVoltageV(Double.parseDouble(parts[4]));
      }
      return c.build();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--child '" + spec + "': the mass and ratings must be "
          + "numbers");
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
