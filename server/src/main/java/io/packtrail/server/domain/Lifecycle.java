package io.packtrail.server.domain;

import static io.packtrail.server.domain.LifecycleState.COLLECTED;
import static io.packtrail.server.domain.LifecycleState.DISMANTLED;
import static io.packtrail.server.domain.LifecycleState.GRADED;
import static io.packtrail.server.domain.LifecycleState.INSTALLED;
import static io.packtrail.server.domain.LifecycleState.IN_SECOND_LIFE;
import static io.packtrail.server.domain.LifecycleState.IN_TRANSIT;
import static io.packtrail.server.domain.LifecycleState.RECEIVED;
import static io.packtrail.server.domain.LifecycleState.RECYCLED;
import static io.packtrail.server.domain.LifecycleState.REGISTERED;
import static io.packtrail.server.domain.LifecycleState.REMOVED;
import static io.packtrail.server.domain.LifecycleState.REPURPOSED;
import static io.packtrail.server.domain.LifecycleState.SCRAPPED;
import static io.packtrail.server.domain.OrganizationRole.BATTERY_MAKER;
import static io.packtrail.server.domain.OrganizationRole.CASCADE_USER;
import static io.packtrail.server.domain.OrganizationRole.COLLECTION_OUTLET;
import static io.packtrail.server.domain.OrganizationRole.DEALER;
import static io.packtrail.server.domain.OrganizationRole.DISMANTLER;
import static io.packtrail.server.domain.OrganizationRole.RECYCLER;
import static io.packtrail.server.domain.OrganizationRole.REGULATOR;
import static io.packtrail.server.domain.OrganizationRole.REPAIRER;
import static io.packtrail.server.domain.OrganizationRole.VEHICLE_MAKER;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one transition table of a unit's life. Every step is checked here: the state it may start
 * from, the roles that may record it, whether only the custodian may, and how custody moves.
 */
public final class Lifecycle {

  /** How a step moves custody (who holds the unit). */
  enum Custody {
    /** Not a hand-over: custody stays. */
    KEEP,
    /** The recording site's organisation takes the unit. */
    TO_ACTOR,
    /** The selling dealer becomes responsible while the unit is in the customer's vehicle. */
    TO_DEALER
  }

  /**
   * One row of the table: the states a unit may play its part from ({@code unregistered}: also
   * a unit not yet registered, which the step registers), the state after ({@code null}: the
   * state stays), who may record it and how custody moves.
   */
  record Rule(Set<LifecycleState> from, boolean unregistered, LifecycleState to,
      Set<OrganizationRole> roles, boolean custodianOnly, Custody custody) {
    Rule(Set<LifecycleState> from, LifecycleState to, Set<OrganizationRole> roles,
        boolean custodianOnly, Custody custody) {
      this(from, false, to, roles, custodianOnly, custody);
    }
  }

