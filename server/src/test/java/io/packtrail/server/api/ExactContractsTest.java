package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.Label;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import io.packtrail.v1.StateOfHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Section 4 of issue 6: codes, readings, times, registry ids and refusals mean what they say. */
class ExactContractsTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  /** A pack of the test maker (rated 55.5 kWh, 180 Ah) received at the plant at {@code t}. */
  private static String receivedPack(Instant t) {
    String code = Fixtures.newPackCode();
    harness.client().registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(t.minus(Duration.ofDays(30)))).build());
    RecordEventRequest[] steps = {Fixtures.sale(code),
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN), Fixtures.collection(code),
        Fixtures.shipment(code, "WB-" + code.substring(17)),
        Fixtures.receipt(code, "WB-" + code.substring(17))};
    for (int i = 0; i < steps.length; i++) {
      harness.client().recordEvent(steps[i].toBuilder()
          .setEventTime(Fixtures.time(t.minus(Duration.ofDays(steps.length - 1 - i)))).build());
    }
    return code;
  }

  private static RecordEventRequest inspection(String code, StateOfHealth readings) {
    RecordEventRequest r = Fixtures.inspection(code);
    return r.toBuilder().setInspection(r.getInspection().toBuilder().setStateOfHealth(readings))
        .build();
  }

  private static ErrorInfo errorInfo(com.google.rpc.Status status) {
    return io.packtrail.server.testing.Statuses.unpack(status, ErrorInfo.class);
  }

  // ---- codes belong to their maker ----

  @Test
  void aMakerRegistersOnlyCodesWithItsOwnManufacturerCode() {
    var foreign = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .registerUnit(Fixtures.registration("JCTPBA1TRACE01RA50000001")));
    assertEquals("MANUFACTURER_CODE", preconditions(foreign).get(0).getType());
    assertEquals(Fixtures.MAKER, preconditions(foreign).get(0).getSubject());
    assertTrue(foreign.getMessage().contains("JCT"), foreign.getMessage());

    harness.client().createOrganization("codeless-maker", Organization.newBuilder()
        .setDisplayName("Maker without a code").setRegionCode("620100")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER).build());
    harness.client().createSite("organizations/codeless-maker", "factory", Site.newBuilder()
        .setDisplayName("Factory").setKind(SiteKind.SITE_KIND_FACTORY).setRegionCode("620100")
        .build());
    var request = Fixtures.registration(Fixtures.newPackCode());
    var codeless = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .registerUnit(request.toBuilder().setActorSite("organizations/codeless-maker/sites/factory")
            .setRegistration(request.getRegistration().toBuilder()
                .setMaker("organizations/codeless-maker")).build()));
    assertTrue(codeless.getMessage().contains("has no manufacturer code"), codeless.getMessage());
  }

  // ---- readings must be plausible ----

  @Test
  void readingsBeyondWhatThePackCanHoldAreRefused() {
    String code = receivedPack(Instant.now().minus(Duration.ofHours(1)));
    var certified = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .recordEvent(inspection(code, StateOfHealth.newBuilder()
            .setStateOfCertifiedEnergyPercent(150).build())));
    assertViolation(certified, "inspection.state_of_health.state_of_certified_energy_percent",
        "between 0 and 110");

    var capacity = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(inspection(code, StateOfHealth.newBuilder()
            .setRemainingCapacityAh(5000).build())));
    assertEquals("READING", preconditions(capacity).get(0).getType());
    assertTrue(capacity.getMessage().contains("remaining_capacity_ah"), capacity.getMessage());

    var energy = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(inspection(code, StateOfHealth.newBuilder()
            .setRemainingEnergyKwh(61.1).build())));
    assertTrue(energy.getMessage().contains("remaining_energy_kwh"), energy.getMessage());

    // a new pack may measure a little above its rating
    Event accepted = harness.client().recordEvent(inspection(code, StateOfHealth.newBuilder()
        .setStateOfCertifiedEnergyPercent(104).setRemainingCapacityAh(190)
        .setRemainingEnergyKwh(57).build()));
    assertEquals(190.0, accepted.getInspection().getStateOfHealth().getRemainingCapacityAh());
  }

  @Test
  void aStepDatedBeforeTheUnitsPreviousStepIsRecordedAndFlaggedBeyondTheClockSkew() {
    Instant received = Instant.now().minus(Duration.ofHours(1));
    String code = receivedPack(received);
    // a device that was offline delivers late: recorded in arrival order, flagged (issue 8)
    harness.client().recordEvent(inspectionAt(code, received.minus(Duration.ofDays(365))));
    harness.client().recordEvent(inspectionAt(code, received.minus(Duration.ofMinutes(6))));
    // within the documented five minutes of clock skew: not flagged
    harness.client().recordEvent(inspectionAt(code, received.minus(Duration.ofMinutes(4))));
    assertEquals(2, harness.client().getUnit(code).getAnomaliesList().stream()
        .filter(a -> a.getKind().equals("TIME_ORDER")).count());
  }

  /** An inspection tested and recorded at {@code t}. */
  private static RecordEventRequest inspectionAt(String code, Instant t) {
    RecordEventRequest r = Fixtures.inspection(code);
    return r.toBuilder().setEventTime(Fixtures.time(t)).setInspection(r.getInspection()
        .toBuilder().setTestDate(t.toString().substring(0, 10))).build();
  }

  // ---- inspections and organisations carry what the rules ask for ----

  @Test
  void anInspectionNamesItsStandardTesterAndDate() {
    Instant received = Instant.now().minus(Duration.ofHours(1));
    String code = receivedPack(received);
    RecordEventRequest bare = Fixtures.inspection(code).toBuilder()
        .setInspection(Fixtures.inspection(code).getInspection().toBuilder()
            .clearTestStandard().clearTester().clearTestDate()).build();
    var missing = assertFails(Status.Code.INVALID_ARGUMENT,
        () -> harness.client().recordEvent(bare));
    assertViolation(missing, "inspection.test_standard", "is required");
    assertViolation(missing, "inspection.tester", "is required");
    assertViolation(missing, "inspection.test_date", "is required");

    String tomorrowPlus = received.plus(Duration.ofDays(3)).toString().substring(0, 10);
    var future = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .recordEvent(bare.toBuilder().setInspection(bare.getInspection().toBuilder()
            .setTestStandard("GB/T 34015-2017").setTester("Lab").setTestDate(tomorrowPlus))
            .setEventTime(Fixtures.time(received)).build()));
    assertViolation(future, "inspection.test_date", "must not be after the event_time");
    var garbled = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .recordEvent(bare.toBuilder().setInspection(bare.getInspection().toBuilder()
            .setTestStandard("GB/T 34015-2017").setTester("Lab").setTestDate("2026-13-01"))
            .build()));
    assertViolation(garbled, "inspection.test_date", "YYYY-MM-DD");

    Event recorded = harness.client().recordEvent(Fixtures.inspection(code));
    Inspection answered = recorded.getInspection();
    assertEquals("GB/T 34015-2017", answered.getTestStandard());
    assertEquals(Fixtures.inspection(code).getInspection().getTestDate(), answered.getTestDate());
    assertEquals(recorded, harness.client().listEvents(code).get(6));
  }

  @Test
  void registryIdentifiersAreCheckedAndKept() {
    Organization.Builder org = Organization.newBuilder().setDisplayName("Registered Recycler")
        .setRegionCode("620300").addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER);
    var mistyped = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .createOrganization("registered-recycler",
            org.setUnifiedSocialCreditCode("91440300708461136A").build()));
    assertViolation(mistyped, "organization.unified_social_credit_code",
        "check character is A, expected T");
    var letterO = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .createOrganization("registered-recycler",
            org.setUnifiedSocialCreditCode("9144030070846113OT").build()));
    assertViolation(letterO, "organization.unified_social_credit_code", "character 17");
    var eori = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .createOrganization("registered-recycler", org.setUnifiedSocialCreditCode("")
            .setEuOperatorId("de-123").build()));
    assertViolation(eori, "organization.eu_operator_id", "EORI");

    Organization created = harness.client().createOrganization("registered-recycler",
        org.setUnifiedSocialCreditCode("91440300708461136T").setEuOperatorId("DE123456789012345")
            .build());
    assertEquals("91440300708461136T", created.getUnifiedSocialCreditCode());
    assertEquals("DE123456789012345", created.getEuOperatorId());
    assertEquals(created, harness.client().createOrganization("registered-recycler",
        org.build()));
    assertFails(Status.Code.ALREADY_EXISTS, () -> harness.client().createOrganization(
        "registered-recycler", org.setUnifiedSocialCreditCode("91350100M000100Y43").build()));
  }

  // ---- machine-readable refusals ----

  @Test
  void aStateRefusalCarriesTheStateAndAllowedStepsAsErrorInfo() {
    String code = receivedPack(Instant.now().minus(Duration.ofHours(1)));
    var refused = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().recordEvent(Fixtures.sale(code)));
    ErrorInfo info = errorInfo(refused);
    assertEquals("STATE", info.getReason());
    assertEquals(ErrorMapper.ERROR_DOMAIN, info.getDomain());
    assertEquals("RECEIVED", info.getMetadataOrThrow("state"));
    assertEquals("shipment,inspection,recycling,scrapping,correction",
        info.getMetadataOrThrow("allowedSteps"));
    assertEquals("sale", info.getMetadataOrThrow("step"));
    assertEquals("units/" + code, info.getMetadataOrThrow("subject"));
  }

  @Test
  void everyLabelRefusalNamesTheLabelAsItsSubject() {
    String code = Fixtures.registeredPack(harness.client());
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));
    Label old = harness.client().issueLabel(code);
    harness.client().reissueLabel(old.getSerial());
    var superseded = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(Fixtures.collection(code).toBuilder().setLabelText(old.getText()).build()));
    assertEquals(old.getName(), preconditions(superseded).get(0).getSubject());
    assertEquals("SUPERSEDED_LABEL", errorInfo(superseded).getMetadataOrThrow("refusal"));
    assertEquals("label_text", errorInfo(superseded).getMetadataOrThrow("field"));

    String other = Fixtures.registeredPack(harness.client());
    Label others = harness.client().issueLabel(other);
    var wrongUnit = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(Fixtures.collection(code).toBuilder().setLabelText(others.getText())
            .build()));
    assertEquals(others.getName(), preconditions(wrongUnit).get(0).getSubject());
    assertEquals("OTHER_UNIT", errorInfo(wrongUnit).getMetadataOrThrow("refusal"));
    assertEquals(preconditions(superseded).get(0).getType(),
        preconditions(wrongUnit).get(0).getType());
  }

  // ---- a unit's active label can be looked up ----

  @Test
  void aUnitsActiveLabelCanBeLookedUp() {
    String code = Fixtures.registeredPack(harness.client());
    assertFails(Status.Code.NOT_FOUND, () -> harness.client().getUnitLabel(code));
    Label first = harness.client().issueLabel(code);
    assertEquals(first, harness.client().getUnitLabel(code));
    Label second = harness.client().reissueLabel(first.getSerial());
    assertEquals(second, harness.client().getUnitLabel(code));
    harness.client().revokeLabel(second.getSerial());
    var none = assertFails(Status.Code.NOT_FOUND, () -> harness.client().getUnitLabel(code));
    assertTrue(none.getMessage().contains("units/" + code), none.getMessage());
    assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.labels().getUnitLabel(
        io.packtrail.v1.GetUnitLabelRequest.newBuilder().setUnit("labels/1").build()));
  }
}
