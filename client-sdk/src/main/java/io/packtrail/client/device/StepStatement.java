package io.packtrail.client.device;

import com.google.protobuf.Timestamp;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.v1.DismantledChild;
import io.packtrail.v1.ElementMasses;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.LotOutput;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.StateOfHealth;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The statement a device signs for a step (docs/formats.md, Device signatures): the canonical
 * encoding of the request's own fields (section 5's digest input: {@code event.id},
 * {@code event.type}, {@code event.time}, {@code unit.code}, {@code actor.site},
 * {@code label.serial} when a label is scanned, every field of the step) plus {@code device}.
 * It is computed from the request alone, so a device can sign offline; the server computes the
 * same bytes from the same request (its contract test checks this for every documented vector
 * and the demo's steps).
 *
 * <p>This is a port of the server's canonical spelling: UUID in lower case, times truncated to
 * microseconds, measurements as decimals with three digits (half to even, from the double's
 * exact value), enum values without their type prefix, units named {@code units/{code}} written
 * as codes, lists as {@code prefix.NNN} plus a count. Only a request the server would accept
 * has a meaningful statement; a request that breaks the API's rules gets some bytes or an
 * {@link IllegalArgumentException}, and the server refuses it for its own reasons.
 */
public final class StepStatement {
  private static final String UNIT_PREFIX = "units/";
  private static final String[] ELEMENTS = {"li", "ni", "co", "mn", "cu", "al"};

  private StepStatement() {}

  /**
   * The statement of {@code request} signed by {@code device} (its resource name). The request
   * must carry its {@code event_id} and {@code event_time}: they are part of what is signed.
   *
   * @throws IllegalArgumentException when the request has no step, event id or event time, or
   *     its label text cannot be decoded
   */
  public static byte[] of(RecordEventRequest request, String device) {
    return fields(request, device).encode();
  }

  /** The statement's fields as key -> value, in canonical (byte) order; for display. */
  public static SortedMap<String, String> fieldsOf(RecordEventRequest request, String device) {
    return java.util.Collections.unmodifiableSortedMap(fields(request, device).map);
  }

  private static Fields fields(RecordEventRequest r, String device) {
    if (r.getEventId().isEmpty() || !r.hasEventTime()) {
      throw new IllegalArgumentException("the request needs its event_id and event_time before "
          + "it is signed: both are part of the statement");
    }
    if (r.getStepCase() == RecordEventRequest.StepCase.STEP_NOT_SET) {
      throw new IllegalArgumentException("the request has no step");
    }
    Fields f = new Fields();
    f.put("device", device);
    f.put("event.id", UUID.fromString(r.getEventId()).toString());
    f.put("event.type", r.getStepCase().name().toLowerCase(Locale.ROOT));
    f.put("event.time", time(r.getEventTime()));
    f.put("unit.code", code(r.getUnit()));
    f.put("actor.site", r.getActorSite());
    if (!r.getLabelText().isEmpty()) {
      f.put("label.serial", Long.toString(
          LabelCodec.decodeWithPayload(r.getLabelText()).payload().getSerial()));
    }
    step(r, f);
    return f;
  }

  private static void step(RecordEventRequest r, Fields f) {
    switch (r.getStepCase()) {
      case SALE -> f.put("sale.vin", r.getSale().getVin())
          .put("sale.dealer", r.getSale().getDealer());
      case REMOVAL -> f.putEnum("removal.reason", r.getRemoval().getReason(), "REMOVAL_REASON_")
          .put("removal.note", r.getRemoval().getNote());
      case COLLECTION -> f.put("collection.note", r.getCollection().getNote());
      case SHIPMENT -> f.put("shipment.destination_site", r.getShipment().getDestinationSite())
          .put("shipment.waybill", r.getShipment().getWaybill());
      case RECEIPT -> f.put("receipt.waybill", r.getReceipt().getWaybill());
      case INSPECTION -> inspection(r.getInspection(), f);
      case TRADE_IN -> f.put("trade_in.vin", r.getTradeIn().getVin())
          .put("trade_in.replacement", code(r.getTradeIn().getReplacement()))
          .put("trade_in.note", r.getTradeIn().getNote());
      case DISMANTLING -> {
        List<DismantledChild> children = r.getDismantling().getChildrenList();
        for (int i = 0; i < children.size(); i++) {
          DismantledChild c = children.get(i);
          String k = listKey("dismantling.child", i);
          f.put(k + ".code", c.getCode()).decimal(k + ".mass_kg", c.getMassKg())
              .decimal(k + ".rated_energy_kwh", c.getRatedEnergyKwh())
              .decimal(k + ".rated_capacity_ah", c.getRatedCapacityAh())
              .decimal(k + ".nominal_voltage_v", c.getNominalVoltageV());
        }
        f.put("dismantling.child_count", Integer.toString(children.size()))
            .decimal("dismantling.residue_kg", r.getDismantling().getResidueKg())
            .put("dismantling.note", r.getDismantling().getNote());
      }
      case ASSEMBLY -> {
        List<String> sources = r.getAssembly().getSourcesList();
        for (int i = 0; i < sources.size(); i++) {
          f.put(listKey("assembly.source", i), code(sources.get(i)));
        }
        f.put("assembly.source_count", Integer.toString(sources.size()))
            .decimal("assembly.rated_energy_kwh", r.getAssembly().getRatedEnergyKwh())
            .decimal("assembly.rated_capacity_ah", r.getAssembly().getRatedCapacityAh())
            .decimal("assembly.nominal_voltage_v", r.getAssembly().getNominalVoltageV())
            .decimal("assembly.mass_kg", r.getAssembly().getMassKg());
      }
      case COMMISSIONING -> f.put("commissioning.application",
              r.getCommissioning().getApplication())
          .decimal("commissioning.usable_energy_kwh", r.getCommissioning().getUsableEnergyKwh())
          .put("commissioning.note", r.getCommissioning().getNote());
      case SECOND_LIFE_INSPECTION -> f.decimal("second_life_inspection.state_of_health_percent",
              r.getSecondLifeInspection().getStateOfHealthPercent())
          .decimal("second_life_inspection.usable_energy_kwh",
              r.getSecondLifeInspection().getUsableEnergyKwh())
          .put("second_life_inspection.note", r.getSecondLifeInspection().getNote());
      case DECOMMISSIONING -> f.put("decommissioning.note", r.getDecommissioning().getNote());
      case RECYCLING -> {
        List<String> inputs = r.getRecycling().getOtherInputsList();
        for (int i = 0; i < inputs.size(); i++) {
          f.put(listKey("recycling.input", i), code(inputs.get(i)));
        }
        List<LotOutput> lots = r.getRecycling().getLotsList();
        for (int i = 0; i < lots.size(); i++) {
          LotOutput lot = lots.get(i);
          String k = listKey("recycling.lot", i);
          f.put(k + ".id", lot.getLotId())
              .putEnum(k + ".product", lot.getProduct(), "MATERIAL_PRODUCT_")
              .decimal(k + ".mass_kg", lot.getMassKg());
          elements(f, k + ".element.", lot.getElementMasses());
        }
        f.put("recycling.input_count", Integer.toString(inputs.size()))
            .put("recycling.lot_count", Integer.toString(lots.size()))
            .put("recycling.note", r.getRecycling().getNote());
        elements(f, "recycling.feed.", r.getRecycling().getFeed());
      }
      case SCRAPPING -> f.put("scrapping.reason", r.getScrapping().getReason())
          .put("scrapping.note", r.getScrapping().getNote());
      case CORRECTION -> f.put("correction.corrects", r.getCorrection().getCorrects())
          .put("correction.reason", r.getCorrection().getReason());
      case STEP_NOT_SET -> throw new IllegalArgumentException("the request has no step");
    }
  }

  private static void inspection(Inspection i, Fields f) {
    if (i.hasStateOfHealth()) {
      StateOfHealth s = i.getStateOfHealth();
      String p = "inspection.soh.";
      if (s.hasStateOfCertifiedEnergyPercent()) {
        f.decimal(p + "state_of_certified_energy_percent", s.getStateOfCertifiedEnergyPercent());
      }
      if (s.hasCapacityFadePercent()) {
        f.decimal(p + "capacity_fade_percent", s.getCapacityFadePercent());
      }
      if (s.hasRemainingCapacityAh()) {
        f.decimal(p + "remaining_capacity_ah", s.getRemainingCapacityAh());
      }
      if (s.hasRemainingEnergyKwh()) {
        f.decimal(p + "remaining_energy_kwh", s.getRemainingEnergyKwh());
      }
      if (s.hasPowerFadePercent()) {
        f.decimal(p + "power_fade_percent", s.getPowerFadePercent());
      }
      if (s.hasInternalResistanceIncreasePercent()) {
        f.decimal(p + "internal_resistance_increase_percent",
            s.getInternalResistanceIncreasePercent());
      }
      if (s.hasNumberOfFullCycles()) {
        f.put(p + "number_of_full_cycles", Long.toString(s.getNumberOfFullCycles()));
      }
    }
    f.putEnum("inspection.grade", i.getGrade(), "GRADE_").put("inspection.note", i.getNote())
        .put("inspection.test_standard", i.getTestStandard())
        .put("inspection.tester", i.getTester()).put("inspection.test_date", i.getTestDate());
  }

  /** The six element keys, always written: 0.000 for an element left out. */
  private static void elements(Fields f, String prefix, ElementMasses m) {
    double[] values = {m.getLiKg(), m.getNiKg(), m.getCoKg(), m.getMnKg(), m.getCuKg(),
        m.getAlKg()};
    for (int i = 0; i < ELEMENTS.length; i++) {
      f.decimal(prefix + ELEMENTS[i] + "_kg", values[i]);
    }
  }

  /** A unit name's code; an empty name is left out, another text is written as it is. */
  private static String code(String unitName) {
    return unitName.startsWith(UNIT_PREFIX) ? unitName.substring(UNIT_PREFIX.length())
        : unitName;
  }

  private static String listKey(String prefix, int index) {
    return prefix + "." + String.format(Locale.ROOT, "%03d", index);
  }

  /** UTC, exactly six fractional digits, truncated (not rounded) to the microsecond. */
  static String time(Timestamp t) {
    return Canonical.time(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  /** The double's exact value rounded half to even to three fractional digits, plain. */
  static String decimal(double value) {
    return Canonical.decimal(value);
  }

  /** Sorted key/value text fields, encoded as u16 key length, key, u32 value length, value. */
  private static final class Fields {
    private final SortedMap<String, String> map = new TreeMap<>();

    /** An empty value means "not given" and is left out, as everywhere in the format. */
    Fields put(String key, String value) {
      if (value != null && !value.isEmpty()) {
        map.put(key, value);
      }
      return this;
    }

    Fields decimal(String key, double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException(key + " must be a finite number, got " + value);
      }
      return put(key, StepStatement.decimal(value));
    }

    Fields putEnum(String key, Enum<?> value, String prefix) {
      String name = value.name();
      return put(key, name.startsWith(prefix) && !name.endsWith("_UNSPECIFIED")
          ? name.substring(prefix.length()) : null);
    }

    byte[] encode() {
      return Canonical.encode(map);
    }
  }
}
