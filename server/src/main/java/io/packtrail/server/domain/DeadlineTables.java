package io.packtrail.server.domain;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link ReportingDeadlines} as lookup tables, for counting late and overdue items in SQL (the
 * region summary): the statements join these tables and compare times, they decide nothing. The
 * rules stay defined once, here in Java; the tables are generated for the organisations that
 * exist and the days of the steps to judge.
 *
 * <ul>
 *   <li>rules: for each organisation and step kind with a rule, the rule's working days (the
 *       first rule whose role the organisation has, {@link ReportingDeadlines#rule});
 *   <li>expecting: for each organisation and hand-over kind it may record, the expectation the
 *       step makes ({@link ReportingDeadlines#expectation});
 *   <li>parties: for each organisation and expectation, the working days it has to report the
 *       expected step ({@link ReportingDeadlines#expectedRule});
 *   <li>due: for each day of the span (China's date; {@code dueFirstDay} the first, as days since
 *       1970-01-01) and each number of working days the tables above use ({@code
 *       dueWorkingDays}, ascending), the due time in epoch seconds ({@link
 *       ReportingDeadlines#dueTime}: the end of the last
 *       working day, 24:00 UTC+8, with the holidays and adjusted workdays), day by day: the due
 *       time of day {@code d} and {@code n} working days is {@code dueSeconds[(d - dueFirstDay)
 *       * dueWorkingDays.length + i]} where {@code dueWorkingDays[i] == n} (an array look-up in
 *       SQL rather than a join, which the planner cannot misjudge).
 * </ul>
 */
public record DeadlineTables(
    String[] ruleOrganizations, String[] ruleSteps, int[] ruleDays,
    String[] expectingOrganizations, String[] expectingSteps, String[] expectations,
    String[] partyOrganizations, String[] partyExpectations, int[] partyDays,
    int dueFirstDay, int[] dueWorkingDays, long[] dueSeconds) {
  /**
   * The calendar-day bound the statements and their partial index use ({@code record_time -
   * event_time > 15 days}): no due time is closer to its step than this, as no rule is shorter
   * than this many working days.
   */
  public static final int SQL_MIN_DAYS = 15;

  /**
   * The tables for these organisations (name and roles) and the steps dated from {@code
   * firstDay} to {@code lastDay} (China's dates, both included).
   */
  public static DeadlineTables of(ReportingDeadlines deadlines,
      Map<String, Set<OrganizationRole>> organizations, LocalDate firstDay, LocalDate lastDay) {
    if (ReportingDeadlines.MIN_WORKING_DAYS < SQL_MIN_DAYS) {
      throw new IllegalStateException("a rule shorter than " + SQL_MIN_DAYS
          + " working days: the statements' calendar-day bound must follow");
    }
    List<String> ruleOrgs = new ArrayList<>();
    List<String> ruleSteps = new ArrayList<>();
    List<Integer> ruleDays = new ArrayList<>();
    List<String> expOrgs = new ArrayList<>();
    List<String> expSteps = new ArrayList<>();
    List<String> exps = new ArrayList<>();
    List<String> partyOrgs = new ArrayList<>();
    List<String> partyExps = new ArrayList<>();
    List<Integer> partyDays = new ArrayList<>();
    Set<Integer> workingDays = new TreeSet<>();
    organizations.forEach((org, roles) -> {
      for (StepType step : ReportingDeadlines.judgedSteps()) {
        ReportingDeadlines.rule(step, roles).ifPresent(r -> {
          ruleOrgs.add(org);
          ruleSteps.add(step.key());
          ruleDays.add(r.workingDays());
          workingDays.add(r.workingDays());
        });
      }
      for (StepType step : ReportingDeadlines.expectingSteps()) {
        ReportingDeadlines.expectation(step, roles).ifPresent(e -> {
          expOrgs.add(org);
          expSteps.add(step.key());
          exps.add(e.key());
        });
      }
      for (ReportingDeadlines.Expectation e : ReportingDeadlines.Expectation.values()) {
        int days = ReportingDeadlines.expectedRule(e, roles).workingDays();
        partyOrgs.add(org);
        partyExps.add(e.key());
        partyDays.add(days);
        workingDays.add(days);
      }
    });
    List<Long> dueSeconds = new ArrayList<>();
    for (LocalDate d = firstDay; !d.isAfter(lastDay); d = d.plusDays(1)) {
      for (int n : workingDays) {
        dueSeconds.add(deadlines.dueTime(d, n).getEpochSecond());
      }
    }
    return new DeadlineTables(strings(ruleOrgs), strings(ruleSteps), ints(ruleDays),
        strings(expOrgs), strings(expSteps), strings(exps), strings(partyOrgs),
        strings(partyExps), ints(partyDays), (int) firstDay.toEpochDay(),
        ints(new ArrayList<>(workingDays)), dueSeconds.stream().mapToLong(Long::longValue).toArray());
  }

  private static String[] strings(List<String> l) {
    return l.toArray(String[]::new);
  }

  private static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
