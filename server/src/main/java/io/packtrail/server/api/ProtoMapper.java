package io.packtrail.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.packtrail.server.domain.BatteryCode;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.Grade;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.RemovalReason;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.StateOfHealth;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.UnitState;
import io.packtrail.server.domain.Violations;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Proto messages <-> domain records, with the stateless input checks of each request. */
final class ProtoMapper {
  /** How far ahead of the server clock an event time may be (clock skew of field devices). */
  static final Duration MAX_FUTURE = Duration.ofMinutes(5);
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  /** Test dates are local: the latest time zone is 14 hours ahead of UTC. */
  static final Duration LATEST_ZONE = Duration.ofHours(14);
  /** A printed label is about 250 characters; anything far longer is not a label. */
  static final int MAX_LABEL_TEXT = 1000;

  private final Clock clock;

  ProtoMapper(Clock clock) {
    this.clock = clock;
  }

  // ---- enums: proto names are the domain names behind the enum's prefix ----

  static <D extends Enum<D>> D toDomain(Class<D> type, Enum<?> proto, String prefix) {
    String name = proto.name();
    if (!name.startsWith(prefix) || name.endsWith("_UNSPECIFIED")) {
      return null; // UNSPECIFIED or UNRECOGNIZED
    }
    return Enum.valueOf(type, name.substring(prefix.length()));
  }

  static <P extends Enum<P>> P toProto(Class<P> type, Enum<?> domain, String prefix) {
    return Enum.valueOf(type, domain == null ? prefix + "UNSPECIFIED" : prefix + domain.name());
  }

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

  /**
   * Refuses an enum number this server does not know (a list filter would otherwise read it as
   * "no filter"); {@code number} is the raw value, e.g. {@code getStateValue()}.
   */
  static void checkKnown(Violations v, String field, Enum<?> proto, int number) {
    if (proto.name().equals("UNRECOGNIZED")) {
      v.add(field, "is not a known value of this API: " + number);
    }
  }

  // ---- time ----

  static Timestamp timestamp(Instant t) {
    return t == null ? Timestamp.getDefaultInstance()
        : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  Instant eventTime(Violations v, String field, boolean present, Timestamp t) {
    if (!present) {
      v.add(field, "is required");
      return null;
    }
    if (t.getNanos() < 0 || t.getNanos() > 999_999_999) {
      v.add(field, "nanos must be between 0 and 999999999");
      return null;
    }
    // seconds beyond what an Instant holds are clamped: the range checks below then refuse them
    long seconds = Math.max(Instant.MIN.getEpochSecond(),
        Math.min(Instant.MAX.getEpochSecond(), t.getSeconds()));
    Instant time = Instant.ofEpochSecond(seconds, t.getNanos());
    if (time.isBefore(EARLIEST)) {
      v.add(field, "must not be before " + EARLIEST);
    } else if (time.isAfter(clock.instant().plus(MAX_FUTURE))) {
      v.add(field, "must not be more than " + MAX_FUTURE.toMinutes()
          + " minutes ahead of the server clock (" + clock.instant() + ")");
    }
    return time;
  }

  // ---- registry ----

  static Organization organization(String id, io.packtrail.v1.Organization p, Instant now) {
    Set<OrganizationRole> roles = EnumSet.noneOf(OrganizationRole.class);
    Violations v = new Violations();
    int maxRoles = OrganizationRole.values().length;
    if (p.getRolesCount() > maxRoles) {
      v.add("organization.roles", "must name at most " + maxRoles + " roles, got "
          + p.getRolesCount());
    }
    for (int i = 0; i < Math.min(p.getRolesCount(), maxRoles); i++) {
      OrganizationRole role = role(p.getRoles(i));
      if (role == null) {
        v.add("organization.roles[" + i + "]", "must be a known role, not UNSPECIFIED");
      } else {
        roles.add(role);
      }
    }
    Organization o = new Organization(id, p.getDisplayName(), roles, p.getRegionCode(),
        emptyToNull(p.getManufacturerCode()), now, emptyToNull(p.getUnifiedSocialCreditCode()),
        emptyToNull(p.getEuOperatorId()));
    o.validate(v);
    v.throwIfAny();
    return o;
  }

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

  static Site site(String organizationId, String siteId, io.packtrail.v1.Site p, Instant now) {
    Site s = new Site(organizationId, siteId, p.getDisplayName(),
        toDomain(SiteKind.class, p.getKind(), "SITE_KIND_"), p.getRegionCode(), p.getAddress(),
        p.getLatitude(), p.getLongitude(), now);
    Violations v = new Violations();
    s.validate(v);
    v.throwIfAny();
    return s;
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
        .build();
  }

  // ---- units ----

  /** A registration request as a submission; {@code prefix} is "" or "requests[i]." in batches. */
  Submission registration(RegisterUnitRequest r, String prefix) {
    Violations v = new Violations();
    UUID id = uuid(v, prefix + "request_id", r.getRequestId());
    io.packtrail.v1.Registration p = r.getRegistration();
    Step.Registration step = new Step.Registration(level(p.getLevel()),
        chemistry(p.getChemistry()), p.getRatedEnergyKwh(), p.getRatedCapacityAh(),
        p.getNominalVoltageV(), p.getMassKg(), emptyToNull(p.getMaker()));
    if (!r.hasRegistration()) {
      v.add(prefix + "registration", "is required");
    } else {
      step.validate(prefix + "registration", v);
    }
    String code = code(v, prefix + "code", r.getCode(), step);
    actorSite(v, prefix + "actor_site", r.getActorSite());
    Instant time = eventTime(v, prefix + "event_time", r.hasEventTime(), r.getEventTime());
    v.throwIfAny();
    return new Submission(id, code, time, r.getActorSite(), step);
  }

  private static String code(Violations v, String field, String code, Step.Registration step) {
    try {
      BatteryCode parsed = step.level() == null ? BatteryCode.parse(field, code)
          : BatteryCode.parse(field, code, step.level());
      if (step.chemistry() != null) {
        v.addAll(parsed.checkChemistry(field, step.chemistry()));
      }
      return parsed.text();
    } catch (io.packtrail.server.domain.InvalidArgumentException e) {
      v.addAll(e.violations());
      return code;
    }
  }

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
        .setUpdateTime(timestamp(u.updateTime()));
    if (s.stateOfHealth() != null) {
      b.setStateOfHealth(toProto(s.stateOfHealth()));
    }
    return b.build();
  }