  private static final Set<OrganizationRole> ANY_PARTY =
      Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(REGULATOR)));
  private static final Map<StepType, Rule> RULES = new EnumMap<>(StepType.class);
  /** The rules of the parts other than the primary unit's, for steps touching several units. */
  private static final Map<StepType, Map<Part, Rule>> OTHER_PARTS = new EnumMap<>(StepType.class);
  private static final Set<LifecycleState> SCRAPPABLE =
      EnumSet.of(REGISTERED, REMOVED, COLLECTED, RECEIVED, GRADED);
  /** The mass-balance tolerance of a dismantling when none is configured: 2 %. */
  public static final double DEFAULT_MASS_TOLERANCE = 0.02;

  static {
    RULES.put(StepType.REGISTRATION, new Rule(Set.of(), REGISTERED,
        EnumSet.of(BATTERY_MAKER, VEHICLE_MAKER, CASCADE_USER), false, Custody.TO_ACTOR));
    RULES.put(StepType.SALE, new Rule(EnumSet.of(REGISTERED), INSTALLED,
        EnumSet.of(VEHICLE_MAKER, DEALER), false, Custody.TO_DEALER));
    RULES.put(StepType.REMOVAL, new Rule(EnumSet.of(INSTALLED), REMOVED,
        EnumSet.of(REPAIRER, DEALER, VEHICLE_MAKER, DISMANTLER, COLLECTION_OUTLET), false,
        Custody.KEEP));
    RULES.put(StepType.COLLECTION, new Rule(EnumSet.of(REMOVED), COLLECTED,
        EnumSet.of(COLLECTION_OUTLET, DISMANTLER, CASCADE_USER, RECYCLER), false,
        Custody.TO_ACTOR));
    RULES.put(StepType.SHIPMENT, new Rule(EnumSet.of(COLLECTED, RECEIVED, GRADED), IN_TRANSIT,
        ANY_PARTY, true, Custody.KEEP));
    RULES.put(StepType.RECEIPT, new Rule(EnumSet.of(IN_TRANSIT), RECEIVED,
        ANY_PARTY, false, Custody.TO_ACTOR));
    RULES.put(StepType.INSPECTION, new Rule(EnumSet.of(RECEIVED, GRADED), GRADED,
        EnumSet.of(COLLECTION_OUTLET, DISMANTLER, CASCADE_USER, RECYCLER), true, Custody.KEEP));
    // the second half of a unit's life
    RULES.put(StepType.TRADE_IN, new Rule(EnumSet.of(INSTALLED), REMOVED,
        EnumSet.of(DEALER, COLLECTION_OUTLET), false, Custody.TO_ACTOR));
    OTHER_PARTS.put(StepType.TRADE_IN, Map.of(Part.REPLACEMENT, new Rule(EnumSet.of(REGISTERED),
        INSTALLED, EnumSet.of(DEALER, COLLECTION_OUTLET), false, Custody.TO_ACTOR)));
    RULES.put(StepType.DISMANTLING, new Rule(EnumSet.of(GRADED), DISMANTLED,
        EnumSet.of(DISMANTLER, RECYCLER), true, Custody.KEEP));
    OTHER_PARTS.put(StepType.DISMANTLING, Map.of(Part.CHILD, new Rule(EnumSet.of(REGISTERED),
        true, RECEIVED, EnumSet.of(DISMANTLER, RECYCLER), false, Custody.TO_ACTOR)));
    RULES.put(StepType.ASSEMBLY, new Rule(Set.of(), true, REGISTERED,
        EnumSet.of(CASCADE_USER), false, Custody.TO_ACTOR));
    OTHER_PARTS.put(StepType.ASSEMBLY, Map.of(Part.SOURCE, new Rule(EnumSet.of(GRADED),
        REPURPOSED, EnumSet.of(CASCADE_USER), true, Custody.KEEP)));
    RULES.put(StepType.COMMISSIONING, new Rule(EnumSet.of(REGISTERED, GRADED), IN_SECOND_LIFE,
        EnumSet.of(CASCADE_USER), true, Custody.TO_ACTOR));
    RULES.put(StepType.SECOND_LIFE_INSPECTION, new Rule(EnumSet.of(IN_SECOND_LIFE), IN_SECOND_LIFE,
        EnumSet.of(CASCADE_USER), true, Custody.KEEP));
    RULES.put(StepType.DECOMMISSIONING, new Rule(EnumSet.of(IN_SECOND_LIFE), REMOVED,
        EnumSet.of(CASCADE_USER), true, Custody.KEEP));
    RULES.put(StepType.RECYCLING, new Rule(EnumSet.of(COLLECTED, RECEIVED, GRADED), RECYCLED,
        EnumSet.of(RECYCLER), true, Custody.KEEP));
    OTHER_PARTS.put(StepType.RECYCLING, Map.of(Part.INPUT, RULES.get(StepType.RECYCLING)));
    RULES.put(StepType.SCRAPPING, new Rule(SCRAPPABLE, SCRAPPED,
        EnumSet.of(DISMANTLER, RECYCLER, COLLECTION_OUTLET, REPAIRER), true, Custody.KEEP));
    RULES.put(StepType.CORRECTION, new Rule(EnumSet.allOf(LifecycleState.class), null,
        ANY_PARTY, false, Custody.KEEP));
  }

  /**
   * How far a step may be dated before the unit's previous step without being flagged, and how
   * far ahead of the server clock an event time may be: field devices' clocks skew.
   */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private Lifecycle() {}

  /** The steps a unit in this state may take next, in table order. */
  public static List<StepType> allowedSteps(LifecycleState state) {
    List<StepType> allowed = new ArrayList<>();
    RULES.forEach((step, rule) -> {
      if (rule.from().contains(state) || OTHER_PARTS.getOrDefault(step, Map.of()).values()
          .stream().anyMatch(r -> r.from().contains(state))) {
        allowed.add(step);
      }
    });
    return allowed;
  }

  /**
   * Applies a single-unit step to a unit, or throws {@link FailedPreconditionException} naming
   * every rule it breaks. A registration applies to {@link UnitState#unregistered}. The returned
   * state does not yet carry the new chain head; {@link EventChain} adds it. {@code eventTime} is
   * when the step happened; a time before the unit's previous step is not refused but flagged
   * ({@link #timeOrder}). Steps that touch several units go through {@link #plan}.
   */
  public static UnitState apply(UnitState unit, Step step, Actor actor, Instant eventTime) {
    if (Step.touchesSeveral(step.type())) {
      throw new IllegalArgumentException(step.type() + " touches several units: use plan");
    }
    Rule rule = RULES.get(step.type());
    List<PreconditionViolation> broken = new ArrayList<>();
    check(unit, step, Part.SUBJECT, rule, actor, eventTime, broken);
    if (step instanceof Step.Correction c) {
      checkCorrected(unit, c);
    }
    if (!broken.isEmpty()) {
      throw new FailedPreconditionException(broken);
    }
    return transition(unit, step, Part.SUBJECT, actor, rule, eventTime, null, null);
  }

  /** What the rules of a multi-unit step need to know beyond the touched units' states. */
  public interface Known {
    /** The unit's current state, or null when it is not registered. */
    UnitState unit(String code);

    /** The registered mass of a known unit, in kg. */
    double massKg(String code);

    /** The organisation recorded as the known unit's maker. */
    String maker(String code);

    /** Whether the unit already has a parent (it was named a child or made by an assembly). */
    boolean hasParent(String code);

    /** Whether a material lot of that id exists. */
    boolean lotExists(String id);
  }

  /** One touched unit of a planned step: its part, its state before and after. */
  public record Planned(String code, Part part, UnitState before, UnitState after,
      Step.Registration registers) {
    /** Whether the step registers this unit (its first event). */
    public boolean isNew() {
      return before.state() == null;
    }
  }

  /**
   * Checks a step against every unit it touches and returns the transitions, the primary unit's
   * first, in the order the step names the others; or throws, naming every broken rule of every
   * unit, so that the step is applied to all of them or to none. A touched unit the step may not
   * register and that is not registered is {@link NotFoundException}; naming a unit twice (which
   * would be a cycle of the lineage) is {@link InvalidArgumentException}.
   */
  public static List<Planned> plan(String primary, Step step, Actor actor, Instant eventTime,
      Known known, double massTolerance) {
    List<Step.Touch> touches = Step.touches(primary, step);
    checkDistinct(primary, step, touches);
    UnitLevel primaryLevel = BatteryCode.parse("unit", primary).level();
    if (step instanceof Step.Dismantling d) {
      checkChildLevels(primaryLevel, d);
    }

    List<PreconditionViolation> broken = new ArrayList<>();
    Map<String, UnitState> before = new LinkedHashMap<>();
    for (Step.Touch t : touches) {
      Rule rule = rule(step.type(), t.part());
      UnitState unit = known.unit(t.code());
      if (unit == null) {
        if (!rule.unregistered() && !(step instanceof Step.Registration)) {
          throw new NotFoundException(ResourceNames.unit(t.code()), "unit");
        }
        unit = UnitState.unregistered(t.code());
      } else if (rule.unregistered() && rule.from().isEmpty()
          && !(step instanceof Step.Registration)) {
        throw new AlreadyExistsException(unit.name(), "unit " + unit.name()
            + " is already registered (state " + unit.state() + "); " + step.type().key()
            + " registers a new unit");
      }
      before.put(t.code(), unit);
      check(unit, step, t.part(), rule, actor, eventTime, broken);
      if (t.part() == Part.CHILD && unit.state() != null && known.hasParent(t.code())) {
        broken.add(new PreconditionViolation("PARENT", unit.name(), "unit " + unit.name()
            + " is already the child of another unit; a unit has one parent"));
      }
      UnitState parent = before.get(primary);
      if (t.part() == Part.CHILD && unit.state() != null
          && unit.chemistry() != parent.chemistry()) {
        broken.add(new PreconditionViolation("CHEMISTRY", unit.name(), "unit " + unit.name()
            + " is " + unit.chemistry() + " but its parent " + parent.name() + " is "
            + parent.chemistry()));
      }
    }
    UnitState primaryBefore = before.get(primary);
    Chemistry inherited = primaryBefore.chemistry();
    String maker = primaryBefore.state() == null ? null : known.maker(primary);
    switch (step.type()) {
      case TRADE_IN -> {
        Step.TradeIn t = (Step.TradeIn) step;
        if (primaryBefore.state() == INSTALLED && !t.vin().equals(primaryBefore.vin())) {
          broken.add(new PreconditionViolation("VEHICLE", primaryBefore.name(),
              "unit " + primaryBefore.name() + " is not in vehicle " + t.vin()));
        }
      }
      case DISMANTLING -> {
        Step.Dismantling d = (Step.Dismantling) step;
        checkMassBalance(primaryBefore, d, known.massKg(primary), massTolerance, broken);
        checkKnownChildrenMasses(d, before, known, broken);
      }
      case ASSEMBLY -> {
        Set<Chemistry> chemistries = new HashSet<>();
        for (Step.Touch t : touches.subList(1, touches.size())) {
          chemistries.add(before.get(t.code()).chemistry());
        }
        if (chemistries.size() > 1) {
          broken.add(new PreconditionViolation("CHEMISTRY", primaryBefore.name(),
              "the sources of an assembly must share one chemistry; they have "
                  + chemistries.stream().map(Enum::name).sorted()
                      .collect(Collectors.joining(", "))));
        }
        inherited = chemistries.isEmpty() ? null : chemistries.iterator().next();
        maker = actor.organization();
      }
      case RECYCLING -> checkRecycling(primaryBefore, (Step.Recycling) step, touches, known,
          broken);
      case REGISTRATION, SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, SCRAPPING -> { }
      case CORRECTION -> checkCorrected(primaryBefore, (Step.Correction) step);
    }
    if (step.type() == StepType.DISMANTLING || step.type() == StepType.ASSEMBLY) {
      // a unit the step makes takes the chemistry of its parent or sources: its code's battery
      // type must agree, as a registration's must (a ternary 'E' code on an LFP module)
      for (Step.Touch t : touches) {
        UnitState unit = before.get(t.code());
        if (unit.state() == null && inherited != null) {
          BatteryCode made = BatteryCode.parse("code", t.code());
          if (!made.checkChemistry("code", inherited).isEmpty()) {
            broken.add(new PreconditionViolation("CHEMISTRY", unit.name(), "unit "
                + unit.name() + " would be " + inherited + " (as " + (step.type()
                    == StepType.DISMANTLING ? "its parent " + primaryBefore.name()
                    : "its sources") + "), but position 5 of its code (battery type) is '"
                + made.typeLetter() + "', which " + inherited + " may not have"));
          }
        }
      }
    }
    if (!broken.isEmpty()) {
      // a rule of the actor (its role) is broken once, however many units the step touches
      throw new FailedPreconditionException(List.copyOf(new java.util.LinkedHashSet<>(broken)));
    }

    List<Planned> planned = new ArrayList<>();
    for (Step.Touch t : touches) {
      UnitState unit = before.get(t.code());
      Step.Registration registers = unit.state() != null ? null
          : newUnit(step, t, primaryLevel, inherited, maker);
      UnitState after = transition(unit, step, t.part(), actor, rule(step.type(), t.part()),
          eventTime, registers, step.type() == StepType.TRADE_IN ? ((Step.TradeIn) step).vin()
              : null);
      planned.add(new Planned(t.code(), t.part(), unit, after, registers));
    }
    return planned;
  }

  /** The parts units play in a step: the primary unit's first (SUBJECT for single-unit steps). */
  public static List<Part> parts(StepType type) {
    List<Part> parts = new ArrayList<>();
    parts.add(Step.primaryPart(type));
    OTHER_PARTS.getOrDefault(type, Map.of()).keySet().stream().sorted()
        .filter(p -> !parts.contains(p)).forEach(parts::add);
    return parts;
  }

  /** The roles that may record {@code type} for a unit playing {@code part}. */
  public static Set<OrganizationRole> roles(StepType type, Part part) {
    return Collections.unmodifiableSet(rule(type, part).roles());
  }

  /** Whether only the custodian of a unit playing {@code part} may record {@code type}. */
  public static boolean custodianOnly(StepType type, Part part) {
    return rule(type, part).custodianOnly();
  }

  private static Rule rule(StepType type, Part part) {
    if (part == Step.primaryPart(type)) {
      return RULES.get(type);
    }
    return OTHER_PARTS.get(type).get(part);
  }

  /** The registration a step makes of a new unit: from the step's own figures. */
  private static Step.Registration newUnit(Step step, Step.Touch t, UnitLevel primaryLevel,
      Chemistry chemistry, String maker) {
    return switch (step.type()) {
      case REGISTRATION -> (Step.Registration) step;
      case DISMANTLING -> {
        Step.Child c = ((Step.Dismantling) step).children().stream()
            .filter(x -> x.code().equals(t.code())).findFirst().orElseThrow();
        yield new Step.Registration(below(primaryLevel), chemistry, c.ratedEnergyKwh(),
            c.ratedCapacityAh(), c.nominalVoltageV(), c.massKg(), maker);
      }
      case ASSEMBLY -> {
        Step.Assembly a = (Step.Assembly) step;
        yield new Step.Registration(primaryLevel, chemistry, a.ratedEnergyKwh(),
            a.ratedCapacityAh(), a.nominalVoltageV(), a.massKg(), maker);
      }
      case SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, TRADE_IN, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, RECYCLING, SCRAPPING, CORRECTION ->
          throw new IllegalStateException(step.type() + " registers no unit");
    };
  }

  private static UnitLevel below(UnitLevel level) {
    return switch (level) {
      case PACK -> UnitLevel.MODULE;
      case MODULE -> UnitLevel.CELL;
      case CELL -> null;
    };
  }

  /** A unit named twice by one step would be its own ancestor: refused as bad input. */
  private static void checkDistinct(String primary, Step step, List<Step.Touch> touches) {
    Set<String> seen = new HashSet<>();
    Violations v = new Violations();
    for (int i = 0; i < touches.size(); i++) {
      String code = touches.get(i).code();
      if (!seen.add(code)) {
        v.add(otherField(step, i - 1), code.equals(primary)
            ? "names the unit the step is recorded against: a unit cannot be its own "
                + touches.get(i).part().key() + " (a lineage cycle)"
            : "names " + code + " twice");
      }
    }
    v.throwIfAny();
  }

  /** The request path, below the step message, of the {@code index}-th other unit. */
  static String otherField(Step step, int index) {
    return switch (step.type()) {
      case TRADE_IN -> "trade_in.replacement";
      case DISMANTLING -> "dismantling.children[" + index + "].code";
      case ASSEMBLY -> "assembly.sources[" + index + "]";
      case RECYCLING -> "recycling.other_inputs[" + index + "]";
      case REGISTRATION, SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, SCRAPPING, CORRECTION -> "unit";
    };
  }

  /** Children are one level below their parent: modules of a pack, cells of a module. */
  private static void checkChildLevels(UnitLevel parent, Step.Dismantling d) {
    Violations v = new Violations();
    UnitLevel expected = below(parent);
    for (int i = 0; i < d.children().size(); i++) {
      String code = d.children().get(i).code();
      UnitLevel level = BatteryCode.parse("dismantling.children[" + i + "].code", code).level();
      if (expected == null) {
        v.add("dismantling.children", "a cell has no children; it cannot be dismantled");
        break;
      }
      if (level != expected) {
        v.add("dismantling.children[" + i + "].code", "position 4 (product level) is '"
            + level.codeLetter() + "' (" + level + ") but the children of a " + parent
            + " are " + expected + " ('" + expected.codeLetter() + "')");
      }
    }
    v.throwIfAny();
  }

  private static void checkMassBalance(UnitState parent, Step.Dismantling d, double parentMassKg,
      double tolerance, List<PreconditionViolation> broken) {
    double accounted = CanonicalFields.round(d.childrenMassKg() + d.residueKg());
    if (Math.abs(accounted - parentMassKg) > tolerance * parentMassKg) {
      broken.add(new PreconditionViolation("MASS_BALANCE", parent.name(),
          "children " + CanonicalFields.decimal(d.childrenMassKg()) + " kg + residue "
              + CanonicalFields.decimal(d.residueKg()) + " kg = "
              + CanonicalFields.decimal(accounted) + " kg, but " + parent.name() + " weighs "
              + CanonicalFields.decimal(parentMassKg) + " kg (tolerance "
              + CanonicalFields.decimal(tolerance * 100) + " %)",
          Map.of("accountedKg", CanonicalFields.decimal(accounted),
              "parentKg", CanonicalFields.decimal(parentMassKg),
              "tolerancePercent", CanonicalFields.decimal(tolerance * 100))));
    }
  }

  /**
   * A child that is registered already is named with the mass it is registered with: the
   * balance adds the step's figures, and the event keeps them, so a figure of the step's own
   * for a unit that weighs otherwise would pass a balance the units do not make.
   */
  private static void checkKnownChildrenMasses(Step.Dismantling d, Map<String, UnitState> before,
      Known known, List<PreconditionViolation> broken) {
    for (Step.Child c : d.children()) {
      UnitState child = before.get(c.code());
      if (child.state() == null) {
        continue; // registered by this step, with this mass
      }
      double registered = known.massKg(c.code());
      if (CanonicalFields.round(c.massKg()) != CanonicalFields.round(registered)) {
        broken.add(new PreconditionViolation("MASS_BALANCE", child.name(), "unit "
            + child.name() + " is registered at " + CanonicalFields.decimal(registered)
            + " kg, but the dismantling names it with " + CanonicalFields.decimal(c.massKg())
            + " kg; a registered child is named with its registered mass",
            Map.of("childKg", CanonicalFields.decimal(c.massKg()),
                "registeredKg", CanonicalFields.decimal(registered))));
      }
    }
  }

  /**
   * New lots only; the feed's element content within the inputs' mass; no element recovered in
   * greater mass than the feed held; black mass no heavier than the inputs.
   */
  private static void checkRecycling(UnitState primary, Step.Recycling r,
      List<Step.Touch> inputs, Known known, List<PreconditionViolation> broken) {
    for (Step.LotOutput lot : r.lots()) {
      if (known.lotExists(lot.id())) {
        throw new AlreadyExistsException("materialLots/" + lot.id(),
            "material lot materialLots/" + lot.id() + " already exists");
      }
    }
    double inputKg = 0;
    for (Step.Touch t : inputs) {
      inputKg += known.massKg(t.code());
    }
    if (r.feed().total() > inputKg) {
      broken.add(new PreconditionViolation("FEED", primary.name(),
          "recycling.feed holds " + CanonicalFields.decimal(r.feed().total())
              + " kg of elements, more than the inputs' mass " + CanonicalFields.decimal(inputKg)
              + " kg"));
    }
    // black mass is what the inputs are shredded and sieved into, nothing added: its lots
    // together weigh no more than the inputs (salts and metals are bounded by their elements)
    double blackMassKg = CanonicalFields.round(r.lots().stream()
        .filter(l -> l.product() == MaterialProduct.BLACK_MASS)
        .mapToDouble(Step.LotOutput::massKg).sum());
    if (blackMassKg > CanonicalFields.round(inputKg)) {
      broken.add(new PreconditionViolation("MASS_BALANCE", primary.name(),
          "the black mass lots weigh " + CanonicalFields.decimal(blackMassKg) + " kg, more than "
              + "the inputs' mass " + CanonicalFields.decimal(inputKg) + " kg",
          Map.of("blackMassKg", CanonicalFields.decimal(blackMassKg),
              "inputsKg", CanonicalFields.decimal(inputKg))));
    }
    double[] feed = r.feed().values();
    double[] recovered = new double[feed.length];
    for (Step.LotOutput lot : r.lots()) {
      double[] e = lot.elements().values();
      for (int i = 0; i < e.length; i++) {
        recovered[i] += e[i];
      }
    }
    for (int i = 0; i < feed.length; i++) {
      if (CanonicalFields.round(recovered[i]) > feed[i]) {
        broken.add(new PreconditionViolation("RECOVERY", primary.name(),
            "the lots hold " + CanonicalFields.decimal(recovered[i]) + " kg of "
                + ElementMasses.KEYS[i] + ", more than the feed's "
                + CanonicalFields.decimal(feed[i]) + " kg"));
      }
    }
  }

  /** A correction names an earlier event of the same unit. */
  private static void checkCorrected(UnitState unit, Step.Correction c) {
    ResourceNames.EventName corrected = ResourceNames.parseEvent(c.corrects());
    if (corrected == null || !corrected.unitCode().equals(unit.code())) {
      throw new InvalidArgumentException("correction.corrects",
          "must name an event of the unit it corrects (" + unit.name() + "/events/{sequence})");
    }
    if (corrected.sequence() > unit.eventCount()) {
      throw new NotFoundException(c.corrects(), "event (correction.corrects)");
    }
  }

  /** Adds the broken rules of one unit playing {@code part} in {@code step}. */
  private static void check(UnitState unit, Step step, Part part, Rule rule, Actor actor,
      Instant eventTime, List<PreconditionViolation> broken) {
    String unitName = unit.name();
    boolean registration = step instanceof Step.Registration;
    if (registration && unit.state() != null) {
      throw new AlreadyExistsException(unitName,
          "unit " + unitName + " is already registered (state " + unit.state() + ")");
    }
    boolean fresh = unit.state() == null;
    if (!registration && !(fresh && rule.unregistered()) && !rule.from().contains(unit.state())) {
      List<StepType> allowed = allowedSteps(unit.state());
      String as = part == Part.SUBJECT ? "" : " as " + part.key();
      broken.add(new PreconditionViolation("STATE", unitName,
          "unit " + unitName + " is " + unit.state() + "; " + step.type().key() + as
              + " is not allowed; allowed steps: " + describe(allowed),
          Map.of("state", String.valueOf(unit.state()), "step", step.type().key(),
              "allowedSteps", allowed.stream().map(StepType::key)
                  .collect(Collectors.joining(",")))));
    }
    if (Collections.disjoint(rule.roles(), actor.roles())) {
      broken.add(new PreconditionViolation("ROLE", actor.organization(),
          step.type().key() + " must be recorded at a site of an organisation with role "
              + describeRoles(rule.roles()) + "; " + actor.organization() + " has "
              + describeRoles(actor.roles())));
    }
    if (rule.custodianOnly() && unit.custodian() != null
        && !unit.custodian().equals(actor.organization())) {
      broken.add(new PreconditionViolation("CUSTODY", unitName,
          step.type().key() + " must be recorded by the custodian " + unit.custodian()
              + "; the actor site belongs to " + actor.organization()));
    }
    if (step instanceof Step.Receipt receipt && unit.state() == IN_TRANSIT) {
      if (!actor.site().equals(unit.shipmentDestination())) {
        broken.add(new PreconditionViolation("DESTINATION", unitName,
            "the open shipment of " + unitName + " goes to " + unit.shipmentDestination()
                + ", not to " + actor.site()));
      }
      if (receipt.waybill() != null && !receipt.waybill().equals(unit.shipmentWaybill())) {
        broken.add(new PreconditionViolation("WAYBILL", unitName,
            "receipt.waybill " + receipt.waybill() + " does not match the open shipment's waybill "
                + unit.shipmentWaybill()));
      }
    }
    if (step instanceof Step.Inspection inspection && inspection.stateOfHealth() != null) {
      inspection.stateOfHealth().checkAgainstRated(unitName, unit.ratedCapacityAh(),
          unit.ratedEnergyKwh(), broken);
    }
    if (step instanceof Step.Shipment shipment && shipment.destinationSite().equals(actor.site())) {
      broken.add(new PreconditionViolation("DESTINATION", unitName,
          "shipment.destination_site must differ from the site the unit is shipped from"));
    }
    if ((step instanceof Step.Recycling || step instanceof Step.Dismantling)
        && actor.siteKind() != null && !actor.siteKind().plant()) {
      broken.add(new PreconditionViolation("SITE_KIND", actor.site(), step.type().key()
          + " must be recorded at a plant (a dismantling line or a recycling plant), whose "
          + "figures the regional overview sums; " + actor.site() + " is a "
          + actor.siteKind()));
    }
    if (step instanceof Step.Commissioning && actor.siteKind() != null
        && !actor.siteKind().secondLife()) {
      broken.add(new PreconditionViolation("SITE_KIND", actor.site(),
          "commissioning must be recorded at a second-life site (microgrid storage, backup "
              + "power, charging-station storage); " + actor.site() + " is a "
              + actor.siteKind()));
    }
  }

  /**
   * The {@link Anomaly#TIME_ORDER} flag of a step dated more than {@link #CLOCK_SKEW} before the
   * unit's previous step, or null. Such a step is not refused: a device that was offline
   * delivers its steps late, after other devices' later steps, and the event time is the scan
   * time, which the worker cannot change. It is recorded in arrival order (its {@code sequence}
   * follows the previous step's) and flagged.
   */
  public static Anomaly.Flag timeOrder(UnitState unit, Instant eventTime) {
    if (unit.state() == null || unit.lastEventTime() == null
        || !eventTime.isBefore(unit.lastEventTime().minus(CLOCK_SKEW))) {
      return null;
    }
    return new Anomaly.Flag(Anomaly.TIME_ORDER, "event_time " + eventTime + " is "
        + Text.duration(Duration.between(eventTime, unit.lastEventTime()))
        + " before the latest step of " + unit.name() + " at " + unit.lastEventTime()
        + "; recorded in arrival order (a step delivered late by a device that was offline, "
        + "or a wrong clock)");
  }

  /**
   * Refuses an event time more than {@link #CLOCK_SKEW} ahead of the server clock {@code now},
   * saying how far ahead it is: the device's clock is probably fast.
   */
  public static void checkNotAhead(String field, Instant eventTime, Instant now) {
    if (eventTime.isAfter(now.plus(CLOCK_SKEW))) {
      throw new InvalidArgumentException(field, "is " + Text.duration(
          Duration.between(now, eventTime)) + " ahead of the server clock (" + now + "); at most "
          + CLOCK_SKEW.toMinutes() + " minutes of device clock skew is tolerated: check the "
          + "device's clock");
    }
  }

  private static UnitState transition(UnitState u, Step step, Part part, Actor actor, Rule rule,
      Instant eventTime, Step.Registration registers, String tradeInVin) {
    String custodian = u.custodian();
    String custodianSite = u.custodianSite();
    switch (rule.custody()) {
      case TO_ACTOR -> {
        custodian = actor.organization();
        custodianSite = actor.site();
      }
      case TO_DEALER -> {
        custodian = ((Step.Sale) step).dealer();
        custodianSite = custodian.equals(actor.organization()) ? actor.site() : null;
      }
      case KEEP -> { }
    }
    UnitLevel level = u.level();
    Chemistry chemistry = u.chemistry();
    String vin = u.vin();
    String destination = null;
    String waybill = null;
    StateOfHealth soh = u.stateOfHealth();
    Grade grade = u.grade();
    double ratedEnergyKwh = u.ratedEnergyKwh();
    double ratedCapacityAh = u.ratedCapacityAh();
    if (step instanceof Step.Registration) {
      registers = (Step.Registration) step;
    }
    if (registers != null) {
      level = registers.level();
      chemistry = registers.chemistry();
      ratedEnergyKwh = registers.ratedEnergyKwh();
      ratedCapacityAh = registers.ratedCapacityAh();
    }
    switch (step.type()) {
      case SALE -> vin = ((Step.Sale) step).vin();
      case REMOVAL, DECOMMISSIONING -> vin = null;
      case TRADE_IN -> vin = part == Part.REPLACEMENT ? tradeInVin : null;
      case SHIPMENT -> {
        destination = ((Step.Shipment) step).destinationSite();
        waybill = ((Step.Shipment) step).waybill();
      }
      case INSPECTION -> {
        soh = ((Step.Inspection) step).stateOfHealth();
        grade = ((Step.Inspection) step).grade();
      }
      case CORRECTION -> {
        // a correction changes nothing but the chain: keep an open shipment open
        destination = u.shipmentDestination();
        waybill = u.shipmentWaybill();
      }
      case REGISTRATION, COLLECTION, RECEIPT, DISMANTLING, ASSEMBLY, COMMISSIONING,
          SECOND_LIFE_INSPECTION, RECYCLING, SCRAPPING -> { }
    }
    LifecycleState to = rule.to() == null ? u.state() : rule.to();
    return new UnitState(u.code(), level, chemistry, to, custodian, custodianSite, vin,
        destination, waybill, soh, grade, u.eventCount(), u.headHash(), ratedEnergyKwh,
        ratedCapacityAh,
        // a correction is a record about the unit, not a sighting of it: the idle rules
        // (a shipment not received, a unit vanished) run from its last real step
        step.type() == StepType.CORRECTION ? u.lastEventTime() : latest(u.lastEventTime(),
            eventTime),
        EuStatus.after(u.euStatus(), step.type(), part));
  }

  /** A unit's latest event time: a step delivered late does not move it back. */
  private static Instant latest(Instant previous, Instant eventTime) {
    return previous == null || eventTime.isAfter(previous) ? eventTime : previous;
  }

  private static String describe(List<StepType> steps) {
    return steps.isEmpty() ? "none"
        : steps.stream().map(StepType::key).collect(Collectors.joining(", "));
  }

  private static String describeRoles(Set<OrganizationRole> roles) {
    return roles.isEmpty() ? "none"
        : roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT))
            .sorted().collect(Collectors.joining(" or "));
  }
}
