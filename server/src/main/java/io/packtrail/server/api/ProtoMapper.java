package io.packtrail.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
import io.packtrail.server.domain.Lifecycle;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.StateOfHealth;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.UnitState;
import io.packtrail.v1.Label;
import io.packtrail.v1.LabelKey;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelStatus;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * Proto messages <-> domain values, field by field, without judging them: the checks of what a
 * request may say are {@link Requests}'.
 */
final class ProtoMapper {
  private ProtoMapper() {}

  // ---- enums: proto names are the domain names behind the enum's prefix ----

  static <D extends Enum<D>> D toDomain(Class<D> type, Enum<?> proto, String prefix) {
    String name = proto.name();
    if (!name.startsWith(prefix) || name.endsWith("_UNSPECIFIED")) {
      return null; // UNSPECIFIED or UNRECOGNIZED
    }
    return Enum.valueOf(type, name.substring(prefix.length()));
  }

  static <P extends Enum<P>> P toProto(Class<P> type, Enum<?> domain, String prefix) {
    if (domain == null) {
      return Enum.valueOf(type, prefix + "UNSPECIFIED");
    }
    // looked up once per domain value: large answers (a 1,000-node lineage) map thousands
    Map<Enum<?>, Enum<?>> known = PROTO_VALUES.get(type);
    Enum<?> p = known.get(domain);
    if (p == null) {
      p = Enum.valueOf(type, prefix + domain.name());
      known.put(domain, p);
    }
    return type.cast(p);
  }

  /** Per proto enum type, the proto value of each domain value met so far. */
  private static final ClassValue<Map<Enum<?>, Enum<?>>> PROTO_VALUES = new ClassValue<>() {
    @Override
    protected Map<Enum<?>, Enum<?>> computeValue(Class<?> type) {
      return new java.util.concurrent.ConcurrentHashMap<>();
    }
  };

  static UnitLevel level(io.packtrail.v1.UnitLevel p) {
    return toDomain(UnitLevel.class, p, "UNIT_LEVEL_");
  }

  static Chemistry chemistry(io.packtrail.v1.Chemistry p) {
    return toDomain(Chemistry.class, p, "CHEMISTRY_");
  }

  static LifecycleState state(io.packtrail.v1.LifecycleState p) {
    return toDomain(LifecycleState.class, p, "LIFECYCLE_STATE_");
  }

  static OrganizationRole role(io.packtrail.v1.OrganizationRole p) {
    return toDomain(OrganizationRole.class, p, "ORGANIZATION_ROLE_");
  }

  // ---- time ----

