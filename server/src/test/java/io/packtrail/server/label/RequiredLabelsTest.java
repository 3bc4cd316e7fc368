package io.packtrail.server.label;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.server.ingest.LabelSightings;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Label;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A deployment that requires labels on scan-type steps; and copied-label detection. */
class RequiredLabelsTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s.withRequireLabels(true));

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  /**
   * A unit sold and removed ten days ago, ready to be collected, with its label (the tests date
   * later steps in the past, and a step may not be dated before the one it follows).
   */
  static Label removedUnit() {
    String code = Fixtures.newPackCode();
    Instant past = Instant.now().minus(Duration.ofDays(10));
    harness.client().registerUnit(Fixtures.registration(code).toBuilder()
        .setEventTime(Fixtures.time(past)).build());
    harness.client().recordEvent(Fixtures.sale(code).toBuilder()
        .setEventTime(Fixtures.time(past.plusSeconds(60))).build());
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE)
        .toBuilder().setEventTime(Fixtures.time(past.plusSeconds(120))).build());
    return harness.client().issueLabel(code);
  }

  static String code(Label label) {
    return label.getUnit().substring("units/".length());
  }

  @Test
  void scanTypeStepsNeedTheLabelOthersDoNot() {
    Label label = removedUnit();
    var status = assertFails(Status.Code.INVALID_ARGUMENT,
        () -> harness.client().recordEvent(Fixtures.collection(code(label))));
    assertViolation(status, "label_text", "requires the unit's scanned label");
    harness.client().recordEvent(Fixtures.collection(code(label)).toBuilder()
        .setLabelText(label.getText()).build());
    // a shipment is not a scan-type step
    harness.client().recordEvent(Fixtures.shipment(code(label), "WB-REQ-1"));
  }

  @Test
  void theSameLabelInTwoPlacesTooCloseInTimeIsFlaggedNotRefused() throws Exception {
    Label label = removedUnit();
    String code = code(label);
    Instant t = Instant.now().minus(Duration.ofHours(1));
    harness.client().recordEvent(Fixtures.collection(code).toBuilder()
        .setEventTime(Fixtures.time(t)).setLabelText(label.getText()).build());
    harness.client().recordEvent(Fixtures.shipment(code, "WB-COPY-1").toBuilder()
        .setEventTime(Fixtures.time(t.plusSeconds(60))).build());
    // received at another site two minutes after the collection: no transport does that
    harness.client().recordEvent(Fixtures.receipt(code, "WB-COPY-1").toBuilder()
        .setEventTime(Fixtures.time(t.plusSeconds(120))).setLabelText(label.getText()).build());
    Unit unit = awaitAnomaly(code);
    assertEquals(LabelSightings.KIND, unit.getAnomalies(0).getKind());
    assertTrue(unit.getAnomalies(0).getDescription().contains(label.getName()),
        unit.getAnomalies(0).getDescription());
    assertEquals(2, unit.getAnomalies(0).getEventsCount());
    assertEquals(io.packtrail.v1.LifecycleState.LIFECYCLE_STATE_RECEIVED, unit.getState(),
        "flagged, not refused");
  }

  @Test
  void aPlausibleJourneyIsNotFlagged() throws Exception {
    Label label = removedUnit();
    String code = code(label);
    Instant t = Instant.now().minus(Duration.ofDays(3));
    harness.client().recordEvent(Fixtures.collection(code).toBuilder()
        .setEventTime(Fixtures.time(t)).setLabelText(label.getText()).build());
    harness.client().recordEvent(Fixtures.shipment(code, "WB-OK-1").toBuilder()
        .setEventTime(Fixtures.time(t.plusSeconds(3600))).build());
    harness.client().recordEvent(Fixtures.receipt(code, "WB-OK-1").toBuilder()
        .setEventTime(Fixtures.time(t.plus(Duration.ofDays(2)))).setLabelText(label.getText())
        .build());
    // sightings are checked in commit order on one thread: once a later copied label is
    // flagged, this journey has been checked too
    Label copied = removedUnit();
    Instant c = Instant.now().minus(Duration.ofHours(1));
    harness.client().recordEvent(Fixtures.collection(code(copied)).toBuilder()
        .setEventTime(Fixtures.time(c)).setLabelText(copied.getText()).build());
    harness.client().recordEvent(Fixtures.shipment(code(copied), "WB-OK-2").toBuilder()
        .setEventTime(Fixtures.time(c.plusSeconds(30))).build());
    harness.client().recordEvent(Fixtures.receipt(code(copied), "WB-OK-2").toBuilder()
        .setEventTime(Fixtures.time(c.plusSeconds(60))).setLabelText(copied.getText()).build());
    awaitAnomaly(code(copied));
    assertEquals(0, harness.client().getUnit(code).getAnomaliesCount());
  }

  static Unit awaitAnomaly(String code) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      Unit unit = harness.client().getUnit(code);
      if (unit.getAnomaliesCount() > 0) {
        return unit;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no anomaly flagged on units/" + code);
  }
}
