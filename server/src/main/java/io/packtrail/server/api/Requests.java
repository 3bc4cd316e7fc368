package io.packtrail.server.api;

import static io.packtrail.server.api.ProtoMapper.chemistry;
import static io.packtrail.server.api.ProtoMapper.emptyToNull;
import static io.packtrail.server.api.ProtoMapper.level;
import static io.packtrail.server.api.ProtoMapper.role;
import static io.packtrail.server.api.ProtoMapper.stateOfHealth;
import static io.packtrail.server.api.ProtoMapper.toDomain;

import com.google.protobuf.Timestamp;
import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.server.domain.BatteryCode;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Grade;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.RemovalReason;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.Violations;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The stateless input checks of the requests: each request, or part of one, becomes a domain
 * command or value, or an {@link io.packtrail.server.domain.InvalidArgumentException} naming
 * every field that breaks a rule. The plain proto <-> domain conversions are {@link ProtoMapper}'s.
 */
final class Requests {
  /** A test date as the API takes it (compiled once: it is checked on every inspection). */
  private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  /** Beyond any clock: the tolerated skew ahead of the server clock is the recorder's rule. */
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  /** Test dates are local: the latest time zone is 14 hours ahead of UTC. */
  static final Duration LATEST_ZONE = Duration.ofHours(14);
  /** A printed label is about 250 characters; anything far longer is not a label. */
  static final int MAX_LABEL_TEXT = 1000;

  /** The most requests one batch call may carry. */
  static final int MAX_BATCH = 1000;

  /** The request fields of the steps, for the message when none is set. */
  private static final String STEP_NAMES = java.util.Arrays.stream(
      RecordEventRequest.StepCase.values())
      .filter(c -> c != RecordEventRequest.StepCase.STEP_NOT_SET)
      .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

  Requests() {}

