package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Anomaly;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.Event;
import io.packtrail.v1.Label;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import io.packtrail.v1.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the server accepts from a station device that was offline (issue 8, part 4): late steps,
 * labels revoked after the scan, refusals remembered per event id, and the steps a unit allows
 * next.
 */
class OfflineDevicesTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  /** A pack received at the plant at {@code t}, its earlier steps a day apart before it. */
  private static String receivedPack(Instant t) {
    return pack(t, 5);
  }

  /** A pack whose first {@code steps} steps after registration (of 5, to the receipt) are done. */
  private static String pack(Instant t, int count) {
    String code = Fixtures.newPackCode();
    harness.client().registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(t.minus(Duration.ofDays(30)))).build());
    RecordEventRequest[] all = {Fixtures.sale(code),
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN), Fixtures.collection(code),
        Fixtures.shipment(code, "WB-" + code.substring(17)),
        Fixtures.receipt(code, "WB-" + code.substring(17))};
    RecordEventRequest[] steps = java.util.Arrays.copyOf(all, count);
    for (int i = 0; i < steps.length; i++) {
      harness.client().recordEvent(steps[i].toBuilder()
          .setEventTime(Fixtures.time(t.minus(Duration.ofDays(steps.length - 1 - i)))).build());
    }
    return code;
  }

  /** An inspection tested and scanned at {@code t}. */
  private static RecordEventRequest inspectionAt(String code, Instant t) {
    RecordEventRequest r = Fixtures.inspection(code);
    return r.toBuilder().setEventTime(Fixtures.time(t)).setInspection(r.getInspection()
        .toBuilder().setTestDate(t.toString().substring(0, 10))).build();
  }

  /** The request field a LABEL refusal names (ErrorInfo metadata). */
  private static String labelField(com.google.rpc.Status status) {
    for (com.google.protobuf.Any detail : status.getDetailsList()) {
      if (detail.is(com.google.rpc.ErrorInfo.class)) {
        try {
          return detail.unpack(com.google.rpc.ErrorInfo.class).getMetadataOrThrow("field");
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no ErrorInfo in " + status);
  }

  private static List<Anomaly> anomalies(String code, String kind) {
    return harness.client().getUnit(code).getAnomaliesList().stream()
        .filter(a -> a.getKind().equals(kind)).toList();
  }

  // ---- late steps ----

  @Test
  void aStepScannedThreeDaysEarlierIsAcceptedWithItsScanTime() {
    Instant scanned = Instant.now().minus(Duration.ofDays(3))
        .truncatedTo(java.time.temporal.ChronoUnit.MICROS); // the stored precision
    String code = receivedPack(scanned.minus(Duration.ofHours(2)));
    Event e = harness.client().recordEvent(inspectionAt(code, scanned));
    assertEquals(Fixtures.time(scanned), e.getEventTime());
    assertTrue(e.getRecordTime().getSeconds() >= Instant.now().minusSeconds(60).getEpochSecond());
    assertEquals(List.of(), anomalies(code, "TIME_ORDER"), "in order: nothing to flag");
  }

  @Test
  void aLateStepAfterLaterStepsIsRecordedInArrivalOrderAndFlagged() {
    Instant received = Instant.now().minus(Duration.ofHours(3));
    String code = receivedPack(received);
    // another device's inspection arrives first; then the offline device's, scanned earlier
    harness.client().recordEvent(inspectionAt(code, received.plus(Duration.ofHours(2))));
    Instant late = received.plus(Duration.ofMinutes(30))
        .truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    Event e = harness.client().recordEvent(inspectionAt(code, late));
    assertEquals(Fixtures.time(late), e.getEventTime());
    assertEquals(8, e.getSequence(), "recorded in arrival order");
    List<Anomaly> flagged = anomalies(code, "TIME_ORDER");
    assertEquals(1, flagged.size(), flagged.toString());
    assertEquals(List.of("units/" + code + "/events/7", "units/" + code + "/events/8"),
        flagged.get(0).getEventsList());
    assertTrue(flagged.get(0).getDescription().contains("1 h 30 min before"),
        flagged.get(0).getDescription());

    // the unit's latest time stays the later step's: a next step before it is flagged too
    harness.client().recordEvent(inspectionAt(code, received.plus(Duration.ofHours(1))));
    assertEquals(2, anomalies(code, "TIME_ORDER").size());
    // within the five minutes of tolerated clock skew nothing is flagged
    harness.client().recordEvent(inspectionAt(code,
        received.plus(Duration.ofHours(2)).minus(Duration.ofMinutes(4))));
    assertEquals(2, anomalies(code, "TIME_ORDER").size());
  }

  @Test
  void aTimeAheadOfTheServerClockSaysHowFarAndToCheckTheDevicesClock() {
    String code = receivedPack(Instant.now().minus(Duration.ofHours(1)));
    Instant ahead = Instant.now().plus(Duration.ofHours(2)).plus(Duration.ofMinutes(13))
        .plusSeconds(30);
    var refused = assertFails(Status.Code.INVALID_ARGUMENT,
        () -> harness.client().recordEvent(inspectionAt(code, ahead)));
    assertViolation(refused, "event_time", "is 2 h 13 min ahead of the server clock");
    assertViolation(refused, "event_time", "at most 5 minutes of device clock skew is "
        + "tolerated: check the device's clock");
    // a device clock a few minutes fast is tolerated
    harness.client().recordEvent(inspectionAt(code, Instant.now().plus(Duration.ofMinutes(4))));
  }

  // ---- labels revoked after the scan ----

  @Test
  void aLabelRevokedAfterTheScanIsRecordedAndFlaggedButNotOneRevokedBefore() throws Exception {
    String code = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    Label label = harness.client().issueLabel(code);
    Thread.sleep(5); // the scan's time lies strictly between the issue and the revocation
    Instant scanned = Instant.now();
    Thread.sleep(5);
    harness.client().revokeLabel(label.getSerial());

    Event e = harness.client().recordEvent(inspectionAt(code, scanned).toBuilder()
        .setLabelText(label.getText()).build());
    assertEquals(label.getSerial(), e.getLabelSerial());
    List<Anomaly> flagged = anomalies(code, "LABEL_REVOKED_AFTER_SCAN");
    assertEquals(1, flagged.size());
    assertEquals(List.of(e.getName()), flagged.get(0).getEventsList());
    assertTrue(flagged.get(0).getDescription().contains("labels/" + label.getSerial()));

    // scanned after the revocation: refused as before
    var refused = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(inspectionAt(code, Instant.now()).toBuilder()
            .setLabelText(label.getText()).build()));
    assertEquals("LABEL", preconditions(refused).get(0).getType());
    assertTrue(refused.getMessage().contains("REVOKED_LABEL"), refused.getMessage());
  }

  @Test
  void aLabelSupersededAfterTheScanIsRecordedWithoutAFlag() throws Exception {
    String code = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    Label old = harness.client().issueLabel(code);
    Thread.sleep(5);
    Instant scanned = Instant.now();
    Thread.sleep(5);
    harness.client().reissueLabel(old.getSerial());
    Event e = harness.client().recordEvent(inspectionAt(code, scanned).toBuilder()
        .setLabelText(old.getText()).build());
    assertEquals(old.getSerial(), e.getLabelSerial());
    assertEquals(List.of(), harness.client().getUnit(code).getAnomaliesList());
  }

  // ---- refusals remembered per event id ----

  @Test
  void aRefusedStepSentAgainGetsTheSameRefusalAfterTheStateChanged() {
    String code = pack(Instant.now().minus(Duration.ofDays(1)), 4); // shipped, in transit
    RecordEventRequest inspection = Fixtures.inspection(code);
    var first = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().recordEvent(inspection));
    assertEquals("STATE", preconditions(first).get(0).getType());
    // the unit is received: the same inspection would pass now
    harness.client().recordEvent(Fixtures.receipt(code, "WB-" + code.substring(17)));
    var again = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().recordEvent(inspection));
    assertEquals(first, again, "same code, message and details");

    // the worker corrects it with a new event id: a new step, judged on the state now
    RecordEventRequest corrected = inspection.toBuilder()
        .setEventId(UUID.randomUUID().toString()).build();
    assertEquals(7, harness.client().recordEvent(corrected).getSequence());
  }

  @Test
  void aRefusalBeforeTheSequencerIsRememberedToo() {
    String code = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    String siteId = "late-" + UUID.randomUUID().toString().substring(0, 8);
    String site = Fixtures.RECYCLER + "/sites/" + siteId;
    RecordEventRequest inspection = Fixtures.inspection(code).toBuilder().setActorSite(site)
        .build();
    var first = assertFails(Status.Code.NOT_FOUND,
        () -> harness.client().recordEvent(inspection));
    harness.client().createSite(Fixtures.RECYCLER, siteId, Site.newBuilder()
        .setDisplayName("Late site").setKind(SiteKind.SITE_KIND_TESTING_CENTER)
        .setRegionCode("620300").build());
    assertEquals(first, assertFails(Status.Code.NOT_FOUND,
        () -> harness.client().recordEvent(inspection)));
  }

  @Test
  void theSameIdWithOtherContentIsAReusedIdAfterARefusalAsAfterARecord() {
    String code = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    RecordEventRequest receipt = Fixtures.receipt(code, "WB-3"); // already received: STATE
    assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client().recordEvent(receipt));
    var reused = assertFails(Status.Code.ALREADY_EXISTS, () -> harness.client().recordEvent(
        receipt.toBuilder().setReceipt(receipt.getReceipt().toBuilder().setWaybill("WB-4"))
            .build()));
    assertTrue(reused.getMessage().contains("was already used for a different step, which was "
        + "refused; choose a new event_id"), reused.getMessage());
  }

  @Test
  void aBatchItemsRefusalIsRememberedWithoutItsPositionInTheBatch() {
    String code = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    String other = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    Label otherLabel = harness.client().issueLabel(other);
    RecordEventRequest wrongLabel = inspectionAt(code, Instant.now()).toBuilder()
        .setLabelText(otherLabel.getText()).build();
    BatchRecordEventsResponse batch = harness.client().recordEvents(List.of(
        inspectionAt(other, Instant.now()), wrongLabel));
    assertTrue(batch.getResults(0).hasEvent());
    com.google.rpc.Status inBatch = batch.getResults(1).getError();
    assertEquals(Status.Code.FAILED_PRECONDITION.value(), inBatch.getCode());

    var single = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().recordEvent(wrongLabel));
    assertEquals(inBatch.getMessage(), single.getMessage());
    assertEquals("requests[1].label_text", labelField(inBatch));
    assertEquals("label_text", labelField(single));
    // sent again in a batch: the same refusal, under this batch's position
    assertEquals(inBatch.toString().replace("requests[1].", "requests[0]."), harness.client()
        .recordEvents(List.of(wrongLabel)).getResults(0).getError().toString());
  }

  // ---- the steps a unit allows next ----

  @Test
  void aUnitListsTheStepsItsStateAllowsNext() {
    String code = receivedPack(Instant.now().minus(Duration.ofDays(1)));
    Unit received = harness.client().getUnit(code);
    assertEquals(List.of("shipment", "inspection", "recycling", "scrapping", "correction"),
        received.getNextStepsList());
    harness.client().recordEvent(inspectionAt(code, Instant.now()));
    assertEquals(List.of("shipment", "inspection", "dismantling", "assembly", "commissioning",
        "recycling", "scrapping", "correction"), harness.client().getUnit(code)
        .getNextStepsList());
  }
}
