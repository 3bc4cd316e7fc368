package io.packtrail.server.domain;

import static io.packtrail.server.domain.LifecycleState.COLLECTED;
import static io.packtrail.server.domain.LifecycleState.GRADED;
import static io.packtrail.server.domain.LifecycleState.INSTALLED;
import static io.packtrail.server.domain.LifecycleState.IN_TRANSIT;
import static io.packtrail.server.domain.LifecycleState.RECEIVED;
import static io.packtrail.server.domain.LifecycleState.REGISTERED;
import static io.packtrail.server.domain.LifecycleState.REMOVED;
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

  record Rule(Set<LifecycleState> from, LifecycleState to, Set<OrganizationRole> roles,
      boolean custodianOnly, Custody custody) {}

  private static final Set<OrganizationRole> ANY_PARTY =
      Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(REGULATOR)));
  private static final Map<StepType, Rule> RULES = new EnumMap<>(StepType.class);

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
  }

  /**
   * How far a step may be dated before the unit's previous step: field devices' clocks skew, as
   * they may run ahead of the server (the same bound, Requests.MAX_FUTURE in api).
   */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private Lifecycle() {}

  /** The steps a unit in this state may take next, in table order. */
  public static List<StepType> allowedSteps(LifecycleState state) {
    List<StepType> allowed = new ArrayList<>();
    RULES.forEach((step, rule) -> {
      if (rule.from().contains(state)) {
        allowed.add(step);
      }
    });
    return allowed;
  }

  /**
   * Applies a step to a unit, or throws {@link FailedPreconditionException} naming every rule it
   * breaks. A registration applies to {@link UnitState#unregistered}. The returned state does not
   * yet carry the new chain head; {@link EventChain} adds it. {@code eventTime} is when the step
   * happened; it may not be more than {@link #CLOCK_SKEW} before the unit's previous step.
   */
  public static UnitState apply(UnitState unit, Step step, Actor actor, Instant eventTime) {
    Rule rule = RULES.get(step.type());
    List<PreconditionViolation> broken = new ArrayList<>();
    String unitName = unit.name();
    boolean registration = step instanceof Step.Registration;
    if (registration && unit.state() != null) {
      throw new AlreadyExistsException(unitName,
          "unit " + unitName + " is already registered (state " + unit.state() + ")");
    }
    if (!registration && !rule.from().contains(unit.state())) {
      List<StepType> allowed = allowedSteps(unit.state());
      broken.add(new PreconditionViolation("STATE", unitName,
          "unit " + unitName + " is " + unit.state() + "; " + step.type().key()
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
    if (!registration && unit.lastEventTime() != null
        && eventTime.isBefore(unit.lastEventTime().minus(CLOCK_SKEW))) {
      broken.add(new PreconditionViolation("TIME_ORDER", unitName,
          "event_time " + eventTime + " is before the previous step of " + unitName + " at "
              + unit.lastEventTime() + "; a step may be dated at most " + CLOCK_SKEW.toMinutes()
              + " minutes before the previous one"));
    }
    if (step instanceof Step.Inspection inspection && inspection.stateOfHealth() != null) {
      inspection.stateOfHealth().checkAgainstRated(unitName, unit.ratedCapacityAh(),
          unit.ratedEnergyKwh(), broken);
    }
    if (step instanceof Step.Shipment shipment && shipment.destinationSite().equals(actor.site())) {
      broken.add(new PreconditionViolation("DESTINATION", unitName,
          "shipment.destination_site must differ from the site the unit is shipped from"));
    }
    if (!broken.isEmpty()) {
      throw new FailedPreconditionException(broken);
    }
    return transition(unit, step, actor, rule, eventTime);
  }

  private static UnitState transition(UnitState u, Step step, Actor actor, Rule rule,
      Instant eventTime) {
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
    // Java 17 has no pattern switch; the chain below covers every permitted Step.
    if (step instanceof Step.Registration r) {
      level = r.level();
      chemistry = r.chemistry();
      ratedEnergyKwh = r.ratedEnergyKwh();
      ratedCapacityAh = r.ratedCapacityAh();
    } else if (step instanceof Step.Sale s) {
      vin = s.vin();
    } else if (step instanceof Step.Removal) {
      vin = null;
    } else if (step instanceof Step.Shipment s) {
      destination = s.destinationSite();
      waybill = s.waybill();
    } else if (step instanceof Step.Inspection i) {
      soh = i.stateOfHealth();
      grade = i.grade();
    }
    return new UnitState(u.code(), level, chemistry, rule.to(), custodian, custodianSite, vin,
        destination, waybill, soh, grade, u.eventCount(), u.headHash(), ratedEnergyKwh,
        ratedCapacityAh, eventTime);
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