  // ---- events ----

  /** A step request as a submission; {@code prefix} is "" or "requests[i]." in batches. */
  Submission submission(RecordEventRequest r, String prefix) {
    Violations v = new Violations();
    UUID id = uuid(v, prefix + "event_id", r.getEventId());
    String code = ResourceNames.unitCode(v, prefix + "unit", emptyToNull(r.getUnit()));
    if (code != null) {
      try {
        code = BatteryCode.parse(prefix + "unit", code).text();
      } catch (io.packtrail.server.domain.InvalidArgumentException e) {
        v.addAll(e.violations());
      }
    }
    actorSite(v, prefix + "actor_site", r.getActorSite());
    Instant time = eventTime(v, prefix + "event_time", r.hasEventTime(), r.getEventTime());
    Text.check(v, prefix + "label_text", r.getLabelText(), MAX_LABEL_TEXT, false);
    Step step = step(r);
    if (step == null) {
      v.add(prefix + "step", "exactly one step (sale, removal, collection, shipment, receipt,"
          + " inspection) is required");
    } else {
      step.validate(prefix + step.type().key(), v);
      checkTestDate(v, prefix + "inspection.test_date", r.getInspection().getTestDate(), step,
          time);
    }
    v.throwIfAny();
    return new Submission(id, code, time, r.getActorSite(), step);
  }

  /** A test date that is not a date is kept as an invalid marker so the check can name it. */
  private static final LocalDate UNREADABLE_DATE = LocalDate.MIN;

