package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.Event;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.ListEventsRequest;
import io.packtrail.v1.ListEventsResponse;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Sale;
import io.packtrail.v1.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  static String registered() {
    return Fixtures.registeredPack(harness.client());
  }

  @Test
  void eachStepMovesTheUnitAlong() {
    String code = registered();
    Event sale = harness.client().recordEvent(Fixtures.sale(code));
    assertEquals(2, sale.getSequence());
    assertEquals(LifecycleState.LIFECYCLE_STATE_REGISTERED, sale.getStateBefore());
    assertEquals(LifecycleState.LIFECYCLE_STATE_INSTALLED, sale.getStateAfter());
    assertEquals(Fixtures.DEALER, sale.getActorOrganization());
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));
    harness.client().recordEvent(Fixtures.collection(code));
    harness.client().recordEvent(Fixtures.shipment(code, "WB-100"));
    Unit inTransit = harness.client().getUnit(code);
    assertEquals(LifecycleState.LIFECYCLE_STATE_IN_TRANSIT, inTransit.getState());
    assertEquals(Fixtures.PLANT, inTransit.getShipmentDestination());
    assertEquals(Fixtures.DEALER, inTransit.getCustodian());
    harness.client().recordEvent(Fixtures.receipt(code, "WB-100"));
    Event inspection = harness.client().recordEvent(Fixtures.inspection(code));
    Unit graded = harness.client().getUnit(code);
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, graded.getState());
    assertEquals(Fixtures.RECYCLER, graded.getCustodian());
    assertEquals(76.5, graded.getStateOfHealth().getStateOfCertifiedEnergyPercent());
    assertEquals(7, graded.getEventCount());
    assertEquals(inspection.getHash(), graded.getHeadHash());
  }

  @Test
  void aStepNotAllowedNowNamesTheStateAndTheAllowedSteps() {
    String code = registered();
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().recordEvent(Fixtures.collection(code)));
    PreconditionFailure.Violation v = preconditions(status).get(0);
    assertEquals("STATE", v.getType());
    assertEquals("units/" + code, v.getSubject());
    assertTrue(v.getDescription().contains("REGISTERED"), v.getDescription());
    assertTrue(v.getDescription().contains("allowed steps: sale"), v.getDescription());
    assertEquals(1, harness.client().getUnit(code).getEventCount(), "nothing was recorded");
  }

  @Test
  void unknownUnitIsNotFound() {
    var status = assertFails(Status.Code.NOT_FOUND,
        () -> harness.client().recordEvent(Fixtures.sale("TMKPBA1TRACE01RA58888888")));
    assertTrue(status.getMessage().contains("units/TMKPBA1TRACE01RA58888888"));
    assertFails(Status.Code.NOT_FOUND, () -> harness.client().listEvents(
        "TMKPBA1TRACE01RA58888888"));
  }

  @Test
  void malformedStepsNameTheFieldAndTheRule() {
    String code = registered();
    var badVin = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client().recordEvent(
        Fixtures.step(code, Fixtures.STATION).setSale(Sale.newBuilder()
            .setVin("1M8GDM9A1KP042788").setDealer(Fixtures.DEALER)).build()));
    assertViolation(badVin, "sale.vin", "check digit");

    var noStep = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.events().recordEvent(
        RecordEventRequest.newBuilder().setUnit("units/" + code).build()));
    assertViolation(noStep, "event_id", "UUID");
    assertViolation(noStep, "step", "exactly one step");
    assertViolation(noStep, "actor_site", "required");
    assertViolation(noStep, "event_time", "required");

    var future = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client().recordEvent(
        Fixtures.sale(code).toBuilder().setEventTime(
            Fixtures.time(Instant.now().plus(Duration.ofHours(1)))).build()));
    assertViolation(future, "event_time", "ahead of the server clock");

    var badUnit = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client().recordEvent(
        Fixtures.sale(code).toBuilder().setUnit("units/short").build()));
    assertViolation(badUnit, "unit", "24 characters");

    var huge = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client().recordEvent(
        Fixtures.step(code, Fixtures.STATION).setRemoval(io.packtrail.v1.Removal.newBuilder()
            .setReason(RemovalReason.REMOVAL_REASON_SERVICE).setNote("x".repeat(10_000)))
            .build()));
    assertViolation(huge, "removal.note", "at most 500");
    assertEquals(1, harness.client().getUnit(code).getEventCount());
  }

  @Test
  void aRetryReturnsTheOriginalEventAndAReusedIdIsRefused() {
    String code = registered();
    RecordEventRequest sale = Fixtures.sale(code);
    Event first = harness.client().recordEvent(sale);
    Event retry = harness.client().recordEvent(sale);
    assertEquals(first, retry);
    assertEquals(2, harness.client().getUnit(code).getEventCount(), "recorded once");

    var status = assertFails(Status.Code.ALREADY_EXISTS, () -> harness.client().recordEvent(
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE).toBuilder()
            .setEventId(sale.getEventId()).build()));
    assertTrue(status.getMessage().contains(sale.getEventId()), status.getMessage());
  }

  @Test
  void custodyAndDestinationRulesAreEnforced() {
    String code = registered();
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    harness.client().recordEvent(Fixtures.collection(code));
    var notCustodian = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(Fixtures.step(code, Fixtures.PLANT).setShipment(
            io.packtrail.v1.Shipment.newBuilder().setDestinationSite(Fixtures.STATION)
                .setWaybill("WB-7")).build()));
    assertEquals("CUSTODY", preconditions(notCustodian).get(0).getType());

    harness.client().recordEvent(Fixtures.shipment(code, "WB-200"));
    var wrongWaybill = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().recordEvent(Fixtures.receipt(code, "WB-999")));
    assertEquals("WAYBILL", preconditions(wrongWaybill).get(0).getType());
    var wrongSite = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(Fixtures.step(code, Fixtures.STATION).setReceipt(
            io.packtrail.v1.Receipt.getDefaultInstance()).build()));
    assertEquals("DESTINATION", preconditions(wrongSite).get(0).getType());

    var unknownDestination = assertFails(Status.Code.NOT_FOUND, () -> harness.client()
        .recordEvent(Fixtures.step(code, Fixtures.STATION).setShipment(
            io.packtrail.v1.Shipment.newBuilder()
                .setDestinationSite("organizations/test-recycler/sites/ghost")
                .setWaybill("WB-8")).build()));
    assertTrue(unknownDestination.getMessage().contains("shipment.destination_site"));
  }

  @Test
  void aBatchRecordsInOrderAndFailsOnlyTheBadItems() {
    String code = registered();
    String other = registered();
    List<RecordEventRequest> items = List.of(
        Fixtures.sale(code),
        Fixtures.collection(other),                 // refused: other is REGISTERED
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN),
        Fixtures.sale(other).toBuilder().setEventId("bad").build(),
        Fixtures.collection(code));
    BatchRecordEventsResponse r = harness.client().recordEvents(items);
    assertEquals(5, r.getResultsCount());
    assertEquals(2, r.getResults(0).getEvent().getSequence());
    assertEquals(Code.FAILED_PRECONDITION_VALUE, r.getResults(1).getError().getCode());
    assertEquals(3, r.getResults(2).getEvent().getSequence());
    assertEquals(Code.INVALID_ARGUMENT_VALUE, r.getResults(3).getError().getCode());
    assertViolation(r.getResults(3).getError(), "requests[3].event_id", "UUID");
    assertEquals(LifecycleState.LIFECYCLE_STATE_COLLECTED,
        r.getResults(4).getEvent().getStateAfter());
    assertEquals(LifecycleState.LIFECYCLE_STATE_REGISTERED,
        harness.client().getUnit(other).getState());

    BatchRecordEventsResponse again = harness.client().recordEvents(items);
    assertEquals(r.getResults(0), again.getResults(0), "a retried batch is idempotent");
    assertEquals(4, harness.client().getUnit(code).getEventCount());
  }

  @Test
  void listEventsPagesInSequenceOrder() {
    String code = registered();
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE));
    harness.client().recordEvent(Fixtures.collection(code));
    List<Event> seen = new ArrayList<>();
    String token = "";
    do {
      ListEventsResponse page = harness.events().listEvents(ListEventsRequest.newBuilder()
          .setParent("units/" + code).setPageSize(3).setPageToken(token).build());
      seen.addAll(page.getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertEquals(List.of(1L, 2L, 3L, 4L), seen.stream().map(Event::getSequence).toList());
    assertEquals("units/" + code + "/events/4", seen.get(3).getName());
    assertEquals(seen, harness.client().listEvents(code));
    for (int i = 1; i < seen.size(); i++) {
      assertEquals(seen.get(i - 1).getHash(), seen.get(i).getPreviousHash());
      assertTrue(seen.get(i - 1).getLogIndex() < seen.get(i).getLogIndex());
    }
    String otherToken = harness.events().listEvents(ListEventsRequest.newBuilder()
        .setParent("units/" + code).setPageSize(1).build()).getNextPageToken();
    assertFalse(otherToken.isEmpty());
    assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.events().listEvents(
        ListEventsRequest.newBuilder().setParent("units/" + registered())
            .setPageToken(otherToken).build()));
  }
}
