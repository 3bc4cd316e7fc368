package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.Code;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.BatchRegisterUnitsResponse;
import io.packtrail.v1.Chemistry;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.RegisterUnitResponse;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Unit;
import io.packtrail.v1.UnitLevel;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UnitServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @Test
  void registerStoresTheUnitAndItsFirstEvent() {
    String code = Fixtures.newPackCode();
    RegisterUnitResponse r = harness.client().registerUnit(Fixtures.registration(code));
    Unit unit = r.getUnit();
    assertEquals("units/" + code, unit.getName());
    assertEquals(LifecycleState.LIFECYCLE_STATE_REGISTERED, unit.getState());
    assertEquals(Fixtures.MAKER, unit.getCustodian());
    assertEquals(Fixtures.FACTORY, unit.getCustodianSite());
    assertEquals("2024-10-05", unit.getProductionDate(), "decoded from the date segment RA5");
    assertEquals(55.5, unit.getRatedEnergyKwh());
    assertEquals(1, unit.getEventCount());
    assertEquals(r.getEvent().getHash(), unit.getHeadHash());
    assertEquals(1, r.getEvent().getSequence());
    assertTrue(r.getEvent().hasRegistration());
    assertEquals(unit, harness.client().getUnit(code));
  }

  @Test
  void aRetriedRegistrationReturnsTheOriginal() {
    RegisterUnitRequest request = Fixtures.registration(Fixtures.newPackCode());
    RegisterUnitResponse first = harness.client().registerUnit(request);
    RegisterUnitResponse again = harness.client().registerUnit(request);
    assertEquals(first.getEvent(), again.getEvent());
    assertEquals(1, again.getUnit().getEventCount());

    var sameIdOtherContent = assertFails(io.grpc.Status.Code.ALREADY_EXISTS,
        () -> harness.client().registerUnit(request.toBuilder()
            .setRegistration(request.getRegistration().toBuilder().setMassKg(999)).build()));
    assertTrue(sameIdOtherContent.getMessage().contains(request.getRequestId()));

    var sameCodeOtherId = assertFails(io.grpc.Status.Code.ALREADY_EXISTS,
        () -> harness.client().registerUnit(request.toBuilder()
            .setRequestId(UUID.randomUUID().toString()).build()));
    assertTrue(sameCodeOtherId.getMessage().contains("already registered"));
  }

  @Test
  void malformedRegistrationsNameEveryBrokenField() {
    RegisterUnitRequest bad = Fixtures.registration("TMKMBA1TRACE01RA5000000X").toBuilder()
        .setRequestId("not-a-uuid")
        .setActorSite("factory")
        .clearEventTime()
        .setRegistration(Fixtures.registration("x").getRegistration().toBuilder()
            .setRatedEnergyKwh(-1).setMaker("maker"))
        .build();
    var status = assertFails(io.grpc.Status.Code.INVALID_ARGUMENT,
        () -> harness.units().registerUnit(bad));
    assertViolation(status, "request_id", "UUID");
    assertViolation(status, "code", "position 4");
    assertViolation(status, "code", "serial");
    assertViolation(status, "actor_site", "organizations/{id}/sites/{id}");
    assertViolation(status, "event_time", "required");
    assertViolation(status, "registration.rated_energy_kwh", "greater than 0");
    assertViolation(status, "registration.maker", "organizations/{id}");
  }

  @Test
  void chemistryMustAgreeWithTheTypeLetter() {
    RegisterUnitRequest r = Fixtures.registration(Fixtures.newPackCode());
    var status = assertFails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .registerUnit(r.toBuilder().setRegistration(r.getRegistration().toBuilder()
            .setChemistry(Chemistry.CHEMISTRY_NCM)).build()));
    assertViolation(status, "code", "lithium iron phosphate");
  }

  @Test
  void unknownSitesAndMakersAreNotFound() {
    RegisterUnitRequest r = Fixtures.registration(Fixtures.newPackCode());
    var site = assertFails(io.grpc.Status.Code.NOT_FOUND, () -> harness.client().registerUnit(
        r.toBuilder().setActorSite("organizations/test-maker/sites/nowhere").build()));
    assertTrue(site.getMessage().contains("actor_site"), site.getMessage());
    // a refused request id is remembered: other content needs a new id
    var maker = assertFails(io.grpc.Status.Code.NOT_FOUND, () -> harness.client().registerUnit(
        r.toBuilder().setRequestId(java.util.UUID.randomUUID().toString())
            .setRegistration(r.getRegistration().toBuilder()
            .setMaker("organizations/ghost")).build()));
    assertTrue(maker.getMessage().contains("registration.maker"), maker.getMessage());
  }

  @Test
  void onlyMakersRegister() {
    RegisterUnitRequest r = Fixtures.registration(Fixtures.newPackCode()).toBuilder()
        .setActorSite(Fixtures.REGULATOR_OFFICE).build();
    var status = assertFails(io.grpc.Status.Code.FAILED_PRECONDITION,
        () -> harness.client().registerUnit(r));
    assertEquals("ROLE", preconditions(status).get(0).getType());
    assertFails(io.grpc.Status.Code.NOT_FOUND, () -> harness.client().getUnit(r.getCode()));
  }

  @Test
  void aBatchStoresTheGoodItemsAndReportsEachBadOne() {
    String good1 = Fixtures.newPackCode();
    String good2 = Fixtures.newPackCode();
    List<RegisterUnitRequest> items = List.of(
        Fixtures.registration(good1),
        Fixtures.registration("BROKEN"),
        Fixtures.registration(good2),
        Fixtures.registration(good1));
    BatchRegisterUnitsResponse response = harness.client().registerUnits(items);
    assertEquals(4, response.getResultsCount());
    assertTrue(response.getResults(0).hasResponse());
    assertEquals(Code.INVALID_ARGUMENT_VALUE, response.getResults(1).getError().getCode());
    assertViolation(response.getResults(1).getError(), "requests[1].code", "24 characters");
    assertTrue(response.getResults(2).hasResponse());
    assertEquals(Code.ALREADY_EXISTS_VALUE, response.getResults(3).getError().getCode());
    assertEquals(LifecycleState.LIFECYCLE_STATE_REGISTERED,
        harness.client().getUnit(good2).getState());

    var empty = assertFails(io.grpc.Status.Code.INVALID_ARGUMENT,
        () -> harness.client().registerUnits(List.of()));
    assertViolation(empty, "requests", "1 to 1000");
  }

  @Test
  void listFiltersAndPagesInCodeOrder() {
    for (int i = 0; i < 5; i++) {
      harness.client().registerUnit(Fixtures.registration(Fixtures.newPackCode()));
    }
    ListUnitsRequest query = ListUnitsRequest.newBuilder().setPageSize(2)
        .setState(LifecycleState.LIFECYCLE_STATE_REGISTERED)
        .setLevel(UnitLevel.UNIT_LEVEL_PACK)
        .setChemistry(Chemistry.CHEMISTRY_LFP)
        .setCustodian(Fixtures.MAKER).build();
    List<Unit> all = harness.client().listAllUnits(query);
    assertTrue(all.size() >= 5);
    List<String> codes = all.stream().map(Unit::getCode).toList();
    assertEquals(codes.stream().sorted().toList(), codes, "ordered by code");
    assertEquals(codes.size(), codes.stream().distinct().count());
    assertTrue(harness.client().listAllUnits(ListUnitsRequest.newBuilder()
        .setChemistry(Chemistry.CHEMISTRY_NCM).build()).isEmpty());
    String graded = gradedPack();
    List<Unit> gradedOnes = harness.client().listAllUnits(ListUnitsRequest.newBuilder()
        .setState(LifecycleState.LIFECYCLE_STATE_GRADED).build());
    List<String> gradedCodes = gradedOnes.stream().map(Unit::getCode).toList();
    assertTrue(gradedCodes.contains(graded), "the graded pack is listed: " + gradedCodes);
    assertTrue(gradedOnes.stream().allMatch(u -> u.getState()
        == LifecycleState.LIFECYCLE_STATE_GRADED), "only graded units: " + gradedOnes);
    assertTrue(codes.stream().noneMatch(gradedCodes::contains), "registered ones are not");
    assertFalse(harness.client().listAllUnits(query).stream().map(Unit::getCode).toList()
        .contains(graded), "nor is the graded pack listed as registered");
    assertViolation(assertFails(io.grpc.Status.Code.INVALID_ARGUMENT,
        () -> harness.client().listUnits(ListUnitsRequest.newBuilder()
            .setCustodian("nobody").build())), "custodian", "organizations/{id}");
  }

  /** A pack walked from registration to grading. */
  private static String gradedPack() {
    String code = Fixtures.newPackCode();
    var client = harness.client();
    client.registerUnit(Fixtures.registration(code));
    client.recordEvent(Fixtures.sale(code));
    client.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));
    client.recordEvent(Fixtures.collection(code));
    client.recordEvent(Fixtures.shipment(code, "WB-" + code));
    client.recordEvent(Fixtures.receipt(code, "WB-" + code));
    client.recordEvent(Fixtures.inspection(code));
    return code;
  }

  @Test
  void getNamesItsErrors() {
    assertFails(io.grpc.Status.Code.NOT_FOUND,
        () -> harness.client().getUnit("TMKPBA1TRACE01RA59999999"));
    var status = assertFails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> harness.units()
        .getUnit(GetUnitRequest.newBuilder().setName("packs/X").build()));
    assertViolation(status, "name", "units/{code}");
    assertFalse(status.getMessage().isEmpty());
  }
}