  private static LocalDate testDate(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return UNREADABLE_DATE;
    }
  }

  /** A test precedes its record: the test date may not be after the event_time's date. */
  private static void checkTestDate(Violations v, String field, String text, Step step,
      Instant eventTime) {
    if (!(step instanceof Step.Inspection i) || i.testDate() == null) {
      return;
    }
    if (i.testDate() == UNREADABLE_DATE || !text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
      v.add(field, "must be a date YYYY-MM-DD, got '" + ResourceNames.abbreviate(text) + "'");
    } else if (eventTime != null
        && i.testDate().isAfter(LocalDate.ofInstant(eventTime.plus(LATEST_ZONE), ZoneOffset.UTC))) {
      v.add(field, "must not be after the event_time (" + eventTime + ")");
    } else if (i.testDate().isBefore(LocalDate.ofInstant(EARLIEST, ZoneOffset.UTC))) {
      v.add(field, "must not be before " + LocalDate.ofInstant(EARLIEST, ZoneOffset.UTC));
    }
  }

  private static Step step(RecordEventRequest r) {
    return switch (r.getStepCase()) {
      case SALE -> new Step.Sale(emptyToNull(r.getSale().getVin()),
          emptyToNull(r.getSale().getDealer()));
      case REMOVAL -> new Step.Removal(
          toDomain(RemovalReason.class, r.getRemoval().getReason(), "REMOVAL_REASON_"),
          emptyToNull(r.getRemoval().getNote()));
      case COLLECTION -> new Step.Collection(emptyToNull(r.getCollection().getNote()));
      case SHIPMENT -> new Step.Shipment(emptyToNull(r.getShipment().getDestinationSite()),
          emptyToNull(r.getShipment().getWaybill()));
      case RECEIPT -> new Step.Receipt(emptyToNull(r.getReceipt().getWaybill()));
      case INSPECTION -> new Step.Inspection(
          r.getInspection().hasStateOfHealth()
              ? stateOfHealth(r.getInspection().getStateOfHealth()) : null,
          toDomain(Grade.class, r.getInspection().getGrade(), "GRADE_"),
          emptyToNull(r.getInspection().getNote()),
          emptyToNull(r.getInspection().getTestStandard()),
          emptyToNull(r.getInspection().getTester()), testDate(r.getInspection().getTestDate()));
      // issue 7: recorded through the Sequencer today; the API mapping comes in its second phase
      case TRADE_IN, DISMANTLING, ASSEMBLY, COMMISSIONING, SECOND_LIFE_INSPECTION,
          DECOMMISSIONING, RECYCLING, SCRAPPING, CORRECTION -> throw new InvalidArgumentException(
              r.getStepCase().name().toLowerCase(java.util.Locale.ROOT),
              "this step cannot be recorded through the API yet");
      case STEP_NOT_SET -> null;
    };
  }

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
    Step step = e.step();
    if (step instanceof Step.Registration r) {
      b.setRegistration(io.packtrail.v1.Registration.newBuilder()
          .setLevel(toProto(io.packtrail.v1.UnitLevel.class, r.level(), "UNIT_LEVEL_"))
          .setChemistry(toProto(io.packtrail.v1.Chemistry.class, r.chemistry(), "CHEMISTRY_"))
          .setRatedEnergyKwh(r.ratedEnergyKwh())
          .setRatedCapacityAh(r.ratedCapacityAh())
          .setNominalVoltageV(r.nominalVoltageV())
          .setMassKg(r.massKg())
          .setMaker(r.maker()));
    } else if (step instanceof Step.Sale s) {
      b.setSale(io.packtrail.v1.Sale.newBuilder().setVin(s.vin()).setDealer(s.dealer()));
    } else if (step instanceof Step.Removal r) {
      b.setRemoval(io.packtrail.v1.Removal.newBuilder()
          .setReason(toProto(io.packtrail.v1.RemovalReason.class, r.reason(), "REMOVAL_REASON_"))
          .setNote(nullToEmpty(r.note())));
    } else if (step instanceof Step.Collection c) {
      b.setCollection(io.packtrail.v1.Collection.newBuilder().setNote(nullToEmpty(c.note())));
    } else if (step instanceof Step.Shipment s) {
      b.setShipment(io.packtrail.v1.Shipment.newBuilder()
          .setDestinationSite(s.destinationSite()).setWaybill(s.waybill()));
    } else if (step instanceof Step.Receipt r) {
      b.setReceipt(io.packtrail.v1.Receipt.newBuilder().setWaybill(nullToEmpty(r.waybill())));
    } else if (step instanceof Step.Inspection i) {
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
    return b.build();
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

  private static void actorSite(Violations v, String field, String site) {
    if (site.isEmpty()) {
      v.add(field, "is required");
    } else if (!ResourceNames.isSite(site)) {
      v.add(field, "must be a name of the form organizations/{id}/sites/{id}, got '"
          + ResourceNames.abbreviate(site) + "'");
    }
  }

  static UUID uuid(Violations v, String field, String text) {
    if (text.isEmpty()) {
      v.add(field, "is required: a client-chosen UUID that makes retries safe");
      return null;
    }
    try {
      UUID id = UUID.fromString(text);
      if (text.length() != 36 || !id.toString().equalsIgnoreCase(text)) {
        throw new IllegalArgumentException();
      }
      return id;
    } catch (IllegalArgumentException e) {
      v.add(field, "must be a UUID in 8-4-4-4-12 hex form, got '"
          + ResourceNames.abbreviate(text) + "'");
      return null;
    }
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
