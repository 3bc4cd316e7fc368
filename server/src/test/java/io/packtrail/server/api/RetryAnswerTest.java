package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.Label;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.RegisterUnitResponse;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.StateOfHealth;
import io.packtrail.v1.Unit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A retry learns what became of its first attempt: the id is looked up before the request is
 * judged against a world that may have moved on, and every answer carries the values as hashed.
 */
class RetryAnswerTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  /** A pack sold and removed, ready to be collected. */
  private static String removedPack() {
    String code = Fixtures.registeredPack(harness.client());
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));
    return code;
  }

  @Test
  void aRetryAfterTheScannedLabelWasReissuedGetsTheStoredEvent() {
    String code = removedPack();
    Label label = harness.client().issueLabel(code);
    RecordEventRequest collect = Fixtures.collection(code).toBuilder()
        .setLabelText(label.getText()).build();
    Event first = harness.client().recordEvent(collect);
    harness.client().reissueLabel(label.getSerial());

    assertEquals(first, harness.client().recordEvent(collect));
  }

  @Test
  void aRetryAfterTheUnitMovedOnGetsTheStoredEvent() {
    String code = removedPack();
    RecordEventRequest collect = Fixtures.collection(code);
    Event first = harness.client().recordEvent(collect);
    harness.client().recordEvent(Fixtures.shipment(code, "WB-RETRY-1"));

    assertEquals(first, harness.client().recordEvent(collect));
  }

  @Test
  void anEventIdReusedForAnotherUnitIsAlreadyExistsWhateverTheOtherUnitsLabel() {
    String code = removedPack();
    RecordEventRequest collect = Fixtures.collection(code);
    Event first = harness.client().recordEvent(collect);

    String other = removedPack();
    Label othersOldLabel = harness.client().issueLabel(other);
    harness.client().reissueLabel(othersOldLabel.getSerial());
    RecordEventRequest reused = Fixtures.collection(other).toBuilder()
        .setEventId(collect.getEventId()).setLabelText(othersOldLabel.getText()).build();
    com.google.rpc.Status refused = assertFails(Status.Code.ALREADY_EXISTS,
        () -> harness.client().recordEvent(reused));
    assertEquals(true, refused.getMessage().contains(first.getName()), refused.getMessage());

    // a label of the first unit sent under the id with another step is a different request too
    RecordEventRequest relabelled = collect.toBuilder().setLabelText(othersOldLabel.getText())
        .build();
    assertFails(Status.Code.ALREADY_EXISTS, () -> harness.client().recordEvent(relabelled));
  }

  @Test
  void aRegistrationRetriedAfterTheMakerLostNothingGetsTheStoredEventAndAReusedIdIsRefused() {
    RegisterUnitRequest register = Fixtures.registration(Fixtures.newPackCode());
    RegisterUnitResponse first = harness.client().registerUnit(register);
    assertEquals(first.getEvent(), harness.client().registerUnit(register).getEvent());

    // the same id for a code the maker may not register: the id answers, not the code check
    RegisterUnitRequest foreign = register.toBuilder().setCode("JCTPBA1TRACE01RA5" + "0000001")
        .build();
    assertFails(Status.Code.ALREADY_EXISTS, () -> harness.client().registerUnit(foreign));
  }

  /**
   * An event id reused by another organisation is "in use", without the name of the event that
   * holds it: that would tell of a unit and a step the other may not read. Its own organisation
   * still gets the name.
   */
  @Test
  void anIdReusedByAnotherOrganisationIsInUseWithoutNamingTheEvent() {
    String code = Fixtures.registeredPack(harness.client());
    RecordEventRequest sale = Fixtures.sale(code);
    Event first = harness.client().recordEvent(sale);
    // the recycler's step at its plant, under the dealer's event id
    String other = Fixtures.registeredPack(harness.client());
    harness.client().recordEvent(Fixtures.sale(other));
    harness.client().recordEvent(Fixtures.removal(other,
        RemovalReason.REMOVAL_REASON_RETIREMENT));
    RecordEventRequest foreign = Fixtures.step(other, Fixtures.PLANT)
        .setCollection(io.packtrail.v1.Collection.getDefaultInstance())
        .setEventId(sale.getEventId()).build();
    var status = assertFails(Status.Code.ALREADY_EXISTS,
        () -> harness.client().recordEvent(foreign));
    assertEquals("event_id " + sale.getEventId() + " is already in use; choose a new event_id "
        + "for a new step", status.getMessage());
    assertFalse(status.getMessage().contains(code), status.getMessage());
    // the dealer's own other request under its id: named, as before
    RecordEventRequest own = Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE)
        .toBuilder().setEventId(sale.getEventId()).build();
    assertTrue(assertFails(Status.Code.ALREADY_EXISTS, () -> harness.client().recordEvent(own))
        .getMessage().contains(first.getName()));
  }

  @Test
  void theFirstAnswerCarriesTheHashedValuesAsEveryLaterReadDoes() {
    RegisterUnitRequest register = Fixtures.registration(Fixtures.newPackCode());
    register = register.toBuilder().setRegistration(register.getRegistration().toBuilder()
        .setRatedEnergyKwh(55.5555).setRatedCapacityAh(180.00049)).build();
    RegisterUnitResponse registered = harness.client().registerUnit(register);
    assertEquals(55.556, registered.getEvent().getRegistration().getRatedEnergyKwh());
    assertEquals(55.556, registered.getUnit().getRatedEnergyKwh());
    assertEquals(180.0, registered.getUnit().getRatedCapacityAh());
    assertEquals(registered.getEvent(), harness.client().registerUnit(register).getEvent());
    assertEquals(registered.getUnit().getRatedEnergyKwh(),
        harness.client().getUnit(registered.getUnit().getCode()).getRatedEnergyKwh());

    String code = registered.getUnit().getCode();
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));
    harness.client().recordEvent(Fixtures.collection(code));
    harness.client().recordEvent(Fixtures.shipment(code, "WB-ROUND-1"));
    harness.client().recordEvent(Fixtures.receipt(code, "WB-ROUND-1"));
    RecordEventRequest inspect = Fixtures.inspection(code);
    inspect = inspect.toBuilder().setInspection(inspect.getInspection().toBuilder()
        .setStateOfHealth(StateOfHealth.newBuilder().setStateOfCertifiedEnergyPercent(55.5555)
            .setCapacityFadePercent(10.0004))).build();

    Event first = harness.client().recordEvent(inspect);
    assertEquals(55.556, first.getInspection().getStateOfHealth()
        .getStateOfCertifiedEnergyPercent());
    assertEquals(10.0, first.getInspection().getStateOfHealth().getCapacityFadePercent());
    Event listed = harness.client().listEvents(code).get((int) first.getSequence() - 1);
    assertEquals(first, listed);
    assertEquals(first, harness.client().recordEvent(inspect));
    Unit unit = harness.client().getUnit(code);
    assertEquals(first.getInspection().getStateOfHealth(), unit.getStateOfHealth());
  }
}