  /**
   * Refuses an enum number this server does not know (a list filter would otherwise read it as
   * "no filter"); {@code number} is the raw value, e.g. {@code getStateValue()}.
   */
  static void checkKnown(Violations v, String field, Enum<?> proto, int number) {
    if (proto.name().equals("UNRECOGNIZED")) {
      v.add(field, "is not a known value of this API: " + number);
    }
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
    } else if (time.isAfter(LATEST)) {
      v.add(field, "must not be after " + LATEST);
    }
    // past times are accepted (a device that was offline delivers late); the bound on future
    // times is the recorder's (Lifecycle.checkNotAhead), so that its refusal is remembered
    return time;
  }

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

  static Site site(String organizationId, String siteId, io.packtrail.v1.Site p, Instant now) {
    Site s = new Site(organizationId, siteId, p.getDisplayName(),
        toDomain(SiteKind.class, p.getKind(), "SITE_KIND_"), p.getRegionCode(), p.getAddress(),
        p.getLatitude(), p.getLongitude(), now,
        p.getAnnualCapacityTonnes() == 0 ? null : p.getAnnualCapacityTonnes());
    Violations v = new Violations();
    s.validate(v);
    v.throwIfAny();
    return s;
  }

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
    Set<String> badRefs = new HashSet<>();
    Step step = step(r, v, prefix + r.getStepCase().name().toLowerCase(Locale.ROOT), badRefs);
    if (step == null) {
      v.add(prefix + "step", "exactly one step (" + STEP_NAMES + ") is required");
    } else {
      Violations stepRules = new Violations();
      step.validate(prefix + step.type().key(), stepRules);
      stepRules.list().stream().filter(f -> !badRefs.contains(f.field()))
          .forEach(f -> v.add(f.field(), f.description()));
      checkTestDate(v, prefix + "inspection.test_date", r.getInspection().getTestDate(), step,
          time);
      if (step instanceof Step.Assembly && !r.getLabelText().isEmpty()) {
        v.add(prefix + "label_text", "must be empty for an assembly: the unit it is recorded "
            + "against is the new product, which has no label until one is issued for it");
      }
    }
    String device = emptyToNull(r.getDevice());
    byte[] signature = r.getDeviceSignature().isEmpty() ? null
        : r.getDeviceSignature().toByteArray();
    device(v, prefix, device, signature);
    v.throwIfAny();
    Submission s = new Submission(id, code, time, r.getActorSite(), step);
    return device == null ? s : s.withDevice(device, signature);
  }

  /** A device and its signature come together; the signature is an Ed25519 one. */
  private static void device(Violations v, String prefix, String device, byte[] signature) {
    if (device == null && signature != null) {
      v.add(prefix + "device", "is required with a device_signature: the name of the enrolled "
          + "device that signed, organizations/{o}/sites/{s}/devices/{d}");
    } else if (device != null) {
      ResourceNames.checkDevice(v, prefix + "device", device);
      if (signature == null) {
        v.add(prefix + "device_signature", "is required with a device: the device's Ed25519 "
            + "signature of the step's statement (docs/formats.md, Device signatures)");
      }
    }
    if (signature != null && signature.length != DeviceSignatures.SIGNATURE_SIZE) {
      v.add(prefix + "device_signature", "must be a 64-byte Ed25519 signature, got "
          + signature.length + " bytes");
    }
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
    if (i.testDate() == UNREADABLE_DATE || !ISO_DATE.matcher(text).matches()) {
      v.add(field, "must be a date YYYY-MM-DD, got '" + ResourceNames.abbreviate(text) + "'");
    } else if (eventTime != null && !eventTime.isBefore(EARLIEST) && !eventTime.isAfter(LATEST)
        // (an event_time out of range is refused on its own field; no date is made of it)
        && i.testDate().isAfter(LocalDate.ofInstant(eventTime.plus(LATEST_ZONE), ZoneOffset.UTC))) {
      v.add(field, "must not be after the event_time (" + eventTime + ")");
    } else if (i.testDate().isBefore(LocalDate.ofInstant(EARLIEST, ZoneOffset.UTC))) {
      v.add(field, "must not be before " + LocalDate.ofInstant(EARLIEST, ZoneOffset.UTC));
    }
  }

  private static Step step(RecordEventRequest r, Violations v, String field,
      Set<String> badRefs) {
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
      case TRADE_IN -> new Step.TradeIn(emptyToNull(r.getTradeIn().getVin()),
          unitRef(v, field + ".replacement", r.getTradeIn().getReplacement(), badRefs),
          emptyToNull(r.getTradeIn().getNote()));
      case DISMANTLING -> {
        io.packtrail.v1.Dismantling d = r.getDismantling();
        List<Step.Child> children = new ArrayList<>();
        for (io.packtrail.v1.DismantledChild c : d.getChildrenList()) {
          children.add(new Step.Child(emptyToNull(c.getCode()), c.getMassKg(),
              c.getRatedEnergyKwh(), c.getRatedCapacityAh(), c.getNominalVoltageV()));
        }
        yield new Step.Dismantling(children, d.getResidueKg(), emptyToNull(d.getNote()));
      }
      case ASSEMBLY -> {
        io.packtrail.v1.Assembly a = r.getAssembly();
        yield new Step.Assembly(unitRefs(v, field + ".sources", a.getSourcesList(), badRefs),
            a.getRatedEnergyKwh(), a.getRatedCapacityAh(), a.getNominalVoltageV(),
            a.getMassKg());
      }
      case COMMISSIONING -> new Step.Commissioning(
          emptyToNull(r.getCommissioning().getApplication()),
          r.getCommissioning().getUsableEnergyKwh(), emptyToNull(r.getCommissioning().getNote()));
      case SECOND_LIFE_INSPECTION -> new Step.SecondLifeInspection(
          r.getSecondLifeInspection().getStateOfHealthPercent(),
          r.getSecondLifeInspection().getUsableEnergyKwh(),
          emptyToNull(r.getSecondLifeInspection().getNote()));
      case DECOMMISSIONING -> new Step.Decommissioning(
          emptyToNull(r.getDecommissioning().getNote()));
      case RECYCLING -> {
        io.packtrail.v1.Recycling p = r.getRecycling();
        List<Step.LotOutput> lots = new ArrayList<>();
        for (int i = 0; i < p.getLotsCount(); i++) {
          io.packtrail.v1.LotOutput lot = p.getLots(i);
          String lf = field + ".lots[" + i + "]";
          checkKnown(v, lf + ".product", lot.getProduct(), lot.getProductValue());
          lots.add(new Step.LotOutput(lot.getLotId(),
              toDomain(MaterialProduct.class, lot.getProduct(), "MATERIAL_PRODUCT_"),
              lot.getMassKg(), lot.hasElementMasses() ? elements(lot.getElementMasses()) : null));
        }
        yield new Step.Recycling(lots, p.hasFeed() ? elements(p.getFeed()) : null,
            unitRefs(v, field + ".other_inputs", p.getOtherInputsList(), badRefs),
            emptyToNull(p.getNote()));
      }
      case SCRAPPING -> new Step.Scrapping(emptyToNull(r.getScrapping().getReason()),
          emptyToNull(r.getScrapping().getNote()));
      case CORRECTION -> new Step.Correction(emptyToNull(r.getCorrection().getCorrects()),
          emptyToNull(r.getCorrection().getReason()));
      case STEP_NOT_SET -> null;
    };
  }

  private static ElementMasses elements(io.packtrail.v1.ElementMasses p) {
    return new ElementMasses(p.getLiKg(), p.getNiKg(), p.getCoKg(), p.getMnKg(), p.getCuKg(),
        p.getAlKg());
  }

  /**
   * The code of a unit a step names ({@code units/{code}}); a malformed name is reported here
   * once and its field remembered, so the step's own code check does not report it again.
   */
  private static String unitRef(Violations v, String field, String name, Set<String> badRefs) {
    if (name.isEmpty()) {
      return null; // the step's check says it is required
    }
    Violations own = new Violations();
    String code = ResourceNames.unitCode(own, field, name);
    if (!own.isEmpty()) {
      v.addAll(own.list());
      badRefs.add(field);
      return name;
    }
    return code;
  }

  private static List<String> unitRefs(Violations v, String field, List<String> names,
      Set<String> badRefs) {
    if (names.size() > Step.MAX_UNITS) {
      // refused by its count alone: no violation per name
      v.add(field, "must name at most " + Step.MAX_UNITS + " units, got " + names.size());
      badRefs.add(field);
      return List.of();
    }
    List<String> codes = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      codes.add(unitRef(v, field + "[" + i + "]", names.get(i), badRefs));
    }
    return codes;
  }

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

  /**
   * A batch holds 1 to {@link #MAX_BATCH} requests: none is bad input, more is over the limit
   * (RESOURCE_EXHAUSTED: split the batch).
   */
  /**
   * Answers a batch once every item's result is in: {@code response} builds the answer from
   * the results in the request's order, sent on {@code executor}.
   */
  static <R, A> void answerBatch(java.util.List<java.util.concurrent.CompletableFuture<R>> results,
      java.util.function.Function<java.util.List<R>, A> response,
      io.grpc.stub.StreamObserver<A> observer, java.util.concurrent.Executor executor) {
    java.util.concurrent.CompletableFuture.allOf(
            results.toArray(java.util.concurrent.CompletableFuture[]::new))
        .whenCompleteAsync((all, never) -> {
          observer.onNext(response.apply(results.stream()
              .map(java.util.concurrent.CompletableFuture::join).toList()));
          observer.onCompleted();
        }, executor);
  }

  static void checkBatchSize(int count) {
    if (count == 0) {
      new Violations().add("requests", "must hold 1 to " + MAX_BATCH + " items, got none")
          .throwIfAny();
    }
    if (count > MAX_BATCH) {
      throw new io.packtrail.server.domain.LimitExceededException("requests", "a batch holds at "
          + "most " + MAX_BATCH + " items, got " + count + "; split it into batches of at most "
          + MAX_BATCH, null);
    }
  }
}
