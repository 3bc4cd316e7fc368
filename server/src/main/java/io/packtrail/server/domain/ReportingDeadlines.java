package io.packtrail.server.domain;

import static io.packtrail.server.domain.OrganizationRole.CASCADE_USER;
import static io.packtrail.server.domain.OrganizationRole.COLLECTION_OUTLET;
import static io.packtrail.server.domain.OrganizationRole.DISMANTLER;
import static io.packtrail.server.domain.OrganizationRole.RECYCLER;
import static io.packtrail.server.domain.OrganizationRole.REPAIRER;
import static io.packtrail.server.domain.OrganizationRole.VEHICLE_MAKER;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * China's reporting deadlines (docs/deadlines.md): which party reports each step, within how
 * many working days, and which steps a step makes expected. The 2018 interim traceability rules
 * (MIIT, effective 2018-08-01) and the 2026 measures for used traction batteries give each
 * party a deadline counted in working days of the {@link WorkingCalendar}, from the day after
 * the step's day in China Standard Time (UTC+8); a report is due by the end (24:00 UTC+8) of the
 * last working day.
 *
 * <ul>
 *   <li>A step recorded (server receive time) after its due time is <b>late</b>.
 *   <li>An <b>expected</b> step (a receipt after a shipment, a collection after a removal, the
 *       next step after a recycler's receipt) not recorded by its due time is <b>overdue</b>,
 *       counted from the step that made it expected with the deadline of the party expected
 *       to report it.
 *   <li>Steps whose event time is before the {@code reportingStart} (imported history, reported
 *       elsewhere before the deployment went live) are not judged.
 * </ul>
 */
public final class ReportingDeadlines {
  /** China Standard Time: dates of steps and deadlines are China's dates. */
  public static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  /** The shortest deadline of the table, in working days (a lower bound in calendar days). */
  public static final int MIN_WORKING_DAYS = 15;

  /** Who reports to the national platform, as the rules name the parties. */
  public enum Party {
    VEHICLE_MAKER("vehicle maker or importer"),
    REPAIRER("repairer or battery lessor, through the vehicle maker"),
    COLLECTION_OUTLET("collection outlet, through the vehicle maker"),
    DISMANTLER("scrap-vehicle dismantler"),
    CASCADE_USER("cascade-use firm"),
    RECYCLER("recycler");

    private final String description;

    Party(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * One row of the mapping: a step recorded by an organisation with {@code role} (null: any
   * organisation) is reported by {@code party} within {@code workingDays}; {@code basis} says
   * which obligation of the rules it is.
   */
  public record Rule(StepType step, OrganizationRole role, Party party, int workingDays,
      String basis) {}

  private static final Map<StepType, List<Rule>> RULES = new EnumMap<>(StepType.class);

  private static void rule(StepType step, OrganizationRole role, Party party, int days,
      String basis) {
    RULES.computeIfAbsent(step, s -> new ArrayList<>())
        .add(new Rule(step, role, party, days, basis));
  }

  static {
    // first matching role of the recording organisation wins
    rule(StepType.SALE, null, Party.VEHICLE_MAKER, 15,
        "vehicle certificate issued (the vehicle with its battery leaves the maker)");
    rule(StepType.REMOVAL, DISMANTLER, Party.DISMANTLER, 15,
        "battery removed from a scrapped vehicle");
    rule(StepType.REMOVAL, null, Party.REPAIRER, 30, "repair or replacement");
    rule(StepType.TRADE_IN, null, Party.COLLECTION_OUTLET, 30,
        "battery collected (trade-in at an outlet)");
    rule(StepType.COLLECTION, DISMANTLER, Party.DISMANTLER, 15, "vehicle received");
    rule(StepType.COLLECTION, RECYCLER, Party.RECYCLER, 30, "warehouse receipt");
    rule(StepType.COLLECTION, CASCADE_USER, Party.CASCADE_USER, 15, "waste battery in");
    rule(StepType.COLLECTION, null, Party.COLLECTION_OUTLET, 30, "battery collected");
    rule(StepType.SHIPMENT, DISMANTLER, Party.DISMANTLER, 15, "battery shipped");
    rule(StepType.SHIPMENT, CASCADE_USER, Party.CASCADE_USER, 15, "waste battery out");
    rule(StepType.SHIPMENT, COLLECTION_OUTLET, Party.COLLECTION_OUTLET, 30, "warehouse out");
    rule(StepType.SHIPMENT, RECYCLER, Party.RECYCLER, 30, "warehouse out");
    rule(StepType.RECEIPT, RECYCLER, Party.RECYCLER, 30, "warehouse receipt");
    rule(StepType.RECEIPT, CASCADE_USER, Party.CASCADE_USER, 15, "waste battery in");
    rule(StepType.RECEIPT, DISMANTLER, Party.DISMANTLER, 15, "battery received");
    rule(StepType.RECEIPT, COLLECTION_OUTLET, Party.COLLECTION_OUTLET, 30, "warehouse in");
    rule(StepType.DISMANTLING, RECYCLER, Party.RECYCLER, 30,
        "recycling (dismantling into modules or cells)");
    rule(StepType.DISMANTLING, CASCADE_USER, Party.CASCADE_USER, 15, "waste battery dismantled");
    rule(StepType.DISMANTLING, DISMANTLER, Party.DISMANTLER, 15, "battery dismantled");
    rule(StepType.ASSEMBLY, CASCADE_USER, Party.CASCADE_USER, 15,
        "waste batteries into a cascade product");
    rule(StepType.COMMISSIONING, CASCADE_USER, Party.CASCADE_USER, 15,
        "cascade product leaves the warehouse");
    rule(StepType.DECOMMISSIONING, CASCADE_USER, Party.CASCADE_USER, 15,
        "waste battery back in");
    rule(StepType.RECYCLING, RECYCLER, Party.RECYCLER, 30, "recycling done");
    rule(StepType.SCRAPPING, RECYCLER, Party.RECYCLER, 30, "final disposal done");
    rule(StepType.SCRAPPING, DISMANTLER, Party.DISMANTLER, 15, "battery disposed of");
    rule(StepType.SCRAPPING, CASCADE_USER, Party.CASCADE_USER, 15, "waste battery disposed of");
  }

  /** The steps some rule gives a deadline to (registration, inspections, corrections: none). */
  public static List<StepType> judgedSteps() {
    return List.copyOf(RULES.keySet());
  }

  /** Every rule, step by step, for documents and tests. */
  public static List<Rule> rules() {
    return RULES.values().stream().flatMap(List::stream).toList();
  }

  /**
   * The rule of a step recorded by an organisation with these roles: the first whose role the
   * organisation has, else the step's rule for any organisation; empty when the step has no
   * deadline or no rule fits the organisation.
   */
  public static Optional<Rule> rule(StepType step, Set<OrganizationRole> roles) {
    for (Rule r : RULES.getOrDefault(step, List.of())) {
      if (r.role() == null || roles.contains(r.role())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** What a step makes expected, and who is expected to report it. */
  public enum Expectation {
    /** A shipment expects its receipt, reported by the destination's organisation. */
    RECEIPT("receipt", "a shipment expects its receipt at the destination"),
    /** A removal (not a trade-in: that is a collection too) expects the unit's collection. */
    COLLECTION("collection", "a removal expects the unit's collection by an outlet"),
    /**
     * A recycler's receipt expects what the recycler does with the unit next: its grading,
     * dismantling, recycling, final disposal or shipment on.
     */
    DISPOSAL("disposal", "a recycler's receipt expects the unit's grading, dismantling, "
        + "recycling, disposal or shipment on");

    private final String key;
    private final String description;

    Expectation(String key, String description) {
      this.key = key;
      this.description = description;
    }

    public String key() {
      return key;
    }

    public String description() {
      return description;
    }
  }

  /** The expectation a step makes, by its recording organisation's roles; empty for none. */
  public static Optional<Expectation> expectation(StepType step, Set<OrganizationRole> roles) {
    return switch (step) {
      case SHIPMENT -> Optional.of(Expectation.RECEIPT);
      case REMOVAL -> Optional.of(Expectation.COLLECTION);
      case RECEIPT -> roles.contains(RECYCLER) ? Optional.of(Expectation.DISPOSAL)
          : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** The steps that may make a step expected. */
  public static List<StepType> expectingSteps() {
    return List.of(StepType.SHIPMENT, StepType.REMOVAL, StepType.RECEIPT);
  }

  /**
   * The party and deadline of an expected step: a receipt's from the destination
   * organisation's roles (a recycler's or outlet's 30 days, a cascade-use firm's or
   * dismantler's 15; 30 when its roles name none of them), a collection the outlet's 30, a
   * recycler's next step the recycler's 30.
   */
  public static Rule expectedRule(Expectation e, Set<OrganizationRole> partyRoles) {
    return switch (e) {
      case RECEIPT -> rule(StepType.RECEIPT, partyRoles).orElse(new Rule(StepType.RECEIPT,
          null, Party.COLLECTION_OUTLET, 30, "warehouse in"));
      case COLLECTION -> new Rule(StepType.COLLECTION, COLLECTION_OUTLET,
          Party.COLLECTION_OUTLET, 30, "battery collected");
      case DISPOSAL -> new Rule(StepType.RECYCLING, RECYCLER, Party.RECYCLER, 30,
          "recycling or final disposal done");
    };
  }

  /**
   * A step's deadline: who reports, within how many working days, the last day (China's date)
   * and the instant the report becomes late (the end of that day, UTC+8); provisional when
   * counted through a year the calendar does not cover.
   */
  public record Deadline(Rule rule, LocalDate dueDate, Instant dueTime, boolean provisional) {}

  private final WorkingCalendar calendar;
  private final Instant reportingStart;

  /** {@code reportingStart}: steps dated before it are not judged; null: every step is. */
  public ReportingDeadlines(WorkingCalendar calendar, Instant reportingStart) {
    this.calendar = calendar;
    this.reportingStart = reportingStart;
  }

  public WorkingCalendar calendar() {
    return calendar;
  }

  /** The first event time judged, or null when every step is. */
  public Instant reportingStart() {
    return reportingStart;
  }

  /** Whether a step of this event time is judged at all. */
  public boolean judged(Instant eventTime) {
    return reportingStart == null || !eventTime.isBefore(reportingStart);
  }

  /** The deadline of a report under {@code rule}, counted from the step at {@code eventTime}. */
  public Deadline deadline(Rule rule, Instant eventTime) {
    WorkingCalendar.Due due = calendar.addWorkingDays(day(eventTime), rule.workingDays());
    return new Deadline(rule, due.date(), endOf(due.date()), due.provisional());
  }

  /**
   * When a report is due that has {@code workingDays} working days from a step on {@code day}:
   * the end of the last of them, 24:00 China Standard Time (what {@link #deadline} says for any
   * rule of that many days).
   */
  public Instant dueTime(LocalDate day, int workingDays) {
    return endOf(calendar.addWorkingDays(day, workingDays).date());
  }

  private static Instant endOf(LocalDate dueDate) {
    return dueDate.plusDays(1).atStartOfDay().toInstant(CHINA);
  }

  /** A step's day: its event time's date in China Standard Time. */
  public static LocalDate day(Instant eventTime) {
    return eventTime.atOffset(CHINA).toLocalDate();
  }

  /** Whether a report received at {@code recordTime} misses the deadline. */
  public static boolean late(Deadline d, Instant recordTime) {
    return !recordTime.isBefore(d.dueTime());
  }
}
