package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who reports which step within how many working days; due times; expectations. */
class ReportingDeadlinesTest {
  static final ReportingDeadlines DEADLINES =
      new ReportingDeadlines(WorkingCalendar.chinaDefault(), null);
  static final Set<OrganizationRole> JINCHANG =
      EnumSet.of(OrganizationRole.RECYCLER, OrganizationRole.DISMANTLER);
  static final Set<OrganizationRole> STATION = EnumSet.of(OrganizationRole.DEALER,
      OrganizationRole.REPAIRER, OrganizationRole.COLLECTION_OUTLET);

  static ReportingDeadlines.Rule rule(StepType step, Set<OrganizationRole> roles) {
    return ReportingDeadlines.rule(step, roles).orElseThrow();
  }

  @Test
  void theRecordingOrganisationsRolesPickTheParty() {
    assertEquals(ReportingDeadlines.Party.RECYCLER, rule(StepType.RECEIPT, JINCHANG).party());
    assertEquals(30, rule(StepType.RECEIPT, JINCHANG).workingDays());
    assertEquals(30, rule(StepType.DISMANTLING, JINCHANG).workingDays(),
        "a recycler's dismantling is recycling: 30");
    assertEquals(15, rule(StepType.REMOVAL, EnumSet.of(OrganizationRole.DISMANTLER))
        .workingDays(), "a scrap-vehicle dismantler's removal: 15");
    assertEquals(ReportingDeadlines.Party.REPAIRER, rule(StepType.REMOVAL, STATION).party());
    assertEquals(30, rule(StepType.REMOVAL, STATION).workingDays());
    assertEquals(15, rule(StepType.SALE, STATION).workingDays());
    assertEquals(30, rule(StepType.TRADE_IN, STATION).workingDays());
    assertEquals(15, rule(StepType.RECEIPT, EnumSet.of(OrganizationRole.CASCADE_USER))
        .workingDays());
    assertEquals(Optional.empty(), ReportingDeadlines.rule(StepType.INSPECTION, JINCHANG),
        "gradings are not in the rules' table");
    assertEquals(Optional.empty(), ReportingDeadlines.rule(StepType.REGISTRATION, STATION));
    assertEquals(Optional.empty(), ReportingDeadlines.rule(StepType.SHIPMENT,
        EnumSet.of(OrganizationRole.BATTERY_MAKER)), "no rule names a battery maker's shipment");
  }

  @Test
  void aReportIsDueByTheEndOfTheLastWorkingDayInChina() {
    // 2026-03-05T20:00Z is Friday 6 March in China; + 15 working days: Friday 27 March,
    // due by 24:00 UTC+8, which is 16:00 UTC
    ReportingDeadlines.Deadline d = DEADLINES.deadline(rule(StepType.SALE, STATION),
        Instant.parse("2026-03-05T20:00:00Z"));
    assertEquals(LocalDate.parse("2026-03-27"), d.dueDate());
    assertEquals(Instant.parse("2026-03-27T16:00:00Z"), d.dueTime());
    assertFalse(d.provisional());
    assertFalse(ReportingDeadlines.late(d, Instant.parse("2026-03-27T15:59:59Z")));
    assertTrue(ReportingDeadlines.late(d, Instant.parse("2026-03-27T16:00:00Z")));
  }

  @Test
  void aDeadlineIntoAnUncoveredYearIsProvisional() {
    ReportingDeadlines.Deadline d = DEADLINES.deadline(rule(StepType.SALE, STATION),
        Instant.parse("2026-12-17T02:00:00Z"));
    assertEquals(LocalDate.parse("2027-01-07"), d.dueDate());
    assertTrue(d.provisional());
  }

  @Test
  void expectations() {
    assertEquals(Optional.of(ReportingDeadlines.Expectation.RECEIPT),
        ReportingDeadlines.expectation(StepType.SHIPMENT, STATION));
    assertEquals(Optional.of(ReportingDeadlines.Expectation.COLLECTION),
        ReportingDeadlines.expectation(StepType.REMOVAL, STATION));
    assertEquals(Optional.of(ReportingDeadlines.Expectation.DISPOSAL),
        ReportingDeadlines.expectation(StepType.RECEIPT, JINCHANG));
    assertEquals(Optional.empty(), ReportingDeadlines.expectation(StepType.RECEIPT,
        EnumSet.of(OrganizationRole.CASCADE_USER)), "only a recycler's receipt expects more");
    assertEquals(Optional.empty(), ReportingDeadlines.expectation(StepType.TRADE_IN, STATION),
        "a trade-in is a collection already");
    // a receipt expected at a cascade-use firm: its 15 days; at a recycler 30
    assertEquals(15, ReportingDeadlines.expectedRule(ReportingDeadlines.Expectation.RECEIPT,
        EnumSet.of(OrganizationRole.CASCADE_USER)).workingDays());
    assertEquals(30, ReportingDeadlines.expectedRule(ReportingDeadlines.Expectation.RECEIPT,
        JINCHANG).workingDays());
  }

  @Test
  void stepsBeforeTheReportingStartAreNotJudged() {
    ReportingDeadlines d = new ReportingDeadlines(WorkingCalendar.chinaDefault(),
        Instant.parse("2026-11-01T00:00:00Z"));
    assertFalse(d.judged(Instant.parse("2026-10-31T23:59:59Z")));
    assertTrue(d.judged(Instant.parse("2026-11-01T00:00:00Z")));
    assertTrue(DEADLINES.judged(Instant.parse("2000-01-01T00:00:00Z")));
  }

  @Test
  void everyRuleIsWithinTheTablesRange() {
    for (ReportingDeadlines.Rule r : ReportingDeadlines.rules()) {
      assertTrue(r.workingDays() == 15 || r.workingDays() == 30, r.toString());
      assertTrue(r.workingDays() >= ReportingDeadlines.MIN_WORKING_DAYS);
    }
  }
}