  static Timestamp timestamp(Instant t) {
    return t == null ? Timestamp.getDefaultInstance()
        : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  // ---- registry ----

  static io.packtrail.v1.Organization toProto(Organization o) {
    io.packtrail.v1.Organization.Builder b = io.packtrail.v1.Organization.newBuilder()
        .setName(o.name())
        .setDisplayName(o.displayName())
        .setRegionCode(o.regionCode())
        .setManufacturerCode(nullToEmpty(o.manufacturerCode()))
        .setCreateTime(timestamp(o.createTime()))
        .setUnifiedSocialCreditCode(nullToEmpty(o.unifiedSocialCreditCode()))
        .setEuOperatorId(nullToEmpty(o.euOperatorId()));
    o.roles().stream().sorted().forEach(r -> b.addRoles(
        toProto(io.packtrail.v1.OrganizationRole.class, r, "ORGANIZATION_ROLE_")));
    return b.build();
  }

  static io.packtrail.v1.Site toProto(Site s) {
    return io.packtrail.v1.Site.newBuilder()
        .setName(s.name())
        .setDisplayName(s.displayName())
        .setKind(toProto(io.packtrail.v1.SiteKind.class, s.kind(), "SITE_KIND_"))
        .setRegionCode(s.regionCode())
        .setAddress(s.address())
        .setLatitude(s.latitude())
        .setLongitude(s.longitude())
        .setCreateTime(timestamp(s.createTime()))
        .setAnnualCapacityTonnes(s.annualCapacityTonnes() == null ? 0 : s.annualCapacityTonnes())
        .build();
  }

  // ---- units ----

  static io.packtrail.v1.Unit toProto(Unit u) {
    UnitState s = u.current();
    io.packtrail.v1.Unit.Builder b = io.packtrail.v1.Unit.newBuilder()
        .setName(ResourceNames.unit(s.code()))
        .setCode(s.code())
        .setLevel(toProto(io.packtrail.v1.UnitLevel.class, s.level(), "UNIT_LEVEL_"))
        .setChemistry(toProto(io.packtrail.v1.Chemistry.class, s.chemistry(), "CHEMISTRY_"))
        .setRatedEnergyKwh(u.ratedEnergyKwh())
        .setRatedCapacityAh(u.ratedCapacityAh())
        .setNominalVoltageV(u.nominalVoltageV())
        .setMassKg(u.massKg())
        .setMaker(u.maker())
        .setProductionDate(u.productionDate() == null ? "" : u.productionDate().toString())
        .setRepurposedCodeVariant(u.repurposedCodeVariant())
        .setState(toProto(io.packtrail.v1.LifecycleState.class, s.state(), "LIFECYCLE_STATE_"))
        .setCustodian(nullToEmpty(s.custodian()))
        .setCustodianSite(nullToEmpty(s.custodianSite()))
        .setVin(nullToEmpty(s.vin()))
        .setGrade(toProto(io.packtrail.v1.Grade.class, s.grade(), "GRADE_"))
        .setShipmentDestination(nullToEmpty(s.shipmentDestination()))
        .setEventCount(s.eventCount())
        .setHeadHash(ByteString.copyFrom(s.headHash()))
        .setCreateTime(timestamp(u.createTime()))
        .setUpdateTime(timestamp(u.updateTime()))
        .setEuStatus(toProto(io.packtrail.v1.EuStatus.class, s.euStatus(), "EU_STATUS_"));
    if (s.state() != null) {
      Lifecycle.allowedSteps(s.state()).forEach(step -> b.addNextSteps(step.key()));
    }
    if (s.stateOfHealth() != null) {
      b.setStateOfHealth(toProto(s.stateOfHealth()));
    }
    return b.build();
  }

  // ---- events ----

  /** The fields of an event's canonical bytes that its proto carries besides the record's. */
  private static final io.packtrail.client.canonical.Canonical.Keys EVENT_EXTRAS =
      io.packtrail.client.canonical.Canonical.Keys.of("device", "device.signature",
          Event.SUBMITTER_KIND, Event.SUBMITTER_NAME, Event.SUBMITTER_CERTIFICATE_SERIAL,
          "step.id", "step.unit", "step.part");

  static io.packtrail.v1.Event toProto(Event e) {
    io.packtrail.v1.Event.Builder b = io.packtrail.v1.Event.newBuilder()
        .setName(e.name())
        .setEventId(e.eventId().toString())
        .setUnit(ResourceNames.unit(e.unitCode()))
        .setSequence(e.sequence())
        .setLogIndex(e.logIndex())
        .setEventTime(timestamp(e.eventTime()))
        .setRecordTime(timestamp(e.recordTime()))
        .setActorSite(e.actorSite())
        .setActorOrganization(e.actorOrganization())
        .setStateBefore(toProto(io.packtrail.v1.LifecycleState.class, e.stateBefore(),
            "LIFECYCLE_STATE_"))
        .setStateAfter(toProto(io.packtrail.v1.LifecycleState.class, e.stateAfter(),
            "LIFECYCLE_STATE_"))
        .setPreviousHash(ByteString.copyFrom(e.previousHash()))
        .setHash(ByteString.copyFrom(e.hash()))
        .setCanonicalBytes(ByteString.copyFrom(e.canonicalBytes()))
        .setLabelSerial(e.labelSerial() == null ? 0 : e.labelSerial());
    CanonicalFields fields = CanonicalFields.decode(e.canonicalBytes(), EVENT_EXTRAS);
    if (fields.get("device") != null) {
      b.setDevice(fields.get("device"));
      String signature = fields.get("device.signature");
      if (signature != null) {
        b.setDeviceSignature(ByteString.copyFrom(java.util.HexFormat.of().parseHex(signature)));
      }
    }
    if (fields.get(Event.SUBMITTER_KIND) != null) {
      b.setSubmitter(io.packtrail.v1.Submitter.newBuilder()
          .setKind(io.packtrail.v1.PrincipalKind.valueOf("PRINCIPAL_KIND_"
              + fields.get(Event.SUBMITTER_KIND)))
          .setName(nullToEmpty(fields.get(Event.SUBMITTER_NAME)))
          .setCertificateSerial(nullToEmpty(fields.get(Event.SUBMITTER_CERTIFICATE_SERIAL))));
    }
    if (Step.touchesSeveral(e.type())) {
      b.setStepId(e.stepId(fields).toString())
          .setStepUnit(ResourceNames.unit(fields.get("step.unit")))
          .setStepPart(toProto(io.packtrail.v1.StepPart.class, Event.part(fields), "STEP_PART_"));
    }
    setStep(b, e.step());
    return b.build();
  }

  /** The step's details; a step type this forgets does not compile (no default branch). */
  private static void setStep(io.packtrail.v1.Event.Builder b, Step step) {
    switch (step.type()) {
      case REGISTRATION -> {
        Step.Registration r = (Step.Registration) step;
        b.setRegistration(io.packtrail.v1.Registration.newBuilder()
            .setLevel(toProto(io.packtrail.v1.UnitLevel.class, r.level(), "UNIT_LEVEL_"))
            .setChemistry(toProto(io.packtrail.v1.Chemistry.class, r.chemistry(), "CHEMISTRY_"))
            .setRatedEnergyKwh(r.ratedEnergyKwh())
            .setRatedCapacityAh(r.ratedCapacityAh())
            .setNominalVoltageV(r.nominalVoltageV())
            .setMassKg(r.massKg())
            .setMaker(r.maker()));
      }
      case SALE -> {
        Step.Sale s = (Step.Sale) step;
        b.setSale(io.packtrail.v1.Sale.newBuilder().setVin(s.vin()).setDealer(s.dealer()));
      }
      case REMOVAL -> {
        Step.Removal r = (Step.Removal) step;
        b.setRemoval(io.packtrail.v1.Removal.newBuilder()
            .setReason(toProto(io.packtrail.v1.RemovalReason.class, r.reason(), "REMOVAL_REASON_"))
            .setNote(nullToEmpty(r.note())));
      }
      case COLLECTION -> b.setCollection(io.packtrail.v1.Collection.newBuilder()
          .setNote(nullToEmpty(((Step.Collection) step).note())));
      case SHIPMENT -> {
        Step.Shipment s = (Step.Shipment) step;
        b.setShipment(io.packtrail.v1.Shipment.newBuilder()
            .setDestinationSite(s.destinationSite()).setWaybill(s.waybill()));
      }
      case RECEIPT -> b.setReceipt(io.packtrail.v1.Receipt.newBuilder()
          .setWaybill(nullToEmpty(((Step.Receipt) step).waybill())));
      case INSPECTION -> {
        Step.Inspection i = (Step.Inspection) step;
        io.packtrail.v1.Inspection.Builder ib = io.packtrail.v1.Inspection.newBuilder()
            .setGrade(toProto(io.packtrail.v1.Grade.class, i.grade(), "GRADE_"))
            .setNote(nullToEmpty(i.note()))
            .setTestStandard(nullToEmpty(i.testStandard()))
            .setTester(nullToEmpty(i.tester()))
            .setTestDate(i.testDate() == null ? "" : i.testDate().toString());
        if (i.stateOfHealth() != null) {
          ib.setStateOfHealth(toProto(i.stateOfHealth()));
        }
        b.setInspection(ib);
      }
      case TRADE_IN -> {
        Step.TradeIn t = (Step.TradeIn) step;
        b.setTradeIn(io.packtrail.v1.TradeIn.newBuilder().setVin(t.vin())
            .setReplacement(ResourceNames.unit(t.replacement())).setNote(nullToEmpty(t.note())));
      }
      case DISMANTLING -> {
        Step.Dismantling d = (Step.Dismantling) step;
        io.packtrail.v1.Dismantling.Builder db = io.packtrail.v1.Dismantling.newBuilder()
            .setResidueKg(d.residueKg()).setNote(nullToEmpty(d.note()));
        for (Step.Child c : d.children()) {
          db.addChildren(io.packtrail.v1.DismantledChild.newBuilder().setCode(c.code())
              .setMassKg(c.massKg()).setRatedEnergyKwh(c.ratedEnergyKwh())
              .setRatedCapacityAh(c.ratedCapacityAh()).setNominalVoltageV(c.nominalVoltageV()));
        }
        b.setDismantling(db);
      }
      case ASSEMBLY -> {
        Step.Assembly a = (Step.Assembly) step;
        io.packtrail.v1.Assembly.Builder ab = io.packtrail.v1.Assembly.newBuilder()
            .setRatedEnergyKwh(a.ratedEnergyKwh()).setRatedCapacityAh(a.ratedCapacityAh())
            .setNominalVoltageV(a.nominalVoltageV()).setMassKg(a.massKg());
        a.sources().forEach(c -> ab.addSources(ResourceNames.unit(c)));
        b.setAssembly(ab);
      }
      case COMMISSIONING -> {
        Step.Commissioning c = (Step.Commissioning) step;
        b.setCommissioning(io.packtrail.v1.Commissioning.newBuilder()
            .setApplication(c.application()).setUsableEnergyKwh(c.usableEnergyKwh())
            .setNote(nullToEmpty(c.note())));
      }
      case SECOND_LIFE_INSPECTION -> {
        Step.SecondLifeInspection i = (Step.SecondLifeInspection) step;
        b.setSecondLifeInspection(io.packtrail.v1.SecondLifeInspection.newBuilder()
            .setStateOfHealthPercent(i.stateOfHealthPercent())
            .setUsableEnergyKwh(i.usableEnergyKwh()).setNote(nullToEmpty(i.note())));
      }
      case DECOMMISSIONING -> b.setDecommissioning(io.packtrail.v1.Decommissioning.newBuilder()
          .setNote(nullToEmpty(((Step.Decommissioning) step).note())));
      case RECYCLING -> {
        Step.Recycling r = (Step.Recycling) step;
        io.packtrail.v1.Recycling.Builder rb = io.packtrail.v1.Recycling.newBuilder()
            .setFeed(toProto(r.feed())).setNote(nullToEmpty(r.note()));
        for (Step.LotOutput lot : r.lots()) {
          rb.addLots(io.packtrail.v1.LotOutput.newBuilder().setLotId(lot.id())
              .setProduct(toProto(io.packtrail.v1.MaterialProduct.class, lot.product(),
                  "MATERIAL_PRODUCT_"))
              .setMassKg(lot.massKg()).setElementMasses(toProto(lot.elements())));
        }
        r.otherInputs().forEach(c -> rb.addOtherInputs(ResourceNames.unit(c)));
        b.setRecycling(rb);
      }
      case SCRAPPING -> {
        Step.Scrapping x = (Step.Scrapping) step;
        b.setScrapping(io.packtrail.v1.Scrapping.newBuilder().setReason(x.reason())
            .setNote(nullToEmpty(x.note())));
      }
      case CORRECTION -> {
        Step.Correction c = (Step.Correction) step;
        b.setCorrection(io.packtrail.v1.Correction.newBuilder().setCorrects(c.corrects())
            .setReason(c.reason()));
      }
    }
  }

  static io.packtrail.v1.ElementMasses toProto(ElementMasses m) {
    return io.packtrail.v1.ElementMasses.newBuilder().setLiKg(m.li()).setNiKg(m.ni())
        .setCoKg(m.co()).setMnKg(m.mn()).setCuKg(m.cu()).setAlKg(m.al()).build();
  }

  static io.packtrail.v1.Anomaly toProto(Anomaly a) {
    return io.packtrail.v1.Anomaly.newBuilder().setKind(a.kind())
        .setDescription(a.description()).addAllEvents(a.events())
        .setCreateTime(timestamp(a.createTime())).build();
  }

  static StateOfHealth stateOfHealth(io.packtrail.v1.StateOfHealth p) {
    return new StateOfHealth(
        p.hasStateOfCertifiedEnergyPercent() ? p.getStateOfCertifiedEnergyPercent() : null,
        p.hasCapacityFadePercent() ? p.getCapacityFadePercent() : null,
        p.hasRemainingCapacityAh() ? p.getRemainingCapacityAh() : null,
        p.hasRemainingEnergyKwh() ? p.getRemainingEnergyKwh() : null,
        p.hasPowerFadePercent() ? p.getPowerFadePercent() : null,
        p.hasInternalResistanceIncreasePercent() ? p.getInternalResistanceIncreasePercent() : null,
        p.hasNumberOfFullCycles() ? p.getNumberOfFullCycles() : null);
  }

  static io.packtrail.v1.StateOfHealth toProto(StateOfHealth s) {
    io.packtrail.v1.StateOfHealth.Builder b = io.packtrail.v1.StateOfHealth.newBuilder();
    if (s.stateOfCertifiedEnergyPercent() != null) {
      b.setStateOfCertifiedEnergyPercent(s.stateOfCertifiedEnergyPercent());
    }
    if (s.capacityFadePercent() != null) {
      b.setCapacityFadePercent(s.capacityFadePercent());
    }
    if (s.remainingCapacityAh() != null) {
      b.setRemainingCapacityAh(s.remainingCapacityAh());
    }
    if (s.remainingEnergyKwh() != null) {
      b.setRemainingEnergyKwh(s.remainingEnergyKwh());
    }
    if (s.powerFadePercent() != null) {
      b.setPowerFadePercent(s.powerFadePercent());
    }
    if (s.internalResistanceIncreasePercent() != null) {
      b.setInternalResistanceIncreasePercent(s.internalResistanceIncreasePercent());
    }
    if (s.numberOfFullCycles() != null) {
      b.setNumberOfFullCycles(s.numberOfFullCycles());
    }
    return b.build();
  }

  // ---- small helpers ----

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  // ---- labels ----

  static LabelKey toProto(LabelKeyRecord k) {
    return LabelKey.newBuilder()
        .setName(k.name())
        .setKeyId(ByteString.copyFrom(k.keyId()))
        .setPublicKey(ByteString.copyFrom(k.publicKey()))
        .setNotBefore(timestamp(k.notBefore()))
        .setNotAfter(timestamp(k.notAfter()))
        .setStatus(toProto(LabelKeyStatus.class, k.status(), "LABEL_KEY_STATUS_"))
        .setCreateTime(timestamp(k.createTime()))
        .build();
  }

  static Label toProto(LabelRecord l) {
    return Label.newBuilder()
        .setName(l.name())
        .setSerial(l.serial())
        .setUnit(ResourceNames.unit(l.unitCode()))
        .setText(l.text())
        .setKey(ResourceNames.labelKey(l.issuerId(), HexFormat.of().formatHex(l.keyId())))
        .setIssueTime(timestamp(l.issuedAt()))
        .setStatus(toProto(LabelStatus.class, l.status(), "LABEL_STATUS_"))
        .setSupersededBy(l.supersededBy() == null ? 0 : l.supersededBy())
        .build();
  }

  /**
   * The public part of a unit (EU access tiers): identity, maker, chemistry, rated figures and
   * status, copied field by field so that a field added later stays restricted until it is
   * named here. Custody, VIN, state of health, grade, shipment, history (event count, head hash,
   * update time) and anomalies are left out.
   */
  static io.packtrail.v1.Unit publicPart(io.packtrail.v1.Unit u) {
    return io.packtrail.v1.Unit.newBuilder()
        .setName(u.getName())
        .setCode(u.getCode())
        .setLevel(u.getLevel())
        .setChemistry(u.getChemistry())
        .setRatedEnergyKwh(u.getRatedEnergyKwh())
        .setRatedCapacityAh(u.getRatedCapacityAh())
        .setNominalVoltageV(u.getNominalVoltageV())
        .setMassKg(u.getMassKg())
        .setMaker(u.getMaker())
        .setProductionDate(u.getProductionDate())
        .setRepurposedCodeVariant(u.getRepurposedCodeVariant())
        .setState(u.getState())
        .setEuStatus(u.getEuStatus())
        .addAllNextSteps(u.getNextStepsList())
        .setCreateTime(u.getCreateTime())
        .build();
  }
}
