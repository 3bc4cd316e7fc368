package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertDenied;
import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.app.AnomalyScan;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.AnomalyRules;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.AcknowledgeAnomalyRequest;
import io.packtrail.v1.AnomalyServiceGrpc;
import io.packtrail.v1.AnomalyState;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetAnomalyRequest;
import io.packtrail.v1.ListAnomaliesRequest;
import io.packtrail.v1.ListAnomaliesResponse;
import io.packtrail.v1.MaterialProduct;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Shipment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The anomaly scan and AnomalyService on a real database over in-process gRPC: each rule with a
 * case that fires and one that does not, a re-scan that adds nothing, resolution by a later
 * step, the ingest flags through the same listing, acknowledgements (idempotent, validated,
 * never deleted), the error paths, the scope rule and the overview and report pages. The scan
 * runs on demand with a time after the steps ({@code in(days)}), never in the background.
 */
class AnomalyServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s
      .withCallerResolver(TestPrincipals.RESOLVER)
      .withAnomalyScan(new AnomalyScan.Settings(Duration.ZERO, AnomalyRules.defaults())));

  static PacktrailClient client;
  static AnomalyServiceGrpc.AnomalyServiceBlockingStub stub;

  @BeforeAll
  static void network() {
    client = harness.client();
    Fixtures.network(client);
    stub = AnomalyServiceGrpc.newBlockingStub(harness.channel());
  }

  static AnomalyScan.Result scan(int days) {
    return harness.server().anomalyScan().scan(Instant.now().plus(Duration.ofDays(days)));
  }

  static List<io.packtrail.v1.Anomaly> of(String code, String kind) {
    return client.listAllAnomalies(ListAnomaliesRequest.newBuilder()
        .setUnit("units/" + code).setKind(kind).build());
  }

  static String event(String code, int sequence) {
    return "units/" + code + "/events/" + sequence;
  }

  static String lastEvent(String code) {
    List<Event> events = client.listEvents(code);
    return events.get(events.size() - 1).getName();
  }

  static String removedPack() {
    String code = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(code));
    client.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    return code;
  }

  static String collectedPack() {
    String code = removedPack();
    client.recordEvent(Fixtures.collection(code));
    return code;
  }

  static PacktrailClient as(Principal p) {
    return PacktrailClient.over(TestPrincipals.as(harness.channel(), p), Duration.ofSeconds(20));
  }

  // ---- the rules ----

  @Test
  void aShipmentNotReceivedFiresAfterItsTimeOnceAndIsResolvedByTheReceipt() {
    String code = collectedPack();
    client.recordEvent(Fixtures.shipment(code, "WB-A1"));
    scan(13);
    assertEquals(List.of(), of(code, Anomaly.SHIPMENT_NOT_RECEIVED), "not yet 14 days");
    AnomalyScan.Result first = scan(15);
    assertTrue(first.found() >= 1);
    List<io.packtrail.v1.Anomaly> found = of(code, Anomaly.SHIPMENT_NOT_RECEIVED);
    assertEquals(1, found.size());
    io.packtrail.v1.Anomaly a = found.get(0);
    assertEquals(List.of(event(code, 5)), a.getEventsList(), "the shipment is the evidence");
    assertEquals("anomalies/" + Anomaly.id(Anomaly.SHIPMENT_NOT_RECEIVED,
        List.of(event(code, 5))), a.getName(), "the id derives from kind and evidence");
    assertEquals(AnomalyState.ANOMALY_STATE_OPEN, a.getState());
    assertEquals("units/" + code, a.getUnit());
    assertTrue(a.getOrganizationsList().containsAll(List.of(Fixtures.DEALER,
        Fixtures.RECYCLER)), "the shipper and the destination: " + a.getOrganizationsList());
    assertEquals(List.of("620100"), a.getRegionCodesList());
    assertTrue(a.getDescription().contains(Fixtures.PLANT), a.getDescription());

    // idempotent: a re-scan finds it again and keeps it as it was
    scan(15);
    scan(20);
    List<io.packtrail.v1.Anomaly> again = of(code, Anomaly.SHIPMENT_NOT_RECEIVED);
    assertEquals(List.of(a), again);

    // received at last: resolved by the receipt, kept
    client.recordEvent(Fixtures.receipt(code, "WB-A1"));
    assertTrue(scan(15).resolved() >= 1);
    io.packtrail.v1.Anomaly resolved = client.getAnomaly(a.getName());
    assertEquals(AnomalyState.ANOMALY_STATE_RESOLVED, resolved.getState());
    assertEquals(event(code, 6), resolved.getResolvingEvent());
    assertTrue(resolved.hasResolveTime());
    assertEquals(1, of(code, Anomaly.SHIPMENT_NOT_RECEIVED).size(), "not found again");
  }

  @Test
  void aShipmentReceivedAndShippedOnBetweenTwoScansIsResolvedByItsReceipt() {
    String code = collectedPack();
    client.recordEvent(Fixtures.shipment(code, "WB-B1"));
    scan(15);
    String found = of(code, Anomaly.SHIPMENT_NOT_RECEIVED).get(0).getName();
    // received, then shipped on at once: in transit again at the next scan
    client.recordEvent(Fixtures.receipt(code, "WB-B1"));
    client.recordEvent(Fixtures.step(code, Fixtures.PLANT).setShipment(
        io.packtrail.v1.Shipment.newBuilder().setDestinationSite(Fixtures.LINE)
            .setWaybill("WB-B2")).build());
    scan(15);
    io.packtrail.v1.Anomaly first = client.getAnomaly(found);
    assertEquals(AnomalyState.ANOMALY_STATE_RESOLVED, first.getState(),
        "the unit was received; that it travels again is another shipment");
    assertEquals(event(code, 6), first.getResolvingEvent());
  }

  @Test
  void aUnitTakenOutOfSecondLifeAndNotCollectedIsFlaggedFromItsDecommissioning() {
    String source = Fixtures.gradedPackAt(client, Fixtures.CASCADE_PLANT);
    String product = Fixtures.newSecondLifePackCode();
    client.recordStep(Fixtures.assembly(product, 370, source));
    client.recordEvent(Fixtures.commissioning(product));
    Event decommissioned = client.recordEvent(Fixtures.decommissioning(product));
    scan(29);
    assertEquals(List.of(), of(product, Anomaly.REMOVAL_NOT_COLLECTED));
    scan(31);
    // the product was never removed from a vehicle: before, it had no evidence and no anomaly
    List<io.packtrail.v1.Anomaly> found = of(product, Anomaly.REMOVAL_NOT_COLLECTED);
    assertEquals(1, found.size());
    assertEquals(List.of(decommissioned.getName()), found.get(0).getEventsList());
    assertTrue(found.get(0).getDescription().contains("taken out of second-life service"),
        found.get(0).getDescription());
  }

  @Test
  void aShipmentReceivedInTimeIsNoAnomaly() {
    String code = Fixtures.gradedPackAt(client, Fixtures.PLANT);
    scan(15);
    assertEquals(List.of(), of(code, Anomaly.SHIPMENT_NOT_RECEIVED));
  }

  @Test
  void aRemovalNotCollectedFiresAfterItsTime() {
    String code = removedPack();
    scan(29);
    assertEquals(List.of(), of(code, Anomaly.REMOVAL_NOT_COLLECTED));
    scan(31);
    List<io.packtrail.v1.Anomaly> found = of(code, Anomaly.REMOVAL_NOT_COLLECTED);
    assertEquals(1, found.size());
    assertEquals(List.of(event(code, 3)), found.get(0).getEventsList());
    assertTrue(found.get(0).getOrganizationsList().contains(Fixtures.DEALER));
  }

  @Test
  void aCollectedRemovalIsNoAnomaly() {
    String code = collectedPack();
    scan(31);
    assertEquals(List.of(), of(code, Anomaly.REMOVAL_NOT_COLLECTED));
  }

  @Test
  void aUnitWithoutAStepForItsTimeHasVanishedUntilItIsSeenAgain() {
    String code = collectedPack();
    scan(89);
    assertEquals(List.of(), of(code, Anomaly.UNIT_VANISHED));
    scan(91);
    List<io.packtrail.v1.Anomaly> found = of(code, Anomaly.UNIT_VANISHED);
    assertEquals(1, found.size());
    assertEquals(List.of(event(code, 4)), found.get(0).getEventsList(), "its last step");

    // seen again: that one is resolved; idle again, it is a new anomaly with new evidence
    client.recordEvent(Fixtures.shipment(code, "WB-V1"));
    scan(91);
    List<io.packtrail.v1.Anomaly> now = of(code, Anomaly.UNIT_VANISHED);
    assertEquals(2, now.size());
    assertEquals(AnomalyState.ANOMALY_STATE_RESOLVED, now.get(0).getState());
    assertEquals(event(code, 5), now.get(0).getResolvingEvent());
    assertEquals(List.of(event(code, 5)), now.get(1).getEventsList());
    assertEquals(AnomalyState.ANOMALY_STATE_OPEN, now.get(1).getState());
  }

  /**
   * A correction is a record about the unit, not a sighting of it: it neither restarts the
   * clock of a removal not collected (before, a correction every few weeks kept one from ever
   * firing) nor resolves a vanished unit.
   */
  @Test
  void aCorrectionNeitherRestartsTheIdleClockNorResolvesAVanishedUnit() {
    String code = Fixtures.newPackCode();
    Instant past = Instant.now().minus(Duration.ofDays(20));
    client.registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(past.minusSeconds(3600))).build());
    client.recordEvent(Fixtures.sale(code).toBuilder().setEventTime(Fixtures.time(past)).build());
    client.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT)
        .toBuilder().setEventTime(Fixtures.time(past.plusSeconds(3600))).build());
    client.recordEvent(Fixtures.correction(code, Fixtures.FACTORY, 1)); // dated now
    scan(15); // the removal is 35 days old then; the correction 15
    List<io.packtrail.v1.Anomaly> found = of(code, Anomaly.REMOVAL_NOT_COLLECTED);
    assertEquals(1, found.size(), "from the removal, whatever the correction");
    assertEquals(List.of(event(code, 3)), found.get(0).getEventsList());

    String vanished = collectedPack();
    scan(91);
    assertEquals(1, of(vanished, Anomaly.UNIT_VANISHED).size());
    client.recordEvent(Fixtures.correction(vanished, Fixtures.STATION, 1));
    scan(91);
    List<io.packtrail.v1.Anomaly> still = of(vanished, Anomaly.UNIT_VANISHED);
    assertEquals(1, still.size(), still.toString());
    assertEquals(AnomalyState.ANOMALY_STATE_OPEN, still.get(0).getState(),
        "a correction does not show the unit was seen");
  }

  @Test
  void aUnitInUseDoesNotVanish() {
    String code = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(code));
    scan(1000);
    assertEquals(List.of(), of(code, Anomaly.UNIT_VANISHED), "in its vehicle for years");
  }

  @Test
  void aDismantlingBeyondTheScansToleranceButWithinTheIngestsIsFlagged() {
    // 380 kg: 360 + 14.3 = 374.3 kg (1.5 % off): recorded (2 %), flagged (1 %)
    String off = Fixtures.gradedPackAt(client, Fixtures.LINE);
    client.recordStep(Fixtures.dismantling(off, Fixtures.LINE, 14.3,
        Fixtures.child(Fixtures.newCode('M'), 360)));
    // 360 + 18.1 = 378.1 kg (0.5 % off): within both
    String fine = Fixtures.gradedPackAt(client, Fixtures.LINE);
    client.recordStep(Fixtures.dismantling(fine, Fixtures.LINE, 18.1,
        Fixtures.child(Fixtures.newCode('M'), 360)));
    scan(0);
    List<io.packtrail.v1.Anomaly> found = of(off, Anomaly.MASS_UNACCOUNTED);
    assertEquals(1, found.size());
    assertEquals(List.of(lastEvent(off)), found.get(0).getEventsList());
    assertTrue(found.get(0).getDescription().contains("5.700 kg (1.50 %) unaccounted for"),
        found.get(0).getDescription());
    assertEquals(List.of(Fixtures.DISMANTLER), found.get(0).getOrganizationsList());
    assertEquals(List.of(), of(fine, Anomaly.MASS_UNACCOUNTED));
    scan(0);
    assertEquals(1, of(off, Anomaly.MASS_UNACCOUNTED).size(), "checked once");
  }

  static String recycled(double li, double cu, double al) {
    String pack = Fixtures.gradedPackAt(client, Fixtures.PLANT);
    String lot = "t-" + UUID.randomUUID().toString().substring(0, 8);
    client.recordStep(Fixtures.recycling(pack, Fixtures.PLANT, Fixtures.elements(5, 0, 0, 0, 20,
        15), List.of(Fixtures.lot(lot, MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 100,
        Fixtures.elements(li, 0, 0, 0, cu, al)))));
    return pack;
  }

  @Test
  void aRecyclingBelowTheTargetsAndLosingMassIsFlaggedTwice() {
    // li 80 % (target 90), cu 70 % (98); 7.1 of 40 kg lost (17.75 % > 10 %)
    String bad = recycled(4, 14, 14.9);
    scan(0);
    List<io.packtrail.v1.Anomaly> below = of(bad, Anomaly.RECOVERY_BELOW_TARGET);
    assertEquals(1, below.size());
    assertEquals(List.of(lastEvent(bad)), below.get(0).getEventsList());
    String d = below.get(0).getDescription();
    assertTrue(d.contains("li 80.00 % (target 90 %)") && d.contains("cu 70.00 % (target 98 %)")
        && !d.contains("al "), d);
    List<io.packtrail.v1.Anomaly> lost = of(bad, Anomaly.MASS_UNACCOUNTED);
    assertEquals(1, lost.size());
    assertTrue(lost.get(0).getDescription().contains("7.100 kg (17.75 %) unaccounted for"),
        lost.get(0).getDescription());
  }

  @Test
  void aRecyclingMeetingTheTargetsIsNoAnomaly() {
    // li 95 %, cu 99 %, al 99.33 %; 0.55 of 40 kg lost
    String good = recycled(4.75, 19.8, 14.9);
    scan(0);
    assertEquals(List.of(), of(good, Anomaly.RECOVERY_BELOW_TARGET));
    assertEquals(List.of(), of(good, Anomaly.MASS_UNACCOUNTED));
  }

  @Test
  void aStepOutOfTimeOrderFlaggedAtIngestIsListedWithTheScansFindings() {
    String late = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(late).toBuilder()
        .setEventTime(Fixtures.time(Instant.now().minus(Duration.ofHours(2)))).build());
    String inOrder = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(inOrder));
    assertEquals(1, client.getUnit(late).getAnomaliesCount(), "flagged at ingest");
    scan(0);
    List<io.packtrail.v1.Anomaly> found = of(late, Anomaly.TIME_ORDER);
    assertEquals(1, found.size());
    // the evidence as flagged: the step before and the late one
    List<String> evidence = List.of(event(late, 1), event(late, 2));
    assertEquals(evidence, found.get(0).getEventsList());
    assertEquals("anomalies/" + Anomaly.id(Anomaly.TIME_ORDER, evidence),
        found.get(0).getName());
    assertEquals(List.of(Fixtures.DEALER, Fixtures.MAKER), found.get(0).getOrganizationsList());
    assertEquals(List.of(), of(inOrder, Anomaly.TIME_ORDER));
    scan(0);
    assertEquals(1, of(late, Anomaly.TIME_ORDER).size(), "taken over once");
  }

  @Test
  void aStepDeliveredLateAndDatedLongAgoIsFoundThoughItsTimeWasNeverCrossed() {
    scan(0); // the removal rule has looked at everything idle before now - 30 days
    String code = Fixtures.newPackCode();
    Instant longAgo = Instant.now().minus(Duration.ofDays(40));
    client.registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(longAgo.minusSeconds(3600))).build());
    client.recordEvent(Fixtures.sale(code).toBuilder().setEventTime(Fixtures.time(longAgo))
        .build());
    client.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT)
        .toBuilder().setEventTime(Fixtures.time(longAgo.plusSeconds(3600))).build());
    // the same cutoff as before: found through the steps recorded since the last scan
    harness.server().anomalyScan().scan(Instant.now());
    assertEquals(1, of(code, Anomaly.REMOVAL_NOT_COLLECTED).size());
  }

  @Test
  void aScanRepeatedFromTheStartAfterACrashKeepsEachAnomalyOnce() {
    openAnomaly();
    recycled(4, 14, 14.9);
    scan(100);
    long before = count("SELECT count(*) FROM anomaly");
    // as if every position had been lost: everything is read again
    harness.jdbi().useHandle(h -> h.execute("UPDATE anomaly_scan_progress SET position = "
        + "CASE WHEN source LIKE '%:cutoff' THEN -62135596800000 WHEN source = 'flags' THEN 0 "
        + "ELSE -1 END"));
    AnomalyScan.Result again = scan(100);
    assertEquals(before, count("SELECT count(*) FROM anomaly"), "nothing twice");
    assertEquals(0, again.resolved());
  }

  /**
   * The ingest path checks a scanned label against its other scans from a queue in memory; a
   * crash or a stop loses what is queued. The scan checks the window's scanned labels again, so
   * the copy is flagged all the same (here the ingest path's flag is deleted before the scan
   * takes it over, as if it had never been raised).
   */
  @Test
  void aCopiedLabelWhoseCheckAtIngestWasLostIsFlaggedByTheScan() throws Exception {
    client.createLabelKey(Fixtures.MAKER, java.util.UUID.randomUUID().toString());
    String code = Fixtures.newPackCode();
    Instant past = Instant.now().minus(Duration.ofDays(10));
    client.registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(past)).build());
    client.recordEvent(Fixtures.sale(code).toBuilder()
        .setEventTime(Fixtures.time(past.plusSeconds(60))).build());
    client.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE).toBuilder()
        .setEventTime(Fixtures.time(past.plusSeconds(120))).build());
    String label = client.issueLabel(code).getText();
    Instant t = Instant.now().minus(Duration.ofHours(1));
    client.recordEvent(Fixtures.collection(code).toBuilder().setEventTime(Fixtures.time(t))
        .setLabelText(label).build());
    client.recordEvent(Fixtures.shipment(code, "WB-LOST-1").toBuilder()
        .setEventTime(Fixtures.time(t.plusSeconds(60))).build());
    // received at another site two minutes after the collection: no transport does that
    client.recordEvent(Fixtures.receipt(code, "WB-LOST-1").toBuilder()
        .setEventTime(Fixtures.time(t.plusSeconds(120))).setLabelText(label).build());
    String flagged = "SELECT count(*) FROM unit_anomaly WHERE unit_code = '" + code
        + "' AND kind = '" + Anomaly.LABEL_SEEN_TOO_FAR_APART + "'";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count(flagged) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, count(flagged), "the ingest path flagged it");
    harness.jdbi().useHandle(h -> h.execute("DELETE FROM unit_anomaly WHERE unit_code = ?",
        code));

    scan(0);
    List<io.packtrail.v1.Anomaly> found = of(code, Anomaly.LABEL_SEEN_TOO_FAR_APART);
    assertEquals(1, found.size(), found.toString());
    assertEquals(List.of(event(code, 4), event(code, 6)), found.get(0).getEventsList());
    scan(0);
    assertEquals(1, of(code, Anomaly.LABEL_SEEN_TOO_FAR_APART).size(), "once");
  }

  static long count(String sql) {
    return harness.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  // ---- acknowledgements ----

  static io.packtrail.v1.Anomaly openAnomaly() {
    String code = removedPack();
    scan(31);
    return of(code, Anomaly.REMOVAL_NOT_COLLECTED).get(0);
  }

  @Test
  void anAcknowledgementIsKeptOncePerRequestIdAndNothingIsEverDeleted() {
    io.packtrail.v1.Anomaly a = openAnomaly();
    String id = UUID.randomUUID().toString();
    AcknowledgeAnomalyRequest ack = AcknowledgeAnomalyRequest.newBuilder().setName(a.getName())
        .setRequestId(id).setNote("the station's forklift broke; collected on Monday").build();
    io.packtrail.v1.Anomaly acked = stub.acknowledgeAnomaly(ack).getAnomaly();
    assertEquals(AnomalyState.ANOMALY_STATE_ACKNOWLEDGED, acked.getState());
    assertEquals(1, acked.getAcknowledgementsCount());
    assertEquals(id, acked.getAcknowledgements(0).getRequestId());
    assertEquals("LOCAL", acked.getAcknowledgements(0).getPrincipalKind());
    // a retry: the same answer, no second acknowledgement
    assertEquals(acked, stub.acknowledgeAnomaly(ack).getAnomaly());
    // the id reused with another note
    assertFails(Status.Code.ALREADY_EXISTS, () -> stub.acknowledgeAnomaly(ack.toBuilder()
        .setNote("something else").build()));
    // another acknowledgement
    io.packtrail.v1.Anomaly twice = client.acknowledgeAnomaly(a.getName(), "reviewed");
    assertEquals(2, twice.getAcknowledgementsCount());
    assertEquals("reviewed", twice.getAcknowledgements(1).getNote());
    // listed by state
    Set<String> acknowledged = names(ListAnomaliesRequest.newBuilder()
        .setState(AnomalyState.ANOMALY_STATE_ACKNOWLEDGED).build());
    Set<String> open = names(ListAnomaliesRequest.newBuilder()
        .setState(AnomalyState.ANOMALY_STATE_OPEN).build());
    assertTrue(acknowledged.contains(a.getName()));
    assertFalse(open.contains(a.getName()));

    // the tables refuse deletion and changes of what was found
    String raw = a.getName().substring("anomalies/".length());
    for (String sql : List.of("DELETE FROM anomaly WHERE id = '" + raw + "'",
        "UPDATE anomaly SET description = 'nothing' WHERE id = '" + raw + "'",
        "DELETE FROM anomaly_acknowledgement WHERE anomaly_id = '" + raw + "'",
        "UPDATE anomaly_acknowledgement SET note = 'x' WHERE anomaly_id = '" + raw + "'",
        "TRUNCATE anomaly CASCADE")) {
      assertThrows(UnableToExecuteStatementException.class,
          () -> harness.jdbi().useHandle(h -> h.execute(sql)), sql);
    }
    assertEquals(2, client.getAnomaly(a.getName()).getAcknowledgementsCount());
  }

  @Test
  void anAcknowledgementNeedsABoundedPrintableNote() {
    io.packtrail.v1.Anomaly a = openAnomaly();
    AcknowledgeAnomalyRequest base = AcknowledgeAnomalyRequest.newBuilder()
        .setName(a.getName()).setRequestId(UUID.randomUUID().toString()).build();
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.acknowledgeAnomaly(base)), "note", "is required");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.acknowledgeAnomaly(base.toBuilder().setNote("   ").build())), "note",
        "is required");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.acknowledgeAnomaly(base.toBuilder().setNote("x".repeat(2001)).build())),
        "note", "at most 2000 characters");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.acknowledgeAnomaly(base.toBuilder().setNote("ok\u0000").build())), "note",
        "control characters");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.acknowledgeAnomaly(base.toBuilder().setNote("ok").setRequestId("nope")
            .build())), "request_id", "UUID");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.acknowledgeAnomaly(base.toBuilder().setNote("ok").clearRequestId()
            .build())), "request_id", "is required");
    assertEquals(AnomalyState.ANOMALY_STATE_OPEN, client.getAnomaly(a.getName()).getState(),
        "nothing refused was kept");
    // a multi-line note is fine
    assertEquals(1, stub.acknowledgeAnomaly(base.toBuilder().setNote("line one\nline two")
        .build()).getAnomaly().getAcknowledgementsCount());
  }

  // ---- errors ----

  @Test
  void malformedRequestsNameTheFieldAndUnknownAnomaliesAreNotFound() {
    String unknown = "anomalies/" + "0".repeat(32);
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.getAnomaly(GetAnomalyRequest.getDefaultInstance())), "name", "is required");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> stub.getAnomaly(GetAnomalyRequest.newBuilder().setName("anomalies/XYZ").build())),
        "name", "32 lower-case hex");
    assertFails(Status.Code.NOT_FOUND,
        () -> stub.getAnomaly(GetAnomalyRequest.newBuilder().setName(unknown).build()));
    assertFails(Status.Code.NOT_FOUND, () -> client.acknowledgeAnomaly(unknown, "note"));
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setKind("BOGUS").build())), "kind", "one of");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setRegionCode("62").build())), "region_code", "");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setOrganization("test-dealer").build())),
        "organization", "organizations/{id}");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setUnit("TMK").build())), "unit", "");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setStateValue(42).build())), "state", "42");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setStartTime(Fixtures.now())
            .setEndTime(Fixtures.time(Instant.now().minusSeconds(60))).build())),
        "end_time", "after start_time");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setPageToken("garbage!").build())), "page_token",
        "malformed");
    assertFails(Status.Code.RESOURCE_EXHAUSTED, () -> stub.listAnomalies(
        ListAnomaliesRequest.newBuilder().setPageSize(1001).build()));
  }

  @Test
  void pagesFollowEachOtherAndTokensKeepToTheirFilters() {
    openAnomaly();
    openAnomaly();
    Set<String> all = names(ListAnomaliesRequest.getDefaultInstance());
    Set<String> paged = new HashSet<>();
    String token = "";
    int pages = 0;
    do {
      ListAnomaliesResponse page = stub.listAnomalies(ListAnomaliesRequest.newBuilder()
          .setPageSize(2).setPageToken(token).build());
      page.getAnomaliesList().forEach(a -> assertTrue(paged.add(a.getName()), "once"));
      token = page.getNextPageToken();
      pages++;
      if (!token.isEmpty()) {
        String t = token;
        assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.listAnomalies(
            ListAnomaliesRequest.newBuilder().setPageSize(2).setPageToken(t)
                .setKind(Anomaly.UNIT_VANISHED).build())), "page_token", "other filters");
      }
    } while (!token.isEmpty());
    assertTrue(pages >= 2);
    assertEquals(all, paged);
  }

  @Test
  void theFiltersKeepToKindRegionOrganisationUnitAndPeriod() {
    io.packtrail.v1.Anomaly a = openAnomaly(); // happened 30 days after the removal
    Instant happened = Instant.ofEpochSecond(a.getOccurTime().getSeconds(),
        a.getOccurTime().getNanos());
    ListAnomaliesRequest unit = ListAnomaliesRequest.newBuilder().setUnit(a.getUnit()).build();
    assertTrue(names(unit.toBuilder().setStartTime(Fixtures.time(happened.minusSeconds(1)))
        .setEndTime(Fixtures.time(happened.plusSeconds(1))).build()).contains(a.getName()));
    assertFalse(names(unit.toBuilder().setEndTime(Fixtures.time(happened)).build())
        .contains(a.getName()), "end_time is exclusive");
    assertFalse(names(unit.toBuilder().setStartTime(Fixtures.time(happened.plusSeconds(1)))
        .build()).contains(a.getName()));
    assertTrue(names(unit.toBuilder().setRegionCode("620100").build()).contains(a.getName()));
    assertFalse(names(unit.toBuilder().setRegionCode("110000").build()).contains(a.getName()));
    assertTrue(names(unit.toBuilder().setOrganization(Fixtures.DEALER).build())
        .contains(a.getName()));
    assertFalse(names(unit.toBuilder().setOrganization(Fixtures.RECYCLER).build())
        .contains(a.getName()));
    assertFalse(names(unit.toBuilder().setKind(Anomaly.UNIT_VANISHED).build())
        .contains(a.getName()));
    for (io.packtrail.v1.Anomaly x : client.listAllAnomalies(ListAnomaliesRequest.newBuilder()
        .setKind(Anomaly.REMOVAL_NOT_COLLECTED).build())) {
      assertEquals(Anomaly.REMOVAL_NOT_COLLECTED, x.getKind());
    }
  }

  // ---- who sees and acknowledges what ----

  @Test
  void anOrganisationSeesAndAcknowledgesOnlyTheAnomaliesInvolvingIt() {
    io.packtrail.v1.Anomaly a = openAnomaly(); // a removal at the dealer's station
    PacktrailClient dealer = as(TestPrincipals.system(Fixtures.DEALER));
    PacktrailClient maker = as(TestPrincipals.system(Fixtures.MAKER));
    PacktrailClient worker = as(TestPrincipals.worker(Fixtures.STATION));
    PacktrailClient regulator = as(TestPrincipals.regulator());
    PacktrailClient device = as(TestPrincipals.device(Fixtures.STATION, "dock-1"));
    try {
      assertEquals(a.getName(), dealer.getAnomaly(a.getName()).getName());
      assertEquals(a.getName(), worker.getAnomaly(a.getName()).getName());
      assertEquals(a.getName(), regulator.getAnomaly(a.getName()).getName());
      for (io.packtrail.v1.Anomaly x : dealer.listAllAnomalies(
          ListAnomaliesRequest.getDefaultInstance())) {
        assertTrue(x.getOrganizationsList().contains(Fixtures.DEALER), x.getName());
      }
      assertTrue(regulator.listAllAnomalies(ListAnomaliesRequest.getDefaultInstance()).size()
          > dealer.listAllAnomalies(ListAnomaliesRequest.getDefaultInstance()).size() - 1);

      // another organisation: denied alike for this anomaly and an unknown one
      String unknown = "anomalies/" + "f".repeat(32);
      assertDenied("INVOLVED", () -> maker.getAnomaly(a.getName()));
      assertDenied("INVOLVED", () -> maker.getAnomaly(unknown));
      assertDenied("INVOLVED", () -> maker.acknowledgeAnomaly(a.getName(), "not ours"));
      assertDenied("INVOLVED", () -> maker.listAllAnomalies(ListAnomaliesRequest.newBuilder()
          .setOrganization(Fixtures.DEALER).build()));
      for (io.packtrail.v1.Anomaly x : maker.listAllAnomalies(
          ListAnomaliesRequest.getDefaultInstance())) {
        assertTrue(x.getOrganizationsList().contains(Fixtures.MAKER), x.getName());
      }
      // a page token is plain text: one forged to resume after the dealer's anomaly is refused
      // as one naming no anomaly (before, it resumed there, so whether its page came back empty
      // told whether another organisation's anomaly existed)
      openAnomaly();
      String real = regulator.listAnomalies(ListAnomaliesRequest.newBuilder().setPageSize(1)
          .build()).getNextPageToken();
      String text = new String(java.util.Base64.getUrlDecoder().decode(real),
          StandardCharsets.UTF_8);
      for (String key : List.of(a.getName().substring("anomalies/".length()), "f".repeat(32))) {
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            (text.substring(0, text.lastIndexOf('\n') + 1) + key)
                .getBytes(StandardCharsets.UTF_8));
        assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> maker.listAnomalies(
            ListAnomaliesRequest.newBuilder().setPageSize(1).setPageToken(forged).build())),
            "page_token", "is not a page token of this listing");
      }
      // the same token, in the hands of the one who may see the anomaly, resumes there
      String dealersOwn = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
          (text.substring(0, text.lastIndexOf('\n') + 1)
              + a.getName().substring("anomalies/".length())).getBytes(StandardCharsets.UTF_8));
      dealer.listAnomalies(ListAnomaliesRequest.newBuilder().setPageSize(1)
          .setPageToken(dealersOwn).build());
      // scanner devices have no use for anomalies
      assertDenied("KIND", () -> device.getAnomaly(a.getName()));
      assertDenied("KIND", () -> device.listAnomalies(ListAnomaliesRequest.getDefaultInstance()));
      // nor through the unit's report, which the device may read: the worker's shows the
      // finding, the device's does not
      String unit = a.getUnit().substring("units/".length());
      assertTrue(worker.getUnitReport(unit).getContent().toString(StandardCharsets.UTF_8)
          .contains("data-name=\"" + a.getName() + "\""));
      assertFalse(device.getUnitReport(unit).getContent().toString(StandardCharsets.UTF_8)
          .contains(a.getName()), "a device's report carries no anomaly");

      // the involved organisation explains; the regulator records its review
      io.packtrail.v1.Anomaly explained = worker.acknowledgeAnomaly(a.getName(),
          "collected late: the owner kept the pack");
      assertEquals("WORKER", explained.getAcknowledgements(0).getPrincipalKind());
      assertEquals(Fixtures.STATION, explained.getAcknowledgements(0).getPrincipal());
      io.packtrail.v1.Anomaly reviewed = regulator.acknowledgeAnomaly(a.getName(),
          "accepted");
      assertEquals(2, reviewed.getAcknowledgementsCount());
      assertEquals("REGULATOR", reviewed.getAcknowledgements(1).getPrincipalKind());
      // a note made to look like another party's acknowledgement stays inside its own: the
      // report gives each acknowledgement its element, the note its own within it
      String forged = "checked | 2026-03-02 09:00:00 organizations/authority-x: confirmed";
      worker.acknowledgeAnomaly(a.getName(), forged);
      String page = worker.getUnitReport(unit).getContent().toString(StandardCharsets.UTF_8);
      String row = page.substring(page.indexOf("data-name=\"" + a.getName() + "\""));
      row = row.substring(0, row.indexOf("</tr>"));
      assertEquals(3, row.split("<li class=\"ack\">", -1).length - 1, row);
      assertTrue(row.contains("<q class=\"note\">" + forged + "</q>"), row);
    } finally {
      for (PacktrailClient c : List.of(dealer, maker, worker, regulator, device)) {
        c.close();
      }
    }
  }

  // ---- the overview and the unit report ----

  @Test
  void theRegionalOverviewAndTheUnitReportShowOpenAnomalies() {
    io.packtrail.v1.Anomaly a = openAnomaly();
    String code = a.getUnit().substring("units/".length());
    Instant start = Instant.now().minus(Duration.ofDays(1));
    Instant end = Instant.now().plus(Duration.ofDays(400));
    io.packtrail.v1.RegionalOverview o = client.getRegionalOverview("620000", start, end);
    assertTrue(o.hasOpenAnomalies());
    assertTrue(o.getOpenAnomalies().getTotal() >= 1);
    assertTrue(o.getOpenAnomalies().getByKindList().stream()
        .anyMatch(c -> c.getKey().equals(Anomaly.REMOVAL_NOT_COLLECTED)));
    assertTrue(o.getOpenAnomalies().getByOrganizationList().stream()
        .anyMatch(c -> c.getKey().equals(Fixtures.DEALER)));
    long listed = client.listAllAnomalies(ListAnomaliesRequest.newBuilder().setRegionCode(
        "620000").setState(AnomalyState.ANOMALY_STATE_OPEN).setEndTime(Fixtures.time(end))
        .build()).size();
    assertEquals(listed, o.getOpenAnomalies().getTotal(), "the same open anomalies");
    // another province has none
    assertEquals(0, client.getRegionalOverview("110000", start, end).getOpenAnomalies()
        .getTotal());

    String page = client.getRegionalOverviewPage("620000", start, end).getContent()
        .toString(StandardCharsets.UTF_8);
    assertTrue(page.contains("data-total=\"" + o.getOpenAnomalies().getTotal() + "\""));
    assertTrue(page.contains("data-kind=\"" + Anomaly.REMOVAL_NOT_COLLECTED + "\""));

    String report = client.getUnitReport(code).getContent().toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("data-name=\"" + a.getName() + "\""), "the finding's row");
    assertTrue(report.contains("data-state=\"OPEN\""));
  }

  static Set<String> names(ListAnomaliesRequest query) {
    Set<String> out = new HashSet<>();
    client.listAllAnomalies(query).forEach(a -> out.add(a.getName()));
    return out;
  }
}
