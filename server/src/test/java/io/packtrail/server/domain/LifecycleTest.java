package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LifecycleTest {
  static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
  static final String MAKER = "organizations/maker";
  static final String DEALER = "organizations/dealer";
  static final String RECYCLER = "organizations/recycler";
  static final Actor FACTORY = new Actor(MAKER, MAKER + "/sites/f", Set.of(OrganizationRole.BATTERY_MAKER));
  static final Actor STATION = new Actor(DEALER, DEALER + "/sites/s",
      Set.of(OrganizationRole.DEALER, OrganizationRole.COLLECTION_OUTLET));
  static final Actor PLANT = new Actor(RECYCLER, RECYCLER + "/sites/p",
      Set.of(OrganizationRole.RECYCLER));

  static final Step REGISTRATION = new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 50, 150,
      350, 380, MAKER);
  static final Step SALE = new Step.Sale("1M8GDM9AXKP042788", DEALER);
  static final Step REMOVAL = new Step.Removal(RemovalReason.TRADE_IN, null);
  static final Step COLLECTION = new Step.Collection(null);
  static final Step SHIPMENT = new Step.Shipment(PLANT.site(), "WB-0001");
  static final Step RECEIPT = new Step.Receipt("WB-0001");
  static final Step INSPECTION = new Step.Inspection(
      new StateOfHealth(78.0, 22.0, null, null, null, null, 1200L), Grade.B, null,
      "GB/T 34015-2017", "Test lab", java.time.LocalDate.parse("2026-03-01"));

  /** The step of each type and who is expected to record it in the happy path. */
  static final Map<StepType, Step> STEPS = Map.of(StepType.SALE, SALE, StepType.REMOVAL, REMOVAL,
      StepType.COLLECTION, COLLECTION, StepType.SHIPMENT, SHIPMENT, StepType.RECEIPT, RECEIPT,
      StepType.INSPECTION, INSPECTION);
  static final Map<StepType, Actor> ACTORS = Map.of(StepType.SALE, STATION, StepType.REMOVAL,
      STATION, StepType.COLLECTION, STATION, StepType.SHIPMENT, STATION, StepType.RECEIPT, PLANT,
      StepType.INSPECTION, PLANT);

  /**
   * The expected table, written out independently of Lifecycle's own: the steps a unit in each
   * state may take part in, in any part (a REGISTERED unit may be a trade-in's replacement or a
   * dismantling's named child; a GRADED one an assembly's source).
   */
  static final Map<LifecycleState, Set<StepType>> ALLOWED = Map.ofEntries(
      Map.entry(LifecycleState.REGISTERED, EnumSet.of(StepType.SALE, StepType.TRADE_IN,
          StepType.DISMANTLING, StepType.COMMISSIONING, StepType.SCRAPPING, StepType.CORRECTION)),
      Map.entry(LifecycleState.INSTALLED,
          EnumSet.of(StepType.REMOVAL, StepType.TRADE_IN, StepType.CORRECTION)),
      Map.entry(LifecycleState.REMOVED,
          EnumSet.of(StepType.COLLECTION, StepType.SCRAPPING, StepType.CORRECTION)),
      Map.entry(LifecycleState.COLLECTED, EnumSet.of(StepType.SHIPMENT, StepType.RECYCLING,
          StepType.SCRAPPING, StepType.CORRECTION)),
      Map.entry(LifecycleState.IN_TRANSIT, EnumSet.of(StepType.RECEIPT, StepType.CORRECTION)),
      Map.entry(LifecycleState.RECEIVED, EnumSet.of(StepType.INSPECTION, StepType.SHIPMENT,
          StepType.RECYCLING, StepType.SCRAPPING, StepType.CORRECTION)),
      Map.entry(LifecycleState.GRADED, EnumSet.of(StepType.INSPECTION, StepType.SHIPMENT,
          StepType.DISMANTLING, StepType.ASSEMBLY, StepType.COMMISSIONING, StepType.RECYCLING,
          StepType.SCRAPPING, StepType.CORRECTION)),
      Map.entry(LifecycleState.DISMANTLED, EnumSet.of(StepType.CORRECTION)),
      Map.entry(LifecycleState.REPURPOSED, EnumSet.of(StepType.CORRECTION)),
      Map.entry(LifecycleState.IN_SECOND_LIFE, EnumSet.of(StepType.SECOND_LIFE_INSPECTION,
          StepType.DECOMMISSIONING, StepType.CORRECTION)),
      Map.entry(LifecycleState.RECYCLED, EnumSet.of(StepType.CORRECTION)),
      Map.entry(LifecycleState.SCRAPPED, EnumSet.of(StepType.CORRECTION)));

  /** The states of the first half of a unit's life, which {@link #in} walks to. */
  static final Set<LifecycleState> FIRST_HALF = EnumSet.range(LifecycleState.REGISTERED,
      LifecycleState.GRADED);

  static final Map<StepType, LifecycleState> TARGET = Map.of(
      StepType.SALE, LifecycleState.INSTALLED, StepType.REMOVAL, LifecycleState.REMOVED,
      StepType.COLLECTION, LifecycleState.COLLECTED, StepType.SHIPMENT, LifecycleState.IN_TRANSIT,
      StepType.RECEIPT, LifecycleState.RECEIVED, StepType.INSPECTION, LifecycleState.GRADED);

  static UnitState walk(List<Step> steps) {
    UnitState u = Lifecycle.apply(UnitState.unregistered("CODE"), REGISTRATION, FACTORY, NOW);
    for (Step s : steps) {
      u = Lifecycle.apply(u, s, ACTORS.get(s.type()), NOW);
    }
    return u;
  }

  /** A unit brought into each state along the happy path. */
  static UnitState in(LifecycleState state) {
    List<Step> path = List.of(SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION);
    List<Step> taken = new ArrayList<>();
    UnitState u = walk(taken);
    for (Step s : path) {
      if (u.state() == state) {
        return u;
      }
      taken.add(s);
      u = walk(taken);
    }
    return u;
  }

  static Stream<Arguments> everyStateAndStep() {
    List<Arguments> all = new ArrayList<>();
    for (LifecycleState state : FIRST_HALF) {
      for (StepType step : STEPS.keySet()) {
        all.add(Arguments.of(state, step));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{1} from {0}")
  @MethodSource("everyStateAndStep")
  void everyTransitionIsAllowedOrRefusedAsTheTableSays(LifecycleState state, StepType type) {
    UnitState unit = in(state);
    assertEquals(state, unit.state());
    // a shipment from the plant must go elsewhere than the plant
    Step step = type == StepType.SHIPMENT && unit.custodian().equals(RECYCLER)
        ? new Step.Shipment(STATION.site(), "WB-0002") : STEPS.get(type);
    Actor actor = type == StepType.SHIPMENT ? custodianActor(unit) : ACTORS.get(type);
    if (ALLOWED.get(state).contains(type)) {
      UnitState after = Lifecycle.apply(unit, step, actor, NOW);
      assertEquals(TARGET.get(type), after.state());
    } else {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> Lifecycle.apply(unit, step, actor, NOW));
      PreconditionViolation v = e.violations().get(0);
      assertEquals("STATE", v.type());
      assertEquals("units/CODE", v.subject());
      assertTrue(v.description().contains("is " + state), v.description());
      for (StepType allowed : ALLOWED.get(state)) {
        assertTrue(v.description().contains(allowed.key()), v.description());
      }
    }
  }

  static Actor custodianActor(UnitState unit) {
    return unit.custodian().equals(RECYCLER) ? PLANT : STATION;
  }

  @Test
  void allowedStepsMatchTheTable() {
    for (LifecycleState state : LifecycleState.values()) {
      assertEquals(ALLOWED.get(state), EnumSet.copyOf(Lifecycle.allowedSteps(state)), state.name());
    }
  }

  @Test
  void happyPathMovesStateAndCustody() {
    UnitState registered = walk(List.of());
    assertEquals(LifecycleState.REGISTERED, registered.state());
    assertEquals(MAKER, registered.custodian());
    assertEquals(FACTORY.site(), registered.custodianSite());

    UnitState installed = walk(List.of(SALE));
    assertEquals(LifecycleState.INSTALLED, installed.state());
    assertEquals(DEALER, installed.custodian(), "sale hands the unit to the dealer");
    assertEquals("1M8GDM9AXKP042788", installed.vin());

    UnitState removed = walk(List.of(SALE, REMOVAL));
    assertNull(removed.vin(), "a removed unit is no longer in the vehicle");
    assertEquals(DEALER, removed.custodian(), "removal is not a hand-over");

    UnitState inTransit = walk(List.of(SALE, REMOVAL, COLLECTION, SHIPMENT));
    assertEquals(DEALER, inTransit.custodian(), "custody stays with the sender in transit");
    assertEquals(PLANT.site(), inTransit.shipmentDestination());

    UnitState received = walk(List.of(SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT));
    assertEquals(RECYCLER, received.custodian(), "receipt is a hand-over");
    assertEquals(PLANT.site(), received.custodianSite());
    assertNull(received.shipmentDestination(), "the shipment is closed");

    UnitState graded = walk(List.of(SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION));
    assertEquals(LifecycleState.GRADED, graded.state());
    assertEquals(Grade.B, graded.grade());
    assertEquals(78.0, graded.stateOfHealth().stateOfCertifiedEnergyPercent());
  }

  @Test
  void registeringTwiceIsAlreadyExists() {
    UnitState registered = walk(List.of());
    assertThrows(AlreadyExistsException.class,
        () -> Lifecycle.apply(registered, REGISTRATION, FACTORY, NOW));
  }

  @Test
  void aStepNeedsAnActorWithTheRightRole() {
    UnitState removed = walk(List.of(SALE, REMOVAL));
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(removed, COLLECTION, FACTORY, NOW));
    assertEquals("ROLE", e.violations().get(0).type());
    assertTrue(e.violations().get(0).description().contains("collection_outlet"));

    Actor regulator = new Actor("organizations/reg", "organizations/reg/sites/o",
        Set.of(OrganizationRole.REGULATOR));
    assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(UnitState.unregistered("X"), REGISTRATION, regulator, NOW));
  }

  @Test
  void onlyTheCustodianShipsOrInspects() {
    UnitState collected = walk(List.of(SALE, REMOVAL, COLLECTION));
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(collected, new Step.Shipment(STATION.site(), "WB-1"), PLANT,
            NOW));
    assertEquals("CUSTODY", e.violations().get(0).type());
  }

  @Test
  void receiptOnlyAtTheDestinationAndWithTheWaybill() {
    UnitState inTransit = walk(List.of(SALE, REMOVAL, COLLECTION, SHIPMENT));
    Actor elsewhere = new Actor(RECYCLER, RECYCLER + "/sites/other",
        Set.of(OrganizationRole.RECYCLER));
    FailedPreconditionException wrongSite = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(inTransit, RECEIPT, elsewhere, NOW));
    assertEquals("DESTINATION", wrongSite.violations().get(0).type());

    FailedPreconditionException wrongWaybill = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(inTransit, new Step.Receipt("WB-9999"), PLANT, NOW));
    assertEquals("WAYBILL", wrongWaybill.violations().get(0).type());

    // the waybill is optional on receipt
    assertEquals(LifecycleState.RECEIVED,
        Lifecycle.apply(inTransit, new Step.Receipt(null), PLANT, NOW).state());
  }

  @Test
  void aShipmentCannotGoToTheSiteItLeaves() {
    UnitState collected = walk(List.of(SALE, REMOVAL, COLLECTION));
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(collected, new Step.Shipment(STATION.site(), "WB-1"), STATION,
            NOW));
    assertEquals("DESTINATION", e.violations().get(0).type());
  }

  @Test
  void everyBrokenRuleIsReportedTogether() {
    UnitState registered = walk(List.of());
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(registered, INSPECTION, FACTORY, NOW));
    assertEquals(List.of("STATE", "ROLE"),
        e.violations().stream().map(PreconditionViolation::type).toList());
  }
}
