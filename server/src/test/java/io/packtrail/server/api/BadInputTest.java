package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Status.Code;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.RawCalls;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.CreateOrganizationRequest;
import io.packtrail.v1.CreateSiteRequest;
import io.packtrail.v1.GetOrganizationRequest;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.ListEventsRequest;
import io.packtrail.v1.ListOrganizationsRequest;
import io.packtrail.v1.ListSitesRequest;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.RegistryServiceGrpc;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.Removal;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input gets INVALID_ARGUMENT naming the field, never INTERNAL or UNKNOWN. */
class BadInputTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static final String HUGE = "X".repeat(100_000);

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  // ---- timestamps beyond what an Instant holds ----

  @Test
  void eventTimesBeyondTheRepresentableRangeAreRefused() {
    for (long seconds : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 100_000_000_000_000_000L}) {
      Timestamp time = Timestamp.newBuilder().setSeconds(seconds).build();
      var registration = assertFails(Code.INVALID_ARGUMENT, () -> harness.units().registerUnit(
          Fixtures.registration(Fixtures.newPackCode()).toBuilder().setEventTime(time).build()));
      assertViolation(registration, "event_time", "must not be");
      String code = Fixtures.registeredPack(harness.client());
      var step = assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
          Fixtures.collection(code).toBuilder().setEventTime(time).build()));
      assertViolation(step, "event_time", "must not be");
      // an inspection compares its test date with the event_time: no date of a time out of
      // range (it was INTERNAL)
      var inspection = assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
          Fixtures.inspection(code).toBuilder().setEventTime(time).build()));
      assertViolation(inspection, "event_time", "must not be");
    }
    // at the earliest event_time itself the test date is still judged against it
    String code = Fixtures.registeredPack(harness.client());
    var early = assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        Fixtures.inspection(code).toBuilder().setEventTime(Timestamp.newBuilder()
            .setSeconds(java.time.Instant.parse("2000-01-01T00:00:00Z").getEpochSecond()))
            .build()));
    assertViolation(early, "inspection.test_date", "must not be after the event_time");
  }

  // ---- NUL and other control characters never reach PostgreSQL ----

  @Test
  void nulInDisplayNamesAndAddressesIsRefused() {
    var org = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().createOrganization(
        CreateOrganizationRequest.newBuilder().setOrganizationId("nul-org")
            .setOrganization(Organization.newBuilder().setDisplayName("A\0B")
                .setRegionCode("620100")
                .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER)).build()));
    assertViolation(org, "organization.display_name", "control characters");
    var site = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().createSite(
        CreateSiteRequest.newBuilder().setParent(Fixtures.RECYCLER).setSiteId("nul-site")
            .setSite(Site.newBuilder().setDisplayName("Yard\u0007").setAddress("Road 1\0")
                .setKind(SiteKind.SITE_KIND_WAREHOUSE).setRegionCode("620100")).build()));
    assertViolation(site, "site.display_name", "control characters");
    assertViolation(site, "site.address", "control characters");
  }

  /**
   * A bidirectional override in a display name or a note would make a report, an export or a
   * terminal show other text than it is (an organisation named to look like another one).
   */
  @Test
  void bidirectionalOverridesInNamesAndNotesAreRefused() {
    var org = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().createOrganization(
        CreateOrganizationRequest.newBuilder().setOrganizationId("bidi-org")
            .setOrganization(Organization.newBuilder().setDisplayName("Acme \u202Eoiranecs")
                .setRegionCode("620100")
                .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER)).build()));
    assertViolation(org, "organization.display_name", "bidirectional");
    String code = Fixtures.registeredPack(harness.client());
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        Fixtures.step(code, Fixtures.STATION).setRemoval(Removal.newBuilder()
            .setReason(RemovalReason.REMOVAL_REASON_SERVICE).setNote("ok \u2066x\u2069"))
            .build())), "removal.note", "U+2066");
    // the direction marks stay allowed (Arabic or Hebrew text needs them)
    harness.client().recordEvent(Fixtures.sale(code));
    harness.events().recordEvent(Fixtures.step(code, Fixtures.STATION).setRemoval(
        Removal.newBuilder().setReason(RemovalReason.REMOVAL_REASON_SERVICE)
            .setNote("mark \u200F ok")).build());
  }

  @Test
  void nulInUnitNamesNotesAndLabelTextIsRefused() {
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.units().getUnit(
        GetUnitRequest.newBuilder().setName("units/TMK\0").build())), "name", "control");
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().listEvents(
        ListEventsRequest.newBuilder().setParent("units/TMK\0").build())), "parent", "control");
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.labels().issueLabel(
        IssueLabelRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
            .setUnit("units/TMK\0").build())), "unit", "control");
    String code = Fixtures.registeredPack(harness.client());
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        Fixtures.step(code, Fixtures.STATION).setRemoval(Removal.newBuilder()
            .setReason(RemovalReason.REMOVAL_REASON_SERVICE).setNote("bad\0note")).build())),
        "removal.note", "control");
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        Fixtures.collection(code).toBuilder().setLabelText("PT1:\0").build())),
        "label_text", "control");
    // the required free texts of a step, too (they are hashed into the event for good)
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        Fixtures.scrapping(code, Fixtures.STATION).toBuilder().setScrapping(
            Fixtures.scrapping(code, Fixtures.STATION).getScrapping().toBuilder()
                .setReason("x\0y")).build())), "scrapping.reason", "control");
    RecordEventRequest inspection = Fixtures.inspection(code);
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        inspection.toBuilder().setInspection(inspection.getInspection().toBuilder()
            .setTester("Lab\u001b[2J")).build())), "inspection.tester", "control");
  }

  @Test
  void aCallEndedWithoutItsRequestIsInvalidArgumentNotInternal() throws Exception {
    io.grpc.Status status = io.packtrail.server.testing.RawCalls.sending(harness.channel(),
        "packtrail.v1.UnitService/GetUnit", List.of());
    assertEquals(Code.INVALID_ARGUMENT, status.getCode(), status.toString());
    assertEquals("a GetUnit call carries one packtrail.v1.GetUnitRequest; this one ended "
        + "without any", status.getDescription());
    // a server-streaming call too
    io.grpc.Status watch = io.packtrail.server.testing.RawCalls.sending(harness.channel(),
        "packtrail.v1.EventService/WatchEvents", List.of());
    assertEquals(Code.INVALID_ARGUMENT, watch.getCode(), watch.toString());
  }

  @Test
  void aPageTokenWhoseKeyHoldsNulIsMalformed() {
    for (int i = 0; i < 3; i++) {
      harness.client().createOrganization("paged-nul-" + i, Organization.newBuilder()
          .setDisplayName("P").setRegionCode("620100")
          .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER).build());
    }
    String token = harness.registry().listOrganizations(ListOrganizationsRequest.newBuilder()
        .setPageSize(1).build()).getNextPageToken();
    String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    String forged = Base64.getUrlEncoder().encodeToString(
        (text.substring(0, text.lastIndexOf('\n') + 1) + "a\0b").getBytes(StandardCharsets.UTF_8));
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listOrganizations(
        ListOrganizationsRequest.newBuilder().setPageSize(1).setPageToken(forged).build())),
        "page_token", "malformed");
  }

  @Test
  void aGarbagePageTokenIsCalledMalformed() {
    String garbage = Base64.getUrlEncoder().encodeToString("foobar".getBytes());
    var status = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listSites(
        ListSitesRequest.newBuilder().setParent("organizations/-").setPageToken(garbage).build()));
    assertViolation(status, "page_token", "malformed");
    assertFalse(status.getMessage().contains("another listing"), status.getMessage());
    // a real token of another listing is still told apart
    String sites = harness.registry().listSites(ListSitesRequest.newBuilder()
        .setParent("organizations/-").setPageSize(1).build()).getNextPageToken();
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listOrganizations(
        ListOrganizationsRequest.newBuilder().setPageToken(sites).build())),
        "page_token", "another listing");
  }

  // ---- huge names: errors stay small ----

  @Test
  void hugeNamesAreRefusedWithoutEchoingThem() {
    var unit = assertFails(Code.INVALID_ARGUMENT, () -> harness.units().getUnit(
        GetUnitRequest.newBuilder().setName("units/" + HUGE).build()));
    assertViolation(unit, "name", "at most 200 characters");
    assertSmall(unit);
    assertSmall(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().listEvents(
        ListEventsRequest.newBuilder().setParent("units/" + HUGE).build())));
    assertSmall(assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().getOrganization(
        GetOrganizationRequest.newBuilder().setName("organizations/" + HUGE).build())));
    assertSmall(assertFails(Code.INVALID_ARGUMENT, () -> harness.units().registerUnit(
        Fixtures.registration(HUGE + "\0!"))));
    assertSmall(assertFails(Code.INVALID_ARGUMENT, () -> harness.units().registerUnit(
        Fixtures.registration(Fixtures.newPackCode()).toBuilder()
            .setRequestId(HUGE).setActorSite(HUGE).build())));
    String code = Fixtures.registeredPack(harness.client());
    assertSmall(assertFails(Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        Fixtures.step(code, Fixtures.STATION).setSale(io.packtrail.v1.Sale.newBuilder()
            .setVin(HUGE + "?").setDealer(HUGE)).build())));
  }

  @Test
  void aFloodOfViolationsIsListedOnlyInPart() {
    Organization.Builder flood = Organization.newBuilder().setDisplayName("Flood")
        .setRegionCode("620100");
    for (int i = 0; i < 50_000; i++) {
      flood.addRoles(OrganizationRole.ORGANIZATION_ROLE_UNSPECIFIED);
    }
    var status = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().createOrganization(
        CreateOrganizationRequest.newBuilder().setOrganizationId("flood")
            .setOrganization(flood).build()));
    assertViolation(status, "organization.roles", "at most");
    assertSmall(status);
  }

  /** Small enough for the trailers of every client (grpc-java accepts 8 KiB of metadata). */
  private static void assertSmall(com.google.rpc.Status status) {
    assertTrue(status.getSerializedSize() < 4000, "status of " + status.getSerializedSize()
        + " bytes: " + status.getMessage().substring(0,
            Math.min(200, status.getMessage().length())));
    assertFalse(status.getMessage().contains("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
        + "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        "at most about 100 characters of an input are echoed");
  }

  // ---- unknown enum numbers in list filters ----

  @Test
  void unknownEnumNumbersInListFiltersAreRefused() {
    var units = assertFails(Code.INVALID_ARGUMENT, () -> harness.units().listUnits(
        ListUnitsRequest.newBuilder().setStateValue(999).setLevelValue(998)
            .setChemistryValue(997).build()));
    assertViolation(units, "state", "999");
    assertViolation(units, "level", "998");
    assertViolation(units, "chemistry", "997");
    assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listOrganizations(
        ListOrganizationsRequest.newBuilder().setRoleValue(999).build())), "role", "999");
  }

  // ---- requests that do not parse ----

  @Test
  void unparseableRequestsAreInvalidArgument() {
    String method = RegistryServiceGrpc.getGetOrganizationMethod().getFullMethodName();
    byte[] invalidUtf8 = {0x0a, 0x03, 'o', (byte) 0xff, (byte) 0xfe};
    byte[] truncated = {0x0a, 0x10, 'o', 'r', 'g'};
    byte[] badTag = {(byte) 0x80};
    for (byte[] request : new byte[][] {invalidUtf8, truncated, badTag}) {
      var status = assertFails(Code.INVALID_ARGUMENT,
          () -> RawCalls.unary(harness.channel(), method, request));
      assertTrue(status.getMessage().startsWith(
          "the request is not a valid packtrail.v1.GetOrganizationRequest: "), status.getMessage());
    }
    // the server still answers
    assertEquals(Fixtures.RECYCLER, harness.registry().getOrganization(GetOrganizationRequest
        .newBuilder().setName(Fixtures.RECYCLER).build()).getOrganization().getName());
  }
}
