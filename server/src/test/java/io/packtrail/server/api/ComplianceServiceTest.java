package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertDenied;
import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.ListLateReportsRequest;
import io.packtrail.v1.ListOverdueReportsRequest;
import io.packtrail.v1.ListOverdueReportsResponse;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.OverdueReport;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.ReportingParty;
import io.packtrail.v1.Shipment;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ComplianceService through gRPC over a small 2026 history recorded at chosen server times (the
 * server's clock is the test's): late reports, overdue expected steps, their filters, paging,
 * every refusal, and who may list what.
 */
class ComplianceServiceTest {
  /** The server's clock: each step is recorded at the time the test sets. */
  private static final AtomicReference<Instant> NOW =
      new AtomicReference<>(Instant.parse("2026-03-01T02:00:00Z"));

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s
      .withCallerResolver(TestPrincipals.RESOLVER).withClock(new Clock() {
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        public Clock withZone(ZoneId zone) {
          return this;
        }

        public Instant instant() {
          return NOW.get();
        }
      }));

  static final String JC = "organizations/jc-recycler";
  static final String JC_PLANT = JC + "/sites/plant";
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2027-01-01T00:00:00Z");

  static PacktrailClient client;
  static PacktrailClient auditor;
  static String b;
  static String c;
  static String d;
  static String e;

  static Instant day(String date) {
    return Instant.parse(date + "T02:00:00Z"); // 10:00 in China
  }

  /** Records the step dated {@code event} at server time {@code recorded}. */
  static void record(RecordEventRequest r, Instant event, Instant recorded) {
    NOW.set(recorded);
    client.recordEvent(r.toBuilder().setEventTime(Fixtures.time(event)).build());
  }

  static void onTime(RecordEventRequest r, Instant at) {
    record(r, at, at.plusSeconds(60));
  }

  static String registered(Instant at) {
    NOW.set(at.plusSeconds(60));
    String code = Fixtures.newPackCode();
    client.registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(at)).build());
    return code;
  }

  static RecordEventRequest shipment(String code, String to) {
    return Fixtures.step(code, Fixtures.STATION).setShipment(Shipment.newBuilder()
        .setDestinationSite(to).setWaybill("WB-" + code.substring(17))).build();
  }

  static PacktrailClient as(Principal p) {
    return PacktrailClient.over(TestPrincipals.as(harness.channel(), p), Duration.ofSeconds(20));
  }

  /**
   * B: sold 3 March, reported 20 April (late: due 24 March). C: collected and shipped on time
   * to the Jinchang recycler (620300), received 4 March but reported 20 May (late: due 16
   * April; the receipt after the shipment overdue, recorded late; its disposal still missing).
   * D: shipped to the cascade firm 10 March, never received (overdue from 31 March). E: removed
   * 10 March, never collected (overdue from 22 April). F: sold 3 March, reported at 23:59 on its
   * due day in China (on time). The history is looked at from 1 July 2026.
   */
  @BeforeAll
  static void history() {
    client = harness.client();
    NOW.set(day("2026-03-01"));
    Fixtures.network(client);
    client.createOrganization("jc-recycler", Organization.newBuilder()
        .setDisplayName("Jinchang recycler").setRegionCode("620300")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER).build());
    client.createSite(JC, "plant", Site.newBuilder().setDisplayName("Plant")
        .setKind(SiteKind.SITE_KIND_RECYCLING_PLANT).setRegionCode("620300").build());

    String a = registered(day("2026-03-02"));
    b = registered(day("2026-03-02"));
    c = registered(day("2026-03-02"));
    d = registered(day("2026-03-02"));
    e = registered(day("2026-03-02"));
    String f = registered(day("2026-03-02"));
    onTime(Fixtures.sale(c), day("2026-03-02"));
    onTime(Fixtures.removal(c, RemovalReason.REMOVAL_REASON_RETIREMENT), day("2026-03-02"));
    onTime(Fixtures.collection(c), day("2026-03-02"));
    onTime(Fixtures.sale(a), day("2026-03-03"));
    onTime(shipment(c, JC_PLANT), day("2026-03-03"));
    onTime(Fixtures.sale(d), day("2026-03-09"));
    onTime(Fixtures.removal(d, RemovalReason.REMOVAL_REASON_RETIREMENT), day("2026-03-09"));
    onTime(Fixtures.collection(d), day("2026-03-09"));
    onTime(Fixtures.sale(e), day("2026-03-09"));
    onTime(shipment(d, Fixtures.CASCADE_PLANT), day("2026-03-10"));
    onTime(Fixtures.removal(e, RemovalReason.REMOVAL_REASON_SERVICE), day("2026-03-10"));
    record(Fixtures.sale(f), day("2026-03-03"), Instant.parse("2026-03-24T15:59:59Z"));
    record(Fixtures.sale(b), day("2026-03-03"), day("2026-04-20"));
    record(Fixtures.step(c, JC_PLANT).setReceipt(Receipt.newBuilder()
        .setWaybill("WB-" + c.substring(17))).build(), day("2026-03-04"), day("2026-05-20"));
    NOW.set(day("2026-07-01"));
    auditor = as(TestPrincipals.auditor());
  }

  static ListLateReportsRequest.Builder late() {
    return ListLateReportsRequest.newBuilder().setStartTime(Fixtures.time(START))
        .setEndTime(Fixtures.time(END));
  }

  static ListOverdueReportsRequest.Builder overdue() {
    return ListOverdueReportsRequest.newBuilder().setStartTime(Fixtures.time(START))
        .setEndTime(Fixtures.time(END));
  }

  static List<String> lateEvents(PacktrailClient caller, ListLateReportsRequest r) {
    return caller.listLateReports(r).getLateReportsList().stream()
        .map(io.packtrail.v1.LateReport::getEvent).toList();
  }

  static List<String> overdueTriggers(PacktrailClient caller, ListOverdueReportsRequest r) {
    return caller.listOverdueReports(r).getOverdueReportsList().stream()
        .map(OverdueReport::getTriggerEvent).toList();
  }

  static String ev(String code, int sequence) {
    return "units/" + code + "/events/" + sequence;
  }

  // ---- happy path ----

  @Test
  void lateReportsNameTheStepPartyAndDeadline() {
    var page = auditor.listLateReports(late().build());
    assertEquals(List.of(ev(b, 2), ev(c, 6)), page.getLateReportsList().stream()
        .map(io.packtrail.v1.LateReport::getEvent).toList(), "F on its due day is on time");
    assertEquals("", page.getNextPageToken());
    var sale = page.getLateReports(0);
    assertEquals("sale", sale.getStep());
    assertEquals(Fixtures.DEALER, sale.getOrganization());
    assertEquals(Fixtures.STATION, sale.getSite());
    assertEquals("620100", sale.getRegionCode());
    assertEquals(ReportingParty.REPORTING_PARTY_VEHICLE_MAKER, sale.getDeadline().getParty());
    assertEquals(15, sale.getDeadline().getWorkingDays());
    assertEquals("2026-03-24", sale.getDeadline().getDueDate());
    assertEquals(Fixtures.time(Instant.parse("2026-03-24T16:00:00Z")),
        sale.getDeadline().getDueTime());
    assertFalse(sale.getDeadline().getProvisional());
    assertEquals(Fixtures.time(day("2026-04-20")), sale.getRecordTime());
    var receipt = page.getLateReports(1);
    assertEquals("receipt", receipt.getStep());
    assertEquals(JC, receipt.getOrganization());
    assertEquals(ReportingParty.REPORTING_PARTY_RECYCLER, receipt.getDeadline().getParty());
    assertEquals(30, receipt.getDeadline().getWorkingDays());
    assertEquals("2026-04-16", receipt.getDeadline().getDueDate(), "Qingming skipped");
    assertEquals("warehouse receipt", receipt.getDeadline().getBasis());
  }

  @Test
  void overdueReportsNameWhatWasExpectedOfWhom() {
    ListOverdueReportsResponse all = auditor.listOverdueReports(overdue().build());
    assertEquals(List.of(ev(c, 5), ev(d, 5), ev(e, 3), ev(c, 6)),
        all.getOverdueReportsList().stream().map(OverdueReport::getTriggerEvent).toList());
    OverdueReport cShipment = all.getOverdueReports(0);
    assertEquals("receipt", cShipment.getExpected());
    assertEquals(JC, cShipment.getOrganization(), "the destination is expected to report");
    assertEquals(JC_PLANT, cShipment.getSite());
    assertEquals("620300", cShipment.getRegionCode());
    assertEquals("2026-04-15", cShipment.getDeadline().getDueDate());
    assertEquals(ev(c, 6), cShipment.getFulfillingEvent(), "received, but reported late");
    assertEquals(Fixtures.time(day("2026-05-20")), cShipment.getFulfillingRecordTime());
    OverdueReport dShipment = all.getOverdueReports(1);
    assertEquals(Fixtures.CASCADE, dShipment.getOrganization());
    assertEquals(ReportingParty.REPORTING_PARTY_CASCADE_USER,
        dShipment.getDeadline().getParty());
    assertEquals("2026-03-31", dShipment.getDeadline().getDueDate());
    assertEquals("", dShipment.getFulfillingEvent(), "still missing");
    OverdueReport eRemoval = all.getOverdueReports(2);
    assertEquals("collection", eRemoval.getExpected());
    assertEquals(Fixtures.DEALER, eRemoval.getOrganization());
    assertEquals("2026-04-22", eRemoval.getDeadline().getDueDate());
    OverdueReport cReceipt = all.getOverdueReports(3);
    assertEquals("disposal", cReceipt.getExpected());
    assertEquals("receipt", cReceipt.getTriggerStep());
    assertEquals("2026-04-16", cReceipt.getDeadline().getDueDate());
  }

  // ---- filters ----

  @Test
  void filtersByRegionOrganisationAndPeriod() {
    assertEquals(List.of(ev(c, 6)), lateEvents(auditor, late().setRegionCode("620300").build()));
    assertEquals(List.of(ev(b, 2)), lateEvents(auditor, late().setRegionCode("620100").build()));
    assertEquals(List.of(ev(b, 2)), lateEvents(auditor, late().setRegionCode("620000")
        .setOrganization(Fixtures.DEALER).build()));
    assertEquals(List.of(), lateEvents(auditor, late().setRegionCode("630000").build()));
    // the period is the steps' event time: B's sale is dated 3 March
    assertEquals(List.of(), lateEvents(auditor, late()
        .setStartTime(Fixtures.time(day("2026-03-04"))).build()).stream()
        .filter(x -> x.equals(ev(b, 2))).toList());
    assertEquals(List.of(ev(b, 2)), lateEvents(auditor, late()
        .setEndTime(Fixtures.time(day("2026-03-04"))).build()));

    assertEquals(List.of(ev(c, 5), ev(c, 6)), overdueTriggers(auditor, overdue()
        .setRegionCode("620300").build()));
    assertEquals(List.of(ev(d, 5)), overdueTriggers(auditor, overdue()
        .setOrganization(Fixtures.CASCADE).build()));
    assertEquals(List.of(ev(d, 5), ev(e, 3), ev(c, 6)), overdueTriggers(auditor, overdue()
        .setOpenOnly(true).build()), "C's receipt came, late");
  }

  @Test
  void pagesFollowTheLogAndTokensKeepTheirFilters() {
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      var page = auditor.listOverdueReports(overdue().setPageSize(1).setPageToken(token)
          .build());
      page.getOverdueReportsList().forEach(o -> seen.add(o.getTriggerEvent()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertEquals(List.of(ev(c, 5), ev(d, 5), ev(e, 3), ev(c, 6)), seen);
    assertEquals(4, pages);

    var first = auditor.listLateReports(late().setPageSize(1).build());
    assertEquals(List.of(ev(b, 2)), first.getLateReportsList().stream()
        .map(io.packtrail.v1.LateReport::getEvent).toList());
    assertEquals(List.of(ev(c, 6)), lateEvents(auditor, late().setPageSize(1)
        .setPageToken(first.getNextPageToken()).build()));
    // another filter, or another listing's token: refused
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listLateReports(late()
        .setRegionCode("620100").setPageToken(first.getNextPageToken()).build()));
    assertViolation(status, "page_token", "belongs to another listing or other filters");
    assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listOverdueReports(overdue()
        .setPageToken(first.getNextPageToken()).build()));
  }

  // ---- refusals ----

  @Test
  void badFiltersAreRefusedNamingTheField() {
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listLateReports(
        ListLateReportsRequest.getDefaultInstance()));
    assertViolation(status, "start_time", "is required");
    assertViolation(status, "end_time", "is required");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listOverdueReports(
        overdue().setEndTime(Fixtures.time(START)).build()));
    assertViolation(status, "end_time", "must be after start_time");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listLateReports(
        late().setRegionCode("62").build()));
    assertViolation(status, "region_code", "six-digit GB/T 2260 code");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listOverdueReports(
        overdue().setOrganization("test-dealer").build()));
    assertViolation(status, "organization", "organizations/{id}");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listLateReports(
        late().setPageSize(-1).build()));
    assertViolation(status, "page_size", "must not be negative");
    assertFails(Status.Code.RESOURCE_EXHAUSTED, () -> auditor.listOverdueReports(
        overdue().setPageSize(1001).build()));
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> auditor.listLateReports(
        late().setPageToken("garbage").build()));
    assertViolation(status, "page_token", "is malformed");
  }

  // ---- who may list what ----

  @Test
  void authoritiesListEveryOrganisation() {
    for (Principal p : List.of(TestPrincipals.regulator(), TestPrincipals.operator())) {
      assertEquals(List.of(ev(b, 2), ev(c, 6)), lateEvents(as(p), late().build()));
      assertEquals(4, as(p).listOverdueReports(overdue().build()).getOverdueReportsCount());
    }
  }

  @Test
  void anOrganisationsSystemListsItsOwnOnly() {
    PacktrailClient dealer = as(TestPrincipals.system(Fixtures.DEALER));
    assertEquals(List.of(ev(b, 2)), lateEvents(dealer, late().build()), "its own by default");
    assertEquals(List.of(ev(b, 2)), lateEvents(dealer, late()
        .setOrganization(Fixtures.DEALER).build()));
    assertEquals(List.of(ev(e, 3)), overdueTriggers(dealer, overdue().build()));
    var status = assertDenied("OWN_RESOURCE", () -> dealer.listLateReports(late()
        .setOrganization(JC).build()));
    assertTrue(status.getMessage().contains("its own organisation"), status.getMessage());
    assertDenied("OWN_RESOURCE", () -> dealer.listOverdueReports(overdue()
        .setOrganization(Fixtures.CASCADE).build()));
    PacktrailClient cascade = as(TestPrincipals.system(Fixtures.CASCADE));
    assertEquals(List.of(ev(d, 5)), overdueTriggers(cascade, overdue().build()));
    assertEquals(List.of(), lateEvents(cascade, late().build()));
  }

  @Test
  void workersAndDevicesMayNotList() {
    for (Principal p : List.of(TestPrincipals.worker(Fixtures.STATION),
        TestPrincipals.device(Fixtures.STATION, "scanner-1"))) {
      assertDenied("KIND", () -> as(p).listLateReports(late().build()));
      assertDenied("KIND", () -> as(p).listOverdueReports(overdue().build()));
    }
  }
}
