package io.packtrail.server.security;

import static io.packtrail.server.testing.Statuses.assertDenied;
import static io.packtrail.server.testing.Statuses.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.Label;
import io.packtrail.v1.LabelKey;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.RemovalReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every scope rule of the authorization table with a case it allows and one it denies; a denial
 * is PERMISSION_DENIED naming the rule, the same whether the resource exists or not, and names
 * no other organisation.
 */
class ScopeRulesTest {
  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withCallerResolver(TestPrincipals.RESOLVER));

  static final Principal DEALER = TestPrincipals.system(Fixtures.DEALER);
  static final Principal RECYCLER = TestPrincipals.system(Fixtures.RECYCLER);
  static final Principal MAKER = TestPrincipals.system(Fixtures.MAKER);
  static final Principal CASCADE = TestPrincipals.system(Fixtures.CASCADE);
  static final Principal DISMANTLER = TestPrincipals.system(Fixtures.DISMANTLER);
  static final Principal STATION_WORKER = TestPrincipals.worker(Fixtures.STATION);

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  static PacktrailClient as(Principal p) {
    return PacktrailClient.over(TestPrincipals.as(harness.channel(), p), Duration.ofSeconds(20));
  }

  /** A pack of the test maker, sold, removed and collected at the dealer's station. */
  static String collectedAtStation() {
    String code = Fixtures.registeredPack(harness.client());
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    harness.client().recordEvent(Fixtures.collection(code));
    return code;
  }

  // ---- ACTING_SITE ----

  @Test
  void aWorkerOrDeviceRecordsOnlyAtItsOwnSite() {
    for (Principal p : List.of(STATION_WORKER,
        TestPrincipals.device(Fixtures.STATION, "scanner-9"))) {
      String code = Fixtures.registeredPack(harness.client());
      var status = assertDenied("ACTING_SITE", () -> as(p).recordEvent(
          Fixtures.step(code, Fixtures.PLANT).setSale(Fixtures.sale(code).getSale()).build()));
      assertTrue(status.getMessage().contains(Fixtures.STATION), status.getMessage());
      assertEquals(1, harness.client().getUnit(code).getEventCount(), "nothing recorded");
      assertEquals(2, as(p).recordEvent(Fixtures.sale(code)).getSequence());
    }
  }

  @Test
  void anOrganizationsSystemRecordsOnlyAtItsOwnSites() {
    String code = Fixtures.registeredPack(harness.client());
    assertDenied("ACTING_SITE", () -> as(RECYCLER).recordEvent(Fixtures.sale(code)));
    assertEquals(2, as(DEALER).recordEvent(Fixtures.sale(code)).getSequence());
  }

  @Test
  void aMakerRegistersOnlyAsItselfWithItsOwnManufacturerCode() {
    // as itself, with its code: registered
    assertEquals(1, as(MAKER).registerUnit(Fixtures.registration(Fixtures.newPackCode()))
        .getEvent().getSequence());
    // in another maker's name: denied before anything is looked up
    RegisterUnitRequest inCascadesName = Fixtures.registration(Fixtures.newPackCode()).toBuilder()
        .setActorSite(Fixtures.FACTORY).setRegistration(Fixtures.registration("x")
            .getRegistration().toBuilder().setMaker(Fixtures.CASCADE)).build();
    assertDenied("ACTING_SITE", () -> as(MAKER).registerUnit(inCascadesName));
    // the cascade firm at its own site, as itself, with the test maker's code: the code's
    // manufacturer code is not its own
    RegisterUnitRequest othersCode = Fixtures.registration(Fixtures.newPackCode()).toBuilder()
        .setActorSite(Fixtures.CASCADE_PLANT).setRegistration(Fixtures.registration("x")
            .getRegistration().toBuilder().setMaker(Fixtures.CASCADE)).build();
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> as(CASCADE).registerUnit(othersCode));
    assertTrue(status.getMessage().contains("TMK"), status.getMessage());
  }

  @Test
  void batchItemsAreJudgedOneByOne() {
    String own = Fixtures.registeredPack(harness.client());
    String elsewhere = Fixtures.registeredPack(harness.client());
    BatchRecordEventsResponse r = as(STATION_WORKER).recordEvents(List.of(Fixtures.sale(own),
        Fixtures.step(elsewhere, Fixtures.PLANT).setSale(Fixtures.sale(elsewhere).getSale())
            .build()));
    assertTrue(r.getResults(0).hasEvent());
    assertEquals(Status.Code.PERMISSION_DENIED.value(), r.getResults(1).getError().getCode());
  }

  // ---- UNIT_CUSTODY ----

  @Test
  void aCustodianOnlyStepOnlyOnUnitsTheCallerHolds() {
    String code = collectedAtStation(); // held by the dealer
    RecordEventRequest fromThePlant = Fixtures.step(code, Fixtures.PLANT).setShipment(
        Fixtures.shipment(code, "WB-1").getShipment().toBuilder()
            .setDestinationSite(Fixtures.LINE)).build();
    var held = assertDenied("UNIT_CUSTODY", () -> as(RECYCLER).recordEvent(fromThePlant));
    assertFalse(held.getMessage().contains(Fixtures.DEALER), "names no other organisation: "
        + held.getMessage());
    // the same denial for a unit that does not exist
    String unknown = Fixtures.newPackCode();
    var absent = assertDenied("UNIT_CUSTODY", () -> as(RECYCLER).recordEvent(
        Fixtures.step(unknown, Fixtures.PLANT).setShipment(fromThePlant.getShipment()).build()));
    assertEquals(held.getMessage().replace(code, unknown), absent.getMessage());
    // the custodian ships it
    assertEquals(5, as(DEALER).recordEvent(Fixtures.shipment(code, "WB-1")).getSequence());
  }

  @Test
  void aReceiptOnlyOfAUnitShippedToTheCaller() {
    String code = collectedAtStation();
    as(DEALER).recordEvent(Fixtures.shipment(code, "WB-2")); // to the recycler's plant
    var status = assertDenied("UNIT_CUSTODY", () -> as(DISMANTLER).recordEvent(
        Fixtures.step(code, Fixtures.LINE).setReceipt(Fixtures.receipt(code, "WB-2")
            .getReceipt()).build()));
    assertFalse(status.getMessage().contains(Fixtures.RECYCLER), status.getMessage());
    assertFalse(status.getMessage().contains(Fixtures.PLANT), status.getMessage());
    assertEquals(6, as(RECYCLER).recordEvent(Fixtures.receipt(code, "WB-2")).getSequence());
  }

  @Test
  void aCorrectionOnlyByAPartyOfTheUnit() {
    String code = collectedAtStation();
    assertDenied("UNIT_CUSTODY", () -> as(CASCADE).recordEvent(
        Fixtures.correction(code, Fixtures.CASCADE_PLANT, 2)));
    assertEquals(5, as(DEALER).recordEvent(Fixtures.correction(code, Fixtures.STATION, 2))
        .getSequence());
  }

  @Test
  void takingAUnitOverNeedsOnlyTheActingSite() {
    // the dealer holds it (sold); a recycler's collection outlet would record removal and
    // collection at its own site: the recording is how custody becomes known
    String code = Fixtures.registeredPack(harness.client());
    as(DEALER).recordEvent(Fixtures.sale(code));
    assertEquals(3, as(DEALER).recordEvent(
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT)).getSequence());
    assertEquals(4, as(DEALER).recordEvent(Fixtures.collection(code)).getSequence());
  }

  // ---- OWN_RESOURCE ----

  @Test
  void labelKeysOnlyForItselfAndRevokedByTheirOrganizationOrAnOperator() {
    LabelKey own = as(CASCADE).createLabelKey(Fixtures.CASCADE, UUID.randomUUID().toString());
    assertDenied("OWN_RESOURCE", () -> as(CASCADE).createLabelKey(Fixtures.MAKER,
        UUID.randomUUID().toString()));
    assertDenied("OWN_RESOURCE", () -> as(MAKER).revokeLabelKey(own.getName()));
    // a key that does not exist: denied alike (the organisation is in its name)
    assertDenied("OWN_RESOURCE", () -> as(MAKER).revokeLabelKey(
        Fixtures.CASCADE + "/labelKeys/00000000"));
    assertEquals(io.packtrail.v1.LabelKeyStatus.LABEL_KEY_STATUS_REVOKED,
        as(TestPrincipals.operator()).revokeLabelKey(own.getName()).getStatus());
    LabelKey second = as(CASCADE).createLabelKey(Fixtures.CASCADE, UUID.randomUUID().toString());
    assertEquals(io.packtrail.v1.LabelKeyStatus.LABEL_KEY_STATUS_REVOKED,
        as(CASCADE).revokeLabelKey(second.getName()).getStatus());
  }

  @Test
  void enrollmentCodesAndRetirementsForTheCallersOwnSites() {
    assertDenied("OWN_RESOURCE", () -> as(DEALER).createEnrollmentCode(Fixtures.PLANT,
        UUID.randomUUID().toString()));
    Principal microgridWorker = TestPrincipals.worker(Fixtures.MICROGRID);
    assertDenied("OWN_RESOURCE", () -> as(microgridWorker).createEnrollmentCode(
        Fixtures.CASCADE_PLANT, UUID.randomUUID().toString()));
    String code = as(STATION_WORKER).createEnrollmentCode(Fixtures.STATION,
        UUID.randomUUID().toString()).getCode();

    // a device enrolls itself, not another
    Principal device = TestPrincipals.device(Fixtures.STATION, "scope-scanner");
    DeviceKey key = DeviceKey.generate();
    assertDenied("OWN_RESOURCE", () -> as(device).enrollDevice(Fixtures.STATION,
        "other-scanner", code, key.publicKey(), "Dock 1"));
    String name = as(device).enrollDevice(Fixtures.STATION, "scope-scanner", code,
        key.publicKey(), "Dock 1").getName();

    assertDenied("OWN_RESOURCE", () -> as(RECYCLER).retireDevice(name));
    assertEquals(io.packtrail.v1.DeviceStatus.DEVICE_STATUS_RETIRED,
        as(DEALER).retireDevice(name).getStatus());
  }

  @Test
  void aSitesTradeInsAndPlantFiguresForItsOrganization() {
    Instant start = Instant.now().minusSeconds(3600);
    Instant end = Instant.now().plusSeconds(3600);
    assertDenied("OWN_RESOURCE", () -> as(DEALER).getPlantFigures(Fixtures.PLANT, start, end));
    as(RECYCLER).getPlantFigures(Fixtures.PLANT, start, end);
    assertDenied("OWN_RESOURCE", () -> as(RECYCLER).listAllTradeIns(Fixtures.STATION, start,
        end));
    as(STATION_WORKER).listAllTradeIns(Fixtures.STATION, start, end);
    as(TestPrincipals.regulator()).getPlantFigures(Fixtures.PLANT, start, end);
  }

  // ---- UNIT_MAKER ----

  @Test
  void labelsAreIssuedAndWithdrawnByTheUnitsMaker() {
    as(MAKER).createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
    String code = Fixtures.registeredPack(harness.client());
    var others = assertDenied("UNIT_MAKER", () -> as(DEALER).issueLabel(code));
    // a unit that does not exist: denied the same way, for its "maker" too
    String unknown = Fixtures.newPackCode();
    var absent = assertDenied("UNIT_MAKER", () -> as(DEALER).issueLabel(unknown));
    assertEquals(others.getMessage().replace(code, unknown), absent.getMessage());
    assertDenied("UNIT_MAKER", () -> as(MAKER).issueLabel(unknown));

    Label label = as(TestPrincipals.worker(Fixtures.FACTORY)).issueLabel(code);
    assertDenied("UNIT_MAKER", () -> as(DEALER).reissueLabel(label.getSerial()));
    Label reissued = as(MAKER).reissueLabel(label.getSerial());
    assertDenied("UNIT_MAKER", () -> as(DEALER).revokeLabel(reissued.getSerial()));
    assertDenied("UNIT_MAKER", () -> as(MAKER).revokeLabel(999_999_999L)); // no such label
    assertEquals(io.packtrail.v1.LabelStatus.LABEL_STATUS_REVOKED,
        as(MAKER).revokeLabel(reissued.getSerial()).getStatus());
  }

  @Test
  void aCascadeFirmLabelsOnlyWhatItAssembled() {
    as(CASCADE).createLabelKey(Fixtures.CASCADE, UUID.randomUUID().toString());
    String source = Fixtures.gradedPackAt(harness.client(), Fixtures.CASCADE_PLANT);
    String product = Fixtures.newSecondLifePackCode();
    as(CASCADE).recordEvent(Fixtures.assembly(product, 390, source));
    assertEquals("units/" + product, as(CASCADE).issueLabel(product).getUnit());
    assertDenied("UNIT_MAKER", () -> as(CASCADE).issueLabel(source));
  }

  @Test
  void theDenialsNameNoOtherOrganizationsData() {
    String code = collectedAtStation();
    for (var call : List.<org.junit.jupiter.api.function.Executable>of(
        () -> as(RECYCLER).listEvents(code),
        () -> as(RECYCLER).issueLabel(code),
        () -> as(RECYCLER).recordEvent(Fixtures.step(code, Fixtures.PLANT)
            .setInspection(Fixtures.inspection(code).getInspection()).build()))) {
      var status = assertFails(Status.Code.PERMISSION_DENIED, call);
      assertFalse(status.getMessage().contains(Fixtures.DEALER), status.getMessage());
      assertFalse(status.getMessage().contains(Fixtures.STATION), status.getMessage());
    }
  }

  @Test
  void aDenialIsLoggedOnceWithWhoWhatAndTheRule() {
    String code = collectedAtStation();
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertDenied("UNIT_CUSTODY", () -> as(RECYCLER).recordEvent(Fixtures.step(code,
          Fixtures.PLANT).setInspection(Fixtures.inspection(code).getInspection()).build()));
    } finally {
      System.setErr(original);
    }
    List<String> lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("permission denied")).toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("ORGANIZATION_SYSTEM " + Fixtures.RECYCLER), lines.get(0));
    assertTrue(lines.get(0).contains("certificate " + RECYCLER.certificateSerial()),
        lines.get(0));
    assertTrue(lines.get(0).contains("packtrail.v1.EventService/RecordEvent"), lines.get(0));
    assertTrue(lines.get(0).contains("rule UNIT_CUSTODY"), lines.get(0));
  }
}
