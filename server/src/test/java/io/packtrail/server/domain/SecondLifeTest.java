package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The second half of a unit's life: every new step, part, role and refusal of the table. */
class SecondLifeTest {
  static final Instant NOW = LifecycleTest.NOW;
  static final String VIN = "1M8GDM9AXKP042788";
  static final String DISMANTLER_ORG = "organizations/jinchang";
  static final Actor DISMANTLING_LINE = new Actor(DISMANTLER_ORG, DISMANTLER_ORG + "/sites/line",
      Set.of(OrganizationRole.DISMANTLER, OrganizationRole.RECYCLER, OrganizationRole.CASCADE_USER),
      SiteKind.DISMANTLING_LINE);
  static final String CASCADE_ORG = "organizations/cascade";
  static final Actor CASCADE_PLANT = new Actor(CASCADE_ORG, CASCADE_ORG + "/sites/plant",
      Set.of(OrganizationRole.CASCADE_USER), SiteKind.CASCADE_PLANT);
  static final Actor MICROGRID = new Actor(CASCADE_ORG, CASCADE_ORG + "/sites/microgrid",
      Set.of(OrganizationRole.CASCADE_USER), SiteKind.MICROGRID_STORAGE);
  static final Actor STATION = LifecycleTest.STATION;

  static final String PACK = "TMKPBA1TRACE01RA50000001";
  static final String PACK2 = "TMKPBA1TRACE01RA50000002";
  static final String MODULE1 = "TMKMBA1TRACE01RA50000011";
  static final String MODULE2 = "TMKMBA1TRACE01RA50000012";
  static final String CELL = "TMKCBA1TRACE01RA50000021";
  static final String PRODUCT = "X12PCPMX2M2382320RP";

  /** The units and facts a plan sees, kept by the test. */
  static final class World implements Lifecycle.Known {
    final Map<String, UnitState> units = new HashMap<>();
    final Map<String, Double> masses = new HashMap<>();
    final Set<String> parented = new HashSet<>();
    final Set<String> lots = new HashSet<>();

    World with(String code, UnitState state, double massKg) {
      units.put(code, rename(state, code));
      masses.put(code, massKg);
      return this;
    }

    public UnitState unit(String code) {
      return units.get(code);
    }

    public double massKg(String code) {
      return masses.get(code);
    }

    public String maker(String code) {
      return LifecycleTest.MAKER;
    }

    public boolean hasParent(String code) {
      return parented.contains(code);
    }

    public boolean lotExists(String id) {
      return lots.contains(id);
    }
  }

  static UnitState rename(UnitState u, String code) {
    return new UnitState(code, BatteryCode.parse("code", code).level(), u.chemistry(), u.state(),
        u.custodian(), u.custodianSite(), u.vin(), u.shipmentDestination(), u.shipmentWaybill(),
        u.stateOfHealth(), u.grade(), u.eventCount(), u.headHash(), u.ratedEnergyKwh(),
        u.ratedCapacityAh(), u.lastEventTime());
  }

  /** A unit graded and held by {@code actor}'s organisation. */
  static UnitState gradedAt(Actor actor) {
    UnitState g = LifecycleTest.in(LifecycleState.GRADED);
    return new UnitState(g.code(), g.level(), g.chemistry(), g.state(), actor.organization(),
        actor.site(), null, null, null, g.stateOfHealth(), g.grade(), 7, g.headHash(),
        g.ratedEnergyKwh(), g.ratedCapacityAh(), g.lastEventTime());
  }

  static List<Lifecycle.Planned> plan(World w, String primary, Step step, Actor actor) {
    return Lifecycle.plan(primary, step, actor, NOW, w, Lifecycle.DEFAULT_MASS_TOLERANCE);
  }

  static Step.Child child(String code, double massKg) {
    return new Step.Child(code, massKg, 12, 150, 51.2);
  }

  static Step.Dismantling dismantling(double residueKg, Step.Child... children) {
    return new Step.Dismantling(List.of(children), residueKg, null);
  }

