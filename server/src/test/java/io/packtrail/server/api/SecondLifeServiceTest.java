package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.Event;
import io.packtrail.v1.EuStatus;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.LotOutput;
import io.packtrail.v1.MaterialProduct;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RecordEventResponse;
import io.packtrail.v1.StepPart;
import io.packtrail.v1.Unit;
import io.packtrail.v1.UnitLevel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The second half of a pack's life through gRPC on real PostgreSQL: every new step, the refusals
 * of the issue (each with its precise status and details, nothing partial stored), retries, and
 * the whole loop through the SDK with every touched chain recomputed by formats.md section 4.
 */
class SecondLifeServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  static PacktrailClient client;

  @BeforeAll
  static void network() {
    client = harness.client();
    Fixtures.network(client);
  }

  /** A pack sold into the fixture vehicle: INSTALLED, the dealer responsible. */
  static String installedPack() {
    String code = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(code));
    return code;
  }

  /** A pack of 380 kg graded at the dismantling line, dismantled into four 90 kg modules. */
  static List<String> dismantledModules() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    List<String> modules = List.of(Fixtures.newCode('M'), Fixtures.newCode('M'),
        Fixtures.newCode('M'), Fixtures.newCode('M'));
    client.recordStep(Fixtures.dismantling(pack, Fixtures.LINE, 20,
        modules.stream().map(m -> Fixtures.child(m, 90)).toArray(
            io.packtrail.v1.DismantledChild[]::new)));
    return modules;
  }

  static Unit unit(String code) {
    return client.getUnit(code);
  }

  static void assertNotRegistered(String code) {
    assertFails(Status.Code.NOT_FOUND, () -> client.getUnit(code));
  }

  static PreconditionFailure.Violation violation(com.google.rpc.Status status, String type) {
    return preconditions(status).stream().filter(v -> v.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " in " + preconditions(status)));
  }

  /** Recomputes a unit's chain from the documented recipe alone (formats.md section 4). */
  static void assertChainVerifies(String code) throws Exception {
    List<Event> history = client.listEvents(code);
    byte[] previous = new byte[32];
    for (int i = 0; i < history.size(); i++) {
      Event e = history.get(i);
      assertEquals(i + 1, e.getSequence(), code);
      assertArrayEquals(previous, e.getPreviousHash().toByteArray(), code);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("packtrail/event-chain/v1".getBytes(StandardCharsets.US_ASCII));
      sha.update(previous);
      sha.update(e.getCanonicalBytes().toByteArray());
      previous = sha.digest();
      assertEquals(ByteString.copyFrom(previous), e.getHash(), code + " event " + (i + 1));
    }
    assertEquals(ByteString.copyFrom(previous), unit(code).getHeadHash(), code);
  }

  // ---- each step ----

  @Test
  void aTradeInSwapsBothUnitsAndARetryAnswersTheSameEvents() {
    String old = installedPack();
    String replacement = Fixtures.registeredPack(client);
    RecordEventRequest request = Fixtures.tradeIn(old, Fixtures.SALE_VIN, replacement);
    List<Event> events = client.recordStep(request);
    assertEquals(2, events.size());
    Event first = events.get(0);
    Event second = events.get(1);
    assertEquals("units/" + old, first.getUnit());
    assertEquals(StepPart.STEP_PART_OLD, first.getStepPart());
    assertEquals(request.getEventId(), first.getEventId());
    assertEquals(request.getEventId(), first.getStepId());
    assertEquals("units/" + old, first.getStepUnit());
    assertEquals("units/" + replacement, second.getUnit());
    assertEquals(StepPart.STEP_PART_REPLACEMENT, second.getStepPart());
    assertEquals(request.getEventId(), second.getStepId());
    assertEquals("units/" + replacement, second.getTradeIn().getReplacement());
    assertEquals(Fixtures.SALE_VIN, second.getTradeIn().getVin());

    Unit removed = unit(old);
    assertEquals(LifecycleState.LIFECYCLE_STATE_REMOVED, removed.getState());
    assertEquals(Fixtures.DEALER, removed.getCustodian());
    assertEquals("", removed.getVin());
    Unit installed = unit(replacement);
    assertEquals(LifecycleState.LIFECYCLE_STATE_INSTALLED, installed.getState());
    assertEquals(Fixtures.SALE_VIN, installed.getVin());

    assertEquals(events, client.recordStep(request), "a retry answers the same events");
    BatchRecordEventsResponse batch = client.recordEvents(List.of(request));
    assertEquals(first, batch.getResults(0).getEvent());
    assertEquals(List.of(second), batch.getResults(0).getOtherEventsList());
    assertEquals(3, unit(old).getEventCount(), "registration, sale, trade-in: once");
  }

  @Test
  void aTradeInWhoseOldUnitIsNotInThatVehicleIsRefusedAndTouchesNothing() {
    String old = installedPack();
    String replacement = Fixtures.registeredPack(client);
    var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.tradeIn(old, Fixtures.vin("LFV2A21K7P400001"), replacement)));
    PreconditionFailure.Violation v = violation(status, "VEHICLE");
    assertEquals("units/" + old, v.getSubject());
    assertEquals(LifecycleState.LIFECYCLE_STATE_INSTALLED, unit(old).getState());
    assertEquals(1, unit(replacement).getEventCount(), "nothing partial");
    assertEquals(LifecycleState.LIFECYCLE_STATE_REGISTERED, unit(replacement).getState());
  }

  @Test
  void aDismantlingRegistersTheChildrenInTheDismantlersCustody() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    String m1 = Fixtures.newCode('M');
    String m2 = Fixtures.newCode('M');
    RecordEventResponse r = harness.events().recordEvent(Fixtures.dismantling(pack,
        Fixtures.LINE, 20, Fixtures.child(m1, 180), Fixtures.child(m2, 181)));
    assertEquals(LifecycleState.LIFECYCLE_STATE_DISMANTLED, r.getEvent().getStateAfter());
    assertEquals(StepPart.STEP_PART_PARENT, r.getEvent().getStepPart());
    assertEquals(2, r.getOtherEventsCount());
    assertEquals(StepPart.STEP_PART_CHILD, r.getOtherEvents(0).getStepPart());
    assertEquals(LifecycleState.LIFECYCLE_STATE_UNSPECIFIED, r.getOtherEvents(0).getStateBefore());
    assertEquals(LifecycleState.LIFECYCLE_STATE_RECEIVED, r.getOtherEvents(0).getStateAfter());
    assertEquals(2, r.getEvent().getDismantling().getChildrenCount());
    Unit module = unit(m2);
    assertEquals(UnitLevel.UNIT_LEVEL_MODULE, module.getLevel());
    assertEquals(io.packtrail.v1.Chemistry.CHEMISTRY_LFP, module.getChemistry());
    assertEquals(Fixtures.DISMANTLER, module.getCustodian());
    assertEquals(Fixtures.LINE, module.getCustodianSite());
    assertEquals(181, module.getMassKg());
    assertEquals(LifecycleState.LIFECYCLE_STATE_DISMANTLED, unit(pack).getState());
  }

  @Test
  void commissioningInspectionsAndDecommissioningOfASecondLifePack() {
    List<String> modules = dismantledModules();
    for (String m : modules.subList(0, 2)) {
      Fixtures.shipReceiveInspect(client, m, Fixtures.LINE, Fixtures.CASCADE_PLANT);
    }
    String product = Fixtures.newSecondLifePackCode();
    List<Event> assembled = client.recordStep(Fixtures.assembly(product, 185,
        modules.get(0), modules.get(1)));
    assertEquals(3, assembled.size());
    assertEquals(StepPart.STEP_PART_PRODUCT, assembled.get(0).getStepPart());
    assertEquals(StepPart.STEP_PART_SOURCE, assembled.get(1).getStepPart());
    assertEquals(LifecycleState.LIFECYCLE_STATE_REPURPOSED, unit(modules.get(0)).getState());
    Unit registered = unit(product);
    assertEquals(LifecycleState.LIFECYCLE_STATE_REGISTERED, registered.getState());
    assertEquals(Fixtures.CASCADE, registered.getMaker());
    assertEquals(EuStatus.EU_STATUS_REPURPOSED, registered.getEuStatus());
    assertEquals(EuStatus.EU_STATUS_REPURPOSED, unit(modules.get(0)).getEuStatus());

    // commissioning only at a second-life site
    var wrongSite = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordEvent(
        Fixtures.step(product, Fixtures.CASCADE_PLANT)
            .setCommissioning(Fixtures.commissioning(product).getCommissioning()).build()));
    assertEquals(Fixtures.CASCADE_PLANT, violation(wrongSite, "SITE_KIND").getSubject());

    // the firm labels its product with its own key, and the label is scanned at commissioning
    io.packtrail.v1.LabelKey key = client.createLabelKey(Fixtures.CASCADE,
        java.util.UUID.randomUUID().toString());
    io.packtrail.v1.Label label = client.issueLabel(product);
    assertEquals(key.getName(), label.getKey());
    Event commissioned = client.recordEvent(Fixtures.commissioning(product).toBuilder()
        .setLabelText(label.getText()).build());
    assertEquals(label.getSerial(), commissioned.getLabelSerial());
    assertEquals(LifecycleState.LIFECYCLE_STATE_IN_SECOND_LIFE, commissioned.getStateAfter());
    assertEquals(34, commissioned.getCommissioning().getUsableEnergyKwh());
    assertEquals("", commissioned.getStepId(), "a single-unit step has no step id");
    Event inspected = client.recordEvent(Fixtures.secondLifeInspection(product, 71.5));
    assertEquals(71.5, inspected.getSecondLifeInspection().getStateOfHealthPercent());
    Event decommissioned = client.recordEvent(Fixtures.decommissioning(product));
    assertEquals(LifecycleState.LIFECYCLE_STATE_REMOVED, decommissioned.getStateAfter());
    assertEquals(Fixtures.MICROGRID, unit(product).getCustodianSite());
  }

  @Test
  void scrappingEndsAUnitAndOnlyACorrectionFollows() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    Event scrapped = client.recordEvent(Fixtures.scrapping(pack, Fixtures.LINE));
    assertEquals(LifecycleState.LIFECYCLE_STATE_SCRAPPED, scrapped.getStateAfter());
    assertEquals("fire damage", scrapped.getScrapping().getReason());
    assertEquals(EuStatus.EU_STATUS_WASTE, unit(pack).getEuStatus());
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.recordEvent(Fixtures.scrapping(pack, Fixtures.LINE)));
    PreconditionFailure.Violation v = violation(status, "STATE");
    assertTrue(v.getDescription().contains("allowed steps: correction"), v.getDescription());

    Event corrected = client.recordEvent(Fixtures.correction(pack, Fixtures.LINE, 7));
    assertEquals("units/" + pack + "/events/7", corrected.getCorrection().getCorrects());
    assertEquals(LifecycleState.LIFECYCLE_STATE_SCRAPPED, corrected.getStateBefore());
    assertEquals(LifecycleState.LIFECYCLE_STATE_SCRAPPED, corrected.getStateAfter());
    List<Event> history = client.listEvents(pack);
    assertEquals("inspection", history.get(6).getStepCase().name().toLowerCase(),
        "the corrected event stays as it was; reads show both");
    assertEquals(corrected, history.get(8));
  }

  // ---- refusals ----

  @Test
  void aStepFromTheWrongStateNamesTheStateAndThePart() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.recordEvent(Fixtures.step(pack, Fixtures.MICROGRID)
            .setDecommissioning(io.packtrail.v1.Decommissioning.getDefaultInstance()).build()));
    PreconditionFailure.Violation v = violation(status, "STATE");
    assertEquals("units/" + pack, v.getSubject());
    assertTrue(v.getDescription().contains("GRADED"), v.getDescription());
    // a source that is not graded: its part is named
    String product = Fixtures.newSecondLifePackCode();
    String installed = installedPack();
    var asSource = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.recordStep(Fixtures.assembly(product, 380, installed)));
    PreconditionFailure.Violation source = violation(asSource, "STATE");
    assertEquals("units/" + installed, source.getSubject());
    assertTrue(source.getDescription().contains("as source"), source.getDescription());
    assertNotRegistered(product);
  }

  @Test
  void theWrongRoleOrNotTheCustodianIsRefused() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    String m = Fixtures.newCode('M');
    var role = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.dismantling(pack, Fixtures.STATION, 20, Fixtures.child(m, 360))));
    assertEquals(Fixtures.DEALER, violation(role, "ROLE").getSubject());
    // the recycler may dismantle, but the pack is the dismantler's
    var custody = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.dismantling(pack, Fixtures.PLANT, 20, Fixtures.child(m, 360))));
    PreconditionFailure.Violation v = violation(custody, "CUSTODY");
    assertEquals("units/" + pack, v.getSubject());
    assertTrue(v.getDescription().contains(Fixtures.DISMANTLER), v.getDescription());
    assertNotRegistered(m);
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit(pack).getState());
  }

  @Test
  void aChildCodeOfTheWrongLevelIsNamedByItsPathAlsoInABatch() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    String module = Fixtures.newCode('M');
    String cell = Fixtures.newCode('C');
    RecordEventRequest request = Fixtures.dismantling(pack, Fixtures.LINE, 20,
        Fixtures.child(module, 180), Fixtures.child(cell, 180));
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordStep(request));
    assertViolation(status, "dismantling.children[1].code", "(CELL) but the children of a PACK");
    BatchRecordEventsResponse batch = client.recordEvents(List.of(Fixtures.sale(
        Fixtures.registeredPack(client)), request));
    com.google.rpc.Status item = batch.getResults(1).getError();
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), item.getCode());
    assertViolation(item, "requests[1].dismantling.children[1].code", "children of a PACK");
    assertTrue(batch.getResults(0).hasEvent(), "the other item of the batch is recorded");
    assertNotRegistered(module);
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit(pack).getState());
  }

  @Test
  void aMalformedUnitReferenceIsNamedOnce() {
    String product = Fixtures.newSecondLifePackCode();
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(
        Fixtures.step(product, Fixtures.CASCADE_PLANT).setAssembly(
            Fixtures.assembly(product, 100, Fixtures.newCode('M')).getAssembly().toBuilder()
                .setSources(0, "bogus")).build()));
    var violations = io.packtrail.server.testing.Statuses.fieldViolations(status);
    assertEquals(1, violations.size(), violations.toString());
    assertViolation(status, "assembly.sources[0]", "units/{code}");
  }

  @Test
  void tooManySourcesAreRefusedByTheirCountAlone() {
    String product = Fixtures.newSecondLifePackCode();
    String[] sources = new String[501];
    for (int i = 0; i < sources.length; i++) {
      sources[i] = "bad-" + i;
    }
    var status = assertFails(Status.Code.INVALID_ARGUMENT,
        () -> client.recordStep(Fixtures.assembly(product, 100, sources)));
    var violations = io.packtrail.server.testing.Statuses.fieldViolations(status);
    assertEquals(1, violations.size(), violations.toString());
    assertViolation(status, "assembly.sources", "at most 500 units, got 501");
  }

  @Test
  void aChildThatIsAlreadyAnotherUnitsChildIsRefused() {
    List<String> modules = dismantledModules();
    // one of those modules, walked to GRADED at the line, named again by another dismantling
    String taken = modules.get(0);
    client.recordEvent(Fixtures.step(taken, Fixtures.LINE)
        .setInspection(Fixtures.inspection(taken).getInspection()).build());
    String other = Fixtures.gradedPackAt(client, Fixtures.LINE);
    var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.dismantling(other, Fixtures.LINE, 20, Fixtures.child(taken, 360))));
    PreconditionFailure.Violation v = violation(status, "PARENT");
    assertEquals("units/" + taken, v.getSubject());
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit(other).getState());
  }

  @Test
  void aMassImbalanceGivesBothFiguresAndTheTolerance() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    String m = Fixtures.newCode('M');
    var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.dismantling(pack, Fixtures.LINE, 10, Fixtures.child(m, 300))));
    PreconditionFailure.Violation v = violation(status, "MASS_BALANCE");
    assertTrue(v.getDescription().contains("= 310.000 kg"), v.getDescription());
    assertTrue(v.getDescription().contains("weighs 380.000 kg"), v.getDescription());
    com.google.rpc.ErrorInfo info = status.getDetailsList().stream()
        .filter(d -> d.is(com.google.rpc.ErrorInfo.class)).findFirst().map(d -> {
          try {
            return d.unpack(com.google.rpc.ErrorInfo.class);
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        }).orElseThrow();
    assertEquals("MASS_BALANCE", info.getReason());
    assertEquals("310.000", info.getMetadataOrThrow("accountedKg"));
    assertEquals("380.000", info.getMetadataOrThrow("parentKg"));
    assertEquals("2.000", info.getMetadataOrThrow("tolerancePercent"));
    assertNotRegistered(m);
  }

  @Test
  void elementMassesAboveTheLotMassAreBadInput() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordStep(
        Fixtures.recycling(pack, Fixtures.LINE, Fixtures.elements(5, 0, 0, 0, 10, 20),
            List.of(Fixtures.lot("heavy-" + pack.toLowerCase(), MaterialProduct.MATERIAL_PRODUCT_LI2CO3, 10,
                Fixtures.elements(5, 0, 0, 0, 6, 0))))));
    assertViolation(status, "recycling.lots[0].element_masses", "more than the lot mass 10.000 kg");
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit(pack).getState());
  }

  @Test
  void aLotHeavierThanItsElementMakesOrBlackMassHeavierThanTheInputsIsRefused() {
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE); // 380 kg
    // 10 kg of nickel declared as a tonne of NiSO4: bad input, naming the lot's mass
    var inflated = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordStep(
        Fixtures.recycling(pack, Fixtures.LINE, Fixtures.elements(5, 30, 5, 5, 10, 20),
            List.of(Fixtures.lot("inflated-" + pack.toLowerCase(),
                MaterialProduct.MATERIAL_PRODUCT_NISO4, 1000,
                Fixtures.elements(0, 10, 0, 0, 0, 0))))));
    assertViolation(inflated, "recycling.lots[0].mass_kg", "so it can be at most 59.837 kg");
    // 400 kg of black mass from 380 kg of pack: a broken mass balance, with both figures
    var heavy = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.recycling(pack, Fixtures.LINE, Fixtures.elements(5, 30, 5, 5, 10, 20),
            List.of(Fixtures.lot("heavy-bm-" + pack.toLowerCase(),
                MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 400,
                Fixtures.elements(4, 28, 4, 4, 0, 0))))));
    PreconditionFailure.Violation v = violation(heavy, "MASS_BALANCE");
    assertEquals("units/" + pack, v.getSubject());
    assertTrue(v.getDescription().contains("the black mass lots weigh 400.000 kg, more than the "
        + "inputs' mass 380.000 kg"), v.getDescription());
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit(pack).getState());
    // within both bounds the same pack is recycled
    client.recordStep(Fixtures.recycling(pack, Fixtures.LINE, Fixtures.elements(5, 30, 5, 5, 10,
        20), List.of(Fixtures.lot("fits-ni-" + pack.toLowerCase(),
            MaterialProduct.MATERIAL_PRODUCT_NISO4, 59.8, Fixtures.elements(0, 10, 0, 0, 0, 0)),
        Fixtures.lot("fits-bm-" + pack.toLowerCase(), MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS,
            150, Fixtures.elements(4, 18, 4, 4, 0, 0)))));
    assertEquals(LifecycleState.LIFECYCLE_STATE_RECYCLED, unit(pack).getState());
  }

  @Test
  void anAttemptedCycleIsRefused() {
    String product = Fixtures.newSecondLifePackCode();
    var status = assertFails(Status.Code.INVALID_ARGUMENT,
        () -> client.recordStep(Fixtures.assembly(product, 100, product)));
    assertViolation(status, "assembly.sources[0]", "a lineage cycle");
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    var own = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordStep(
        Fixtures.dismantling(pack, Fixtures.LINE, 20, Fixtures.child(pack, 360))));
    assertTrue(io.packtrail.server.testing.Statuses.fieldViolations(own).stream()
        .anyMatch(f -> f.getField().startsWith("dismantling.children[0].code")), own.toString());
    assertNotRegistered(product);
  }

  @Test
  void aCorrectionOfASequenceBeyondALongIsInvalidNotAFault() {
    String pack = Fixtures.registeredPack(client);
    RecordEventRequest valid = Fixtures.correction(pack, Fixtures.FACTORY, 1);
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(
        valid.toBuilder().setCorrection(valid.getCorrection().toBuilder()
            .setCorrects("units/" + pack + "/events/9999999999999999999")).build()));
    io.packtrail.server.testing.Statuses.assertViolation(status, "correction.corrects",
        "the sequence from 1 to 9223372036854775807");
    assertEquals(1, unit(pack).getEventCount());
  }

  @Test
  void aCorrectionOfAnEventThatDoesNotExistIsNotFound() {
    String pack = Fixtures.registeredPack(client);
    var status = assertFails(Status.Code.NOT_FOUND,
        () -> client.recordEvent(Fixtures.correction(pack, Fixtures.FACTORY, 2)));
    assertTrue(status.getMessage().contains("units/" + pack + "/events/2"), status.getMessage());
    assertEquals(1, unit(pack).getEventCount());
  }

  @Test
  void anAssembledProductCarriesTheAssemblingFirmsManufacturerCode() {
    String source = Fixtures.gradedPackAt(client, Fixtures.CASCADE_PLANT);
    // a code of the test maker (TMK), 24 characters and the 19-character repurposed variant,
    // cannot name a product of the cascade firm (TCS)
    for (String foreign : List.of(Fixtures.newCode('P'), "TMKPBA1RA59000001RP")) {
      var status = assertFails(Status.Code.FAILED_PRECONDITION,
          () -> client.recordStep(Fixtures.assembly(foreign, 370, source)));
      assertEquals(Fixtures.CASCADE, violation(status, "MANUFACTURER_CODE").getSubject());
      assertTrue(status.getMessage().contains("TMK"), status.getMessage());
    }
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit(source).getState(), "nothing stored");
    String own = Fixtures.newSecondLifePackCode();
    client.recordStep(Fixtures.assembly(own, 370, source));
    assertEquals(Fixtures.CASCADE, unit(own).getMaker());
  }

  @Test
  void aScannedLabelIsRefusedOnAnAssembly() {
    String product = Fixtures.newSecondLifePackCode();
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordStep(
        Fixtures.assembly(product, 100, Fixtures.newCode('M')).toBuilder()
            .setLabelText("PT1:ANYTHING").build()));
    assertViolation(status, "label_text", "new product, which has no label");
  }

  @Test
  void aScannedLabelIsVerifiedAgainstThePrimaryUnitOnly() {
    client.createLabelKey(Fixtures.MAKER, java.util.UUID.randomUUID().toString());
    String old = installedPack();
    String replacement = Fixtures.registeredPack(client);
    String replacementLabel = client.issueLabel(replacement).getText();
    var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.recordStep(
        Fixtures.tradeIn(old, Fixtures.SALE_VIN, replacement).toBuilder()
            .setLabelText(replacementLabel).build()));
    assertTrue(violation(status, "LABEL").getDescription().contains(replacement),
        "the label of the replacement is not the old unit's");
    assertEquals(1, unit(replacement).getEventCount(), "nothing partial");
    io.packtrail.v1.Label oldLabel = client.issueLabel(old);
    List<Event> events = client.recordStep(Fixtures.tradeIn(old, Fixtures.SALE_VIN, replacement)
        .toBuilder().setLabelText(oldLabel.getText()).build());
    assertEquals(oldLabel.getSerial(), events.get(0).getLabelSerial());
    assertEquals(0, events.get(1).getLabelSerial(), "the serial is the primary unit's only");
  }

  @Test
  void aSiteDeclaresItsAnnualCapacity() {
    io.packtrail.v1.Site.Builder site = io.packtrail.v1.Site.newBuilder()
        .setDisplayName("Jinchang line 2").setKind(io.packtrail.v1.SiteKind.SITE_KIND_RECYCLING_PLANT)
        .setRegionCode("620300").setAnnualCapacityTonnes(5000);
    io.packtrail.v1.Site created = client.createSite(Fixtures.DISMANTLER, "line-2", site.build());
    assertEquals(5000, created.getAnnualCapacityTonnes());
    assertEquals(created, harness.registry().getSite(io.packtrail.v1.GetSiteRequest.newBuilder()
        .setName(Fixtures.DISMANTLER + "/sites/line-2").build()).getSite());
    assertEquals(0, unitSite(Fixtures.FACTORY).getAnnualCapacityTonnes(), "not declared");
    assertFails(Status.Code.ALREADY_EXISTS, () -> client.createSite(Fixtures.DISMANTLER,
        "line-2", site.setAnnualCapacityTonnes(6000).build()));
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.createSite(
        Fixtures.DISMANTLER, "line-3", site.setAnnualCapacityTonnes(-1).build()));
    assertViolation(status, "site.annual_capacity_tonnes", "greater than 0");
  }

  static io.packtrail.v1.Site unitSite(String name) {
    return harness.registry().getSite(io.packtrail.v1.GetSiteRequest.newBuilder().setName(name)
        .build()).getSite();
  }

  @Test
  void twoRecyclingsRacingForOneUnitExactlyOneWins() throws Exception {
    for (int round = 0; round < 3; round++) {
      String shared = Fixtures.gradedPackAt(client, Fixtures.LINE);
      List<RecordEventRequest> racers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String own = Fixtures.gradedPackAt(client, Fixtures.LINE);
        racers.add(Fixtures.recycling(own, Fixtures.LINE, Fixtures.elements(20, 0, 0, 0, 5, 5),
            List.of(Fixtures.lot("race-" + round + "-" + i + "-" + own.toLowerCase(),
                MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 300,
                Fixtures.elements(18, 0, 0, 0, 4, 4))), shared));
      }
      List<String> outcomes = race(racers);
      assertEquals(1, outcomes.stream().filter("OK"::equals).count(), outcomes.toString());
      assertEquals(1, outcomes.stream().filter("FAILED_PRECONDITION"::equals).count(),
          outcomes.toString());
      assertEquals(LifecycleState.LIFECYCLE_STATE_RECYCLED, unit(shared).getState());
      String lotPrefix = "race-" + round + "-%";
      assertEquals(1L, (long) harness.jdbi().withHandle(h -> h.createQuery(
          "SELECT count(*) FROM material_lot WHERE id LIKE :p").bind("p", lotPrefix)
          .mapTo(Long.class).one()), "only the winner's lot exists");
    }
  }

  @Test
  void twoAssembliesRacingForOneSourceExactlyOneWins() throws Exception {
    List<String> modules = dismantledModules();
    String shared = modules.get(0);
    Fixtures.shipReceiveInspect(client, shared, Fixtures.LINE, Fixtures.CASCADE_PLANT);
    String p1 = Fixtures.newSecondLifePackCode();
    String p2 = Fixtures.newSecondLifePackCode();
    List<String> outcomes = race(List.of(Fixtures.assembly(p1, 90, shared),
        Fixtures.assembly(p2, 90, shared)));
    assertEquals(1, outcomes.stream().filter("OK"::equals).count(), outcomes.toString());
    String loser = outcomes.get(0).equals("OK") ? p2 : p1;
    assertNotRegistered(loser);
    assertEquals(LifecycleState.LIFECYCLE_STATE_REPURPOSED, unit(shared).getState());
    assertEquals(5, unit(shared).getEventCount(), "one assembly event on the source");
  }

  /** Sends the requests at once (async stub); the status code of each, "OK" for success. */
  static List<String> race(List<RecordEventRequest> requests) throws Exception {
    CountDownLatch done = new CountDownLatch(requests.size());
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (RecordEventRequest r : requests) {
      CompletableFuture<String> f = new CompletableFuture<>();
      results.add(f);
      harness.eventsAsync().recordEvent(r, new StreamObserver<>() {
        public void onNext(RecordEventResponse value) {
          f.complete("OK");
        }

        public void onError(Throwable t) {
          f.complete(t instanceof StatusRuntimeException s ? s.getStatus().getCode().name()
              : t.toString());
          done.countDown();
        }

        public void onCompleted() {
          done.countDown();
        }
      });
    }
    done.await();
    List<String> out = new ArrayList<>();
    for (CompletableFuture<String> f : results) {
      out.add(f.get());
    }
    return out;
  }

  // ---- the whole loop ----

  @Test
  void theWholeLoopThroughTheSdkKeepsEveryTouchedChain() throws Exception {
    // pack -> modules
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    List<String> modules = List.of(Fixtures.newCode('M'), Fixtures.newCode('M'));
    client.recordStep(Fixtures.dismantling(pack, Fixtures.LINE, 20,
        Fixtures.child(modules.get(0), 180), Fixtures.child(modules.get(1), 180)));
    // modules -> second-life pack, deployed, inspected, decommissioned
    for (String m : modules) {
      Fixtures.shipReceiveInspect(client, m, Fixtures.LINE, Fixtures.CASCADE_PLANT);
    }
    String secondLife = Fixtures.newSecondLifePackCode();
    client.recordStep(Fixtures.assembly(secondLife, 365, modules.get(0), modules.get(1)));
    client.recordEvent(Fixtures.commissioning(secondLife));
    client.recordEvent(Fixtures.secondLifeInspection(secondLife, 68));
    client.recordEvent(Fixtures.decommissioning(secondLife));
    // round the loop again: collected, shipped to the line, graded, dismantled
    client.recordEvent(Fixtures.step(secondLife, Fixtures.CASCADE_PLANT)
        .setCollection(io.packtrail.v1.Collection.getDefaultInstance()).build());
    Fixtures.shipReceiveInspect(client, secondLife, Fixtures.CASCADE_PLANT, Fixtures.LINE);
    String newModule = Fixtures.newCode('M');
    List<Event> dismantled = client.recordStep(Fixtures.dismantling(secondLife, Fixtures.LINE,
        5, Fixtures.child(newModule, 360)));
    assertEquals(2, dismantled.size());
    // -> cells
    client.recordEvent(Fixtures.step(newModule, Fixtures.LINE)
        .setInspection(Fixtures.inspection(newModule).getInspection()).build());
    List<String> cells = List.of(Fixtures.newCode('C'), Fixtures.newCode('C'),
        Fixtures.newCode('C'));
    client.recordStep(Fixtures.dismantling(newModule, Fixtures.LINE, 30,
        Fixtures.child(cells.get(0), 110), Fixtures.child(cells.get(1), 110),
        Fixtures.child(cells.get(2), 110)));
    // -> recycled into two lots from one feed
    List<LotOutput> lots = List.of(
        Fixtures.lot("loop-li2co3-" + pack.toLowerCase(), MaterialProduct.MATERIAL_PRODUCT_LI2CO3, 60,
            Fixtures.elements(11, 0, 0, 0, 0, 0)),
        Fixtures.lot("loop-black-" + pack.toLowerCase(), MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 150,
            Fixtures.elements(0.5, 0, 0, 0, 30, 25)));
    List<Event> recycled = client.recordStep(Fixtures.recycling(cells.get(0), Fixtures.LINE,
        Fixtures.elements(12, 0, 0, 0, 31, 26), lots, cells.get(1), cells.get(2)));
    assertEquals(3, recycled.size());
    for (Event e : recycled) {
      assertEquals(LifecycleState.LIFECYCLE_STATE_RECYCLED, e.getStateAfter());
      assertEquals(StepPart.STEP_PART_INPUT, e.getStepPart());
      assertEquals(2, e.getRecycling().getLotsCount());
    }
    assertEquals(EuStatus.EU_STATUS_WASTE, unit(cells.get(2)).getEuStatus());

    List<String> touched = new ArrayList<>(List.of(pack, secondLife, newModule));
    touched.addAll(modules);
    touched.addAll(cells);
    for (String code : touched) {
      assertChainVerifies(code);
    }
    assertEquals(LifecycleState.LIFECYCLE_STATE_DISMANTLED, unit(secondLife).getState());
    assertEquals(LifecycleState.LIFECYCLE_STATE_REPURPOSED, unit(modules.get(1)).getState());
  }
}