  static Step.Recycling recycling(String lot, List<String> others) {
    return new Step.Recycling(List.of(new Step.LotOutput(lot, MaterialProduct.LI2CO3, 100,
        new ElementMasses(18.5, 0, 0, 0, 0, 0))), new ElementMasses(20, 0, 0, 0, 1, 2), others,
        null);
  }

  @Test
  void aRecyclingOrADismantlingIsRecordedAtAPlantWhoseFiguresTheOverviewSums() {
    // the same organisation's warehouse: its roles allow both, the site's kind does not
    Actor warehouse = new Actor(DISMANTLER_ORG, DISMANTLER_ORG + "/sites/warehouse",
        DISMANTLING_LINE.roles(), SiteKind.WAREHOUSE);
    World w = new World().with(PACK, gradedAt(warehouse), 380);
    FailedPreconditionException recycled = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, recycling("lot-1", List.of()), warehouse));
    assertEquals("SITE_KIND", types(recycled));
    assertTrue(recycled.violations().get(0).description().startsWith("recycling must be "
        + "recorded at a plant"), recycled.violations().get(0).description());
    FailedPreconditionException dismantled = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, new Step.Dismantling(List.of(new Step.Child(MODULE1, 360, 12, 150,
            51.2)), 20, null), warehouse));
    assertEquals("SITE_KIND", types(dismantled));
  }

  static String types(FailedPreconditionException e) {
    return String.join(",", e.violations().stream().map(PreconditionViolation::type).toList());
  }

  @Test
  void tradeInSwapsTheUnitsInTheVehicleAndHandsTheOldOneToTheStation() {
    World w = new World().with(PACK, LifecycleTest.in(LifecycleState.INSTALLED), 380)
        .with(PACK2, LifecycleTest.in(LifecycleState.REGISTERED), 380);
    List<Lifecycle.Planned> p = plan(w, PACK, new Step.TradeIn(VIN, PACK2, null), STATION);
    assertEquals(List.of(Part.OLD, Part.REPLACEMENT), p.stream().map(Lifecycle.Planned::part)
        .toList());
    UnitState old = p.get(0).after();
    assertEquals(LifecycleState.REMOVED, old.state());
    assertNull(old.vin());
    assertEquals(STATION.organization(), old.custodian());
    assertEquals(STATION.site(), old.custodianSite());
    UnitState replacement = p.get(1).after();
    assertEquals(LifecycleState.INSTALLED, replacement.state());
    assertEquals(VIN, replacement.vin());
  }

  @Test
  void tradeInRefusesAnOldUnitNotInThatVehicleAndAReplacementNotNew() {
    World w = new World().with(PACK, LifecycleTest.in(LifecycleState.INSTALLED), 380)
        .with(PACK2, LifecycleTest.in(LifecycleState.REMOVED), 380);
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, new Step.TradeIn("1M8GDM9AXKP042789", PACK2, null), STATION));
    assertEquals("STATE,VEHICLE", types(e));
    assertEquals("units/" + PACK2, e.violations().get(0).subject());
    assertTrue(e.violations().get(0).description().contains("trade_in as replacement"));
  }

  @Test
  void dismantlingRegistersTheChildrenInTheDismantlersCustodyReadyForInspection() {
    World w = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380);
    List<Lifecycle.Planned> p = plan(w, PACK,
        dismantling(20, child(MODULE1, 180), child(MODULE2, 176.5)), DISMANTLING_LINE);
    assertEquals(LifecycleState.DISMANTLED, p.get(0).after().state());
    for (Lifecycle.Planned c : p.subList(1, 3)) {
      assertTrue(c.isNew());
      assertEquals(Part.CHILD, c.part());
      assertEquals(LifecycleState.RECEIVED, c.after().state());
      assertEquals(DISMANTLER_ORG, c.after().custodian());
      assertEquals(DISMANTLING_LINE.site(), c.after().custodianSite());
      assertEquals(UnitLevel.MODULE, c.after().level());
      assertEquals(Chemistry.LFP, c.after().chemistry(), "chemistry is inherited");
      assertEquals(LifecycleTest.MAKER, c.registers().maker(), "the maker is the parent's");
    }
    assertEquals(180.0, p.get(1).registers().massKg());
  }

  @Test
  void massImbalanceIsRefusedWithBothFigures() {
    World w = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380);
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, dismantling(10, child(MODULE1, 180), child(MODULE2, 176.5)),
            DISMANTLING_LINE));
    PreconditionViolation v = e.violations().get(0);
    assertEquals("MASS_BALANCE", v.type());
    assertEquals("366.500", v.metadata().get("accountedKg"));
    assertEquals("380.000", v.metadata().get("parentKg"));
    assertEquals("2.000", v.metadata().get("tolerancePercent"));
    // within 2 %: 372.5 of 380 is 1.97 % short
    plan(w, PACK, dismantling(16, child(MODULE1, 180), child(MODULE2, 176.5)), DISMANTLING_LINE);
    // a wider tolerance from configuration lets 366.5 pass
    Lifecycle.plan(PACK, dismantling(10, child(MODULE1, 180), child(MODULE2, 176.5)),
        DISMANTLING_LINE, NOW, w, 0.05);
  }

  @Test
  void aChildOfTheWrongLevelIsBadInput() {
    World w = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> plan(w, PACK, dismantling(20, child(MODULE1, 180), child(CELL, 176.5)),
            DISMANTLING_LINE));
    assertEquals("dismantling.children[1].code", e.violations().get(0).field());
    assertTrue(e.violations().get(0).description().contains("MODULE ('M')"));
  }

  @Test
  void aChildThatIsAlreadyAnotherUnitsChildIsRefused() {
    World w = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380)
        .with(MODULE1, LifecycleTest.in(LifecycleState.REGISTERED), 180);
    w.parented.add(MODULE1);
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, dismantling(20, child(MODULE1, 180), child(MODULE2, 176.5)),
            DISMANTLING_LINE));
    assertEquals("PARENT", types(e));
    UnitState ncm = LifecycleTest.in(LifecycleState.REGISTERED);
    World mixed = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380)
        .with(MODULE1, new UnitState(ncm.code(), ncm.level(), Chemistry.NCM, ncm.state(),
            ncm.custodian(), ncm.custodianSite(), null, null, null, null, null, 1,
            ncm.headHash(), 12, 150, null), 180);
    FailedPreconditionException chemistry = assertThrows(FailedPreconditionException.class,
        () -> plan(mixed, PACK, dismantling(20, child(MODULE1, 180), child(MODULE2, 176.5)),
            DISMANTLING_LINE));
    assertEquals("CHEMISTRY", types(chemistry));
    // a registered module without a parent may be named, with its registered mass (180 kg)
    w.parented.clear();
    FailedPreconditionException claimed = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, dismantling(20, child(MODULE1, 203.5), child(MODULE2, 156.5)),
            DISMANTLING_LINE));
    assertEquals("MASS_BALANCE", types(claimed));
    assertEquals("180.000", claimed.violations().get(0).metadata().get("registeredKg"));
    List<Lifecycle.Planned> p = plan(w, PACK,
        dismantling(20, child(MODULE1, 180), child(MODULE2, 176.5)), DISMANTLING_LINE);
    assertNull(p.get(1).registers());
    assertEquals(LifecycleState.RECEIVED, p.get(1).after().state());
  }

  @Test
  void aUnitAStepMakesHasTheBatteryTypeOfItsChemistry() {
    // position 5 'E' (ternary) on a module of an LFP pack, or on a pack of LFP modules: refused
    // as a registration with that chemistry is
    World w = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380);
    String ternaryModule = "TMKMEA1TRACE01RA50000013";
    FailedPreconditionException child = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, dismantling(20, child(MODULE1, 180), child(ternaryModule, 180)),
            DISMANTLING_LINE));
    assertEquals("CHEMISTRY", types(child));
    assertEquals("units/" + ternaryModule, child.violations().get(0).subject());
    assertTrue(child.violations().get(0).description().contains("position 5"),
        child.violations().get(0).description());
    World sources = new World().with(MODULE1, gradedAt(CASCADE_PLANT), 180)
        .with(MODULE2, gradedAt(CASCADE_PLANT), 180);
    String ternaryProduct = "X12PEPMX2M2382320RP";
    FailedPreconditionException product = assertThrows(FailedPreconditionException.class,
        () -> plan(sources, ternaryProduct,
            new Step.Assembly(List.of(MODULE1, MODULE2), 40, 150, 400, 370), CASCADE_PLANT));
    assertEquals("CHEMISTRY", types(product));
  }

  @Test
  void aUnitCannotBeItsOwnChildSourceOrInput() {
    World w = new World().with(PACK, gradedAt(DISMANTLING_LINE), 380);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> plan(w, PACK, recycling("lot-1", List.of(PACK)), DISMANTLING_LINE));
    assertEquals("recycling.other_inputs[0]", e.violations().get(0).field());
    assertTrue(e.violations().get(0).description().contains("lineage cycle"));
    InvalidArgumentException twice = assertThrows(InvalidArgumentException.class,
        () -> plan(w, PRODUCT, new Step.Assembly(List.of(PACK, PACK), 40, 150, 400, 300),
            CASCADE_PLANT));
    assertEquals("assembly.sources[1]", twice.violations().get(0).field());
  }

  @Test
  void dismantlingNeedsTheCustodianWithTheRightRoleAndAGradedParent() {
    World w = new World().with(PACK, gradedAt(STATION), 380);
    FailedPreconditionException role = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, dismantling(20, child(MODULE1, 180), child(MODULE2, 180)), STATION));
    assertEquals("ROLE", types(role), "one ROLE violation, not one per touched unit");
    FailedPreconditionException custody = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, dismantling(20, child(MODULE1, 180), child(MODULE2, 180)),
            DISMANTLING_LINE));
    assertEquals("CUSTODY", types(custody));
    World received = new World().with(PACK, LifecycleTest.in(LifecycleState.RECEIVED), 380);
    FailedPreconditionException state = assertThrows(FailedPreconditionException.class,
        () -> plan(received, PACK, dismantling(20, child(MODULE1, 180), child(MODULE2, 180)),
            LifecycleTest.PLANT));
    assertEquals("STATE", types(state));
  }

  @Test
  void assemblyRegistersTheRepurposedUnitAndConsumesItsSources() {
    World w = new World().with(MODULE1, gradedAt(CASCADE_PLANT), 180)
        .with(MODULE2, gradedAt(CASCADE_PLANT), 180);
    List<Lifecycle.Planned> p = plan(w, PRODUCT,
        new Step.Assembly(List.of(MODULE1, MODULE2), 40, 150, 400, 370), CASCADE_PLANT);
    Lifecycle.Planned product = p.get(0);
    assertEquals(Part.PRODUCT, product.part());
    assertEquals(LifecycleState.REGISTERED, product.after().state());
    assertEquals(CASCADE_ORG, product.registers().maker());
    assertEquals(UnitLevel.PACK, product.after().level());
    assertEquals(Chemistry.LFP, product.after().chemistry());
    assertEquals(LifecycleState.REPURPOSED, p.get(1).after().state());
    assertEquals(LifecycleState.REPURPOSED, p.get(2).after().state());
    assertEquals(EuStatus.REPURPOSED, EuStatus.after(null, StepType.ASSEMBLY, Part.PRODUCT));
  }

  @Test
  void assemblyRefusesMixedChemistriesUngradedSourcesAndAnExistingProduct() {
    UnitState ncm = gradedAt(CASCADE_PLANT);
    ncm = new UnitState(ncm.code(), ncm.level(), Chemistry.NCM, ncm.state(), ncm.custodian(),
        ncm.custodianSite(), null, null, null, null, null, 7, ncm.headHash(), 40, 150, null);
    World w = new World().with(MODULE1, gradedAt(CASCADE_PLANT), 180).with(MODULE2, ncm, 180);
    FailedPreconditionException mixed = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PRODUCT, new Step.Assembly(List.of(MODULE1, MODULE2), 40, 150, 400, 370),
            CASCADE_PLANT));
    assertEquals("CHEMISTRY", types(mixed));

    World ungraded = new World().with(MODULE1, gradedAt(CASCADE_PLANT), 180)
        .with(MODULE2, LifecycleTest.in(LifecycleState.RECEIVED), 180);
    FailedPreconditionException state = assertThrows(FailedPreconditionException.class,
        () -> plan(ungraded, PRODUCT,
            new Step.Assembly(List.of(MODULE1, MODULE2), 40, 150, 400, 370), CASCADE_PLANT));
    assertEquals("units/" + MODULE2, state.violations().get(0).subject());

    World existing = new World().with(MODULE1, gradedAt(CASCADE_PLANT), 180)
        .with(PRODUCT, LifecycleTest.in(LifecycleState.REGISTERED), 300);
    assertThrows(AlreadyExistsException.class, () -> plan(existing, PRODUCT,
        new Step.Assembly(List.of(MODULE1), 40, 150, 400, 370), CASCADE_PLANT));
    World unknown = new World();
    assertThrows(NotFoundException.class, () -> plan(unknown, PRODUCT,
        new Step.Assembly(List.of(MODULE1), 40, 150, 400, 370), CASCADE_PLANT));
  }

  @Test
  void secondLifeIsCommissionedInspectedAndDecommissionedBackIntoTheLoop() {
    UnitState product = Lifecycle.apply(UnitState.unregistered(PRODUCT),
        new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 40, 150, 400, 370, CASCADE_ORG),
        CASCADE_PLANT, NOW);
    Step.Commissioning commissioning = new Step.Commissioning("microgrid storage", 36, null);
    FailedPreconditionException wrongSite = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(product, commissioning, CASCADE_PLANT, NOW));
    assertEquals("SITE_KIND", types(wrongSite));
    UnitState deployed = Lifecycle.apply(product, commissioning, MICROGRID, NOW);
    assertEquals(LifecycleState.IN_SECOND_LIFE, deployed.state());
    assertEquals(MICROGRID.site(), deployed.custodianSite());
    UnitState inspected = Lifecycle.apply(deployed,
        new Step.SecondLifeInspection(91.5, 33, null), MICROGRID, NOW);
    assertEquals(LifecycleState.IN_SECOND_LIFE, inspected.state());
    UnitState retired = Lifecycle.apply(inspected, new Step.Decommissioning(null), MICROGRID,
        NOW);
    assertEquals(LifecycleState.REMOVED, retired.state());
    assertTrue(Lifecycle.allowedSteps(retired.state()).contains(StepType.COLLECTION));
    FailedPreconditionException twice = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(retired, new Step.Decommissioning(null), MICROGRID, NOW));
    assertEquals("STATE", types(twice));
  }

  @Test
  void recyclingConsumesItsInputsIntoNewLots() {
    World w = new World().with(PACK, gradedAt(LifecycleTest.PLANT), 380)
        .with(MODULE1, gradedAt(LifecycleTest.PLANT), 180);
    List<Lifecycle.Planned> p = plan(w, PACK, recycling("lot-1", List.of(MODULE1)),
        LifecycleTest.PLANT);
    assertTrue(p.stream().allMatch(x -> x.after().state() == LifecycleState.RECYCLED));
    assertEquals(List.of(Part.INPUT, Part.INPUT), p.stream().map(Lifecycle.Planned::part)
        .toList());

    w.lots.add("lot-1");
    assertThrows(AlreadyExistsException.class,
        () -> plan(w, PACK, recycling("lot-1", List.of()), LifecycleTest.PLANT));
  }

  @Test
  void recyclingRefusesElementsAboveLotMassFeedAboveInputsAndRecoveryAboveFeed() {
    Violations v = new Violations();
    new Step.Recycling(List.of(new Step.LotOutput("lot-1", MaterialProduct.CO3O4, 10,
        new ElementMasses(0, 0, 8, 3, 0, 0))), new ElementMasses(0, 0, 20, 20, 0, 0), List.of(),
        null).validate("recycling", v);
    assertEquals("recycling.lots[0].element_masses", v.list().get(0).field());
    assertTrue(v.list().get(0).description().contains("more than the lot mass 10.000 kg"));

    World w = new World().with(PACK, gradedAt(LifecycleTest.PLANT), 15);
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, recycling("lot-2", List.of()), LifecycleTest.PLANT));
    assertEquals("FEED", types(e));
    World big = new World().with(PACK, gradedAt(LifecycleTest.PLANT), 380);
    Step.Recycling tooMuch = new Step.Recycling(List.of(new Step.LotOutput("lot-3",
        MaterialProduct.LI2CO3, 200, new ElementMasses(25, 0, 0, 0, 0, 0))),
        new ElementMasses(20, 0, 0, 0, 0, 0), List.of(), null);
    FailedPreconditionException recovery = assertThrows(FailedPreconditionException.class,
        () -> plan(big, PACK, tooMuch, LifecycleTest.PLANT));
    assertEquals("RECOVERY", types(recovery));
  }

  @Test
  void aLotWeighsNoMoreThanItsElementMakesAndBlackMassNoMoreThanTheInputs() {
    // 10 kg of nickel make at most 10 / (0.2089 * 0.8) = 59.837 kg of NiSO4 (as NiSO4.7H2O)
    ElementMasses nickel = new ElementMasses(0, 10, 0, 0, 0, 0);
    assertEquals(59.837, MaterialProduct.NISO4.maxMassKg(nickel), 0.001);
    Violations fits = new Violations();
    new Step.Recycling(List.of(new Step.LotOutput("lot-ni", MaterialProduct.NISO4, 59.8,
        nickel)), new ElementMasses(0, 20, 0, 0, 0, 0), List.of(), null).validate("recycling",
        fits);
    assertEquals(List.of(), fits.list());
    Violations inflated = new Violations();
    new Step.Recycling(List.of(new Step.LotOutput("lot-ni", MaterialProduct.NISO4, 10_000,
        nickel)), new ElementMasses(0, 20, 0, 0, 0, 0), List.of(), null).validate("recycling",
        inflated);
    assertEquals(1, inflated.list().size(), inflated.list().toString());
    assertEquals("recycling.lots[0].mass_kg", inflated.list().get(0).field());
    assertTrue(inflated.list().get(0).description().contains("a lot of NISO4 of 10000.000 kg "
        + "holds 10.000 kg of ni, so it can be at most 59.837 kg (NiSO4·7H2O is 20.9 % ni"),
        inflated.list().get(0).description());
    // metals: their own element, at least four fifths
    assertEquals(12.5, MaterialProduct.COPPER.maxMassKg(new ElementMasses(0, 0, 0, 0, 10, 0)),
        0.001);
    assertEquals(Double.POSITIVE_INFINITY,
        MaterialProduct.BLACK_MASS.maxMassKg(new ElementMasses(0, 0, 0, 0, 0, 0)));

    // black mass is bounded by what went in: 380 kg of pack cannot make 400 kg of it
    World w = new World().with(PACK, gradedAt(LifecycleTest.PLANT), 380);
    Step.Recycling heavy = new Step.Recycling(List.of(new Step.LotOutput("lot-bm",
        MaterialProduct.BLACK_MASS, 400, new ElementMasses(5, 20, 5, 5, 0, 0))),
        new ElementMasses(6, 25, 6, 6, 0, 0), List.of(), null);
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> plan(w, PACK, heavy, LifecycleTest.PLANT));
    assertEquals("MASS_BALANCE", types(e));
    assertTrue(e.getMessage().contains("the black mass lots weigh 400.000 kg, more than the "
        + "inputs' mass 380.000 kg"), e.getMessage());
    Step.Recycling light = new Step.Recycling(List.of(new Step.LotOutput("lot-bm",
        MaterialProduct.BLACK_MASS, 150, new ElementMasses(5, 20, 5, 5, 0, 0))),
        new ElementMasses(6, 25, 6, 6, 0, 0), List.of(), null);
    assertEquals(1, plan(w, PACK, light, LifecycleTest.PLANT).size());
  }

  @Test
  void scrappingEndsTheUnitAndOnlyCorrectionsFollow() {
    UnitState removed = LifecycleTest.in(LifecycleState.REMOVED);
    UnitState scrapped = Lifecycle.apply(removed, new Step.Scrapping("crushed in a collision",
        null), STATION, NOW);
    assertEquals(LifecycleState.SCRAPPED, scrapped.state());
    assertEquals(List.of(StepType.CORRECTION), Lifecycle.allowedSteps(LifecycleState.SCRAPPED));
    FailedPreconditionException installed = assertThrows(FailedPreconditionException.class,
        () -> Lifecycle.apply(LifecycleTest.in(LifecycleState.INSTALLED),
            new Step.Scrapping("fire", null), STATION, NOW));
    assertEquals("STATE", types(installed));
  }

  @Test
  void aCorrectionReferencesAnEarlierEventOfTheSameUnitAndChangesNoState() {
    UnitState named = rename(gradedAt(STATION), PACK); // 7 events
    UnitState corrected = Lifecycle.apply(named,
        new Step.Correction("units/" + PACK + "/events/7", "grade was C, not B"), STATION, NOW);
    assertEquals(LifecycleState.GRADED, corrected.state());
    assertEquals(named.custodian(), corrected.custodian());
    assertEquals(named.grade(), corrected.grade(), "the corrected event is not edited");
    assertThrows(NotFoundException.class, () -> Lifecycle.apply(named,
        new Step.Correction("units/" + PACK + "/events/" + (named.eventCount() + 1), "x"),
        STATION, NOW));
    assertThrows(InvalidArgumentException.class, () -> Lifecycle.apply(named,
        new Step.Correction("units/" + PACK2 + "/events/1", "x"), STATION, NOW));
  }

  @Test
  void everyNewStepReadsBackFromItsCanonicalFields() {
    List<Step> steps = List.of(new Step.TradeIn(VIN, PACK2, "old for new"),
        dismantling(20, child(MODULE1, 180), child(MODULE2, 176.5)),
        new Step.Assembly(List.of(MODULE1, MODULE2), 40, 150, 400, 370),
        new Step.Commissioning("microgrid storage", 36, null),
        new Step.SecondLifeInspection(91.5, 33, "ok"), new Step.Decommissioning(null),
        recycling("lot-1", List.of(MODULE1)), new Step.Scrapping("fire", null),
        new Step.Correction("units/" + PACK + "/events/3", "wrong waybill"));
    Set<StepType> covered = EnumSet.noneOf(StepType.class);
    for (Step step : steps) {
      CanonicalFields f = new CanonicalFields();
      step.writeTo(f);
      Step back = Step.readFrom(step.type(), CanonicalFields.decode(f.encode()));
      assertEquals(step, back);
      Violations v = new Violations();
      step.validate(step.type().key(), v);
      assertTrue(v.isEmpty(), v.list().toString());
      covered.add(step.type());
    }
    assertEquals(EnumSet.range(StepType.TRADE_IN, StepType.CORRECTION), covered);
  }

  @Test
  void derivedEventIdsAreVersion5NameBasedUuids() {
    // checked against Python: uuid.uuid5(UUID('6f1c2a4e-...'), 'TMKMBA1TRACE01RA50000002')
    assertEquals(UUID.fromString("79cced41-8280-5776-ae5c-0fa1b2b9f344"),
        EventChain.derivedEventId(UUID.fromString("6f1c2a4e-3b7d-4e2a-9c1f-0a1b2c3d4e5f"),
            "TMKMBA1TRACE01RA50000002"));
  }
}
