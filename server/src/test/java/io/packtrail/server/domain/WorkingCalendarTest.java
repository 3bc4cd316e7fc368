package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Working days of China's 2026 calendar: weekends, holidays, adjusted workdays, years. */
class WorkingCalendarTest {
  static final WorkingCalendar CN = WorkingCalendar.chinaDefault();

  static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  @Test
  void theBuiltInCalendarIsChina2026() {
    assertEquals(Set.of(2026), CN.years());
    // 7 holidays' rest days on weekdays and weekends, 6 adjusted workdays
    assertEquals(6, CN.days().stream().filter(WorkingCalendar.Day::working).count());
    assertEquals(33, CN.days().stream().filter(x -> !x.working()).count());
    assertFalse(CN.isWorkingDay(d("2026-01-02")), "New Year, Friday");
    assertTrue(CN.isWorkingDay(d("2026-01-04")), "adjusted workday, Sunday");
    assertFalse(CN.isWorkingDay(d("2026-02-23")), "Spring Festival, Monday");
    assertTrue(CN.isWorkingDay(d("2026-02-28")), "adjusted workday, Saturday");
    assertTrue(CN.isWorkingDay(d("2026-10-08")), "after National Day, Thursday");
    assertFalse(CN.isWorkingDay(d("2026-03-07")), "an ordinary Saturday");
  }

  @Test
  void countsAcrossWeekends() {
    // Friday + 1 working day: the Monday after
    assertEquals(new WorkingCalendar.Due(d("2026-03-09"), false),
        CN.addWorkingDays(d("2026-03-06"), 1));
    // Friday + 15 working days: three weeks later, the step's own day not counted
    assertEquals(new WorkingCalendar.Due(d("2026-03-27"), false),
        CN.addWorkingDays(d("2026-03-06"), 15));
  }

  @Test
  void skipsPublicHolidays() {
    // Qingming Saturday 4 to Monday 6 April: Thursday + 2 is Tuesday 7
    assertEquals(d("2026-04-03"), CN.addWorkingDays(d("2026-04-02"), 1).date());
    assertEquals(d("2026-04-07"), CN.addWorkingDays(d("2026-04-02"), 2).date());
    // Labour Day 1 to 5 May (Friday to Tuesday): Thursday 30 April + 1 is Wednesday 6 May
    assertEquals(d("2026-05-06"), CN.addWorkingDays(d("2026-04-30"), 1).date());
    // National Day 1 to 7 October: from Wednesday 30 September + 15, with Saturday 10 October
    // a workday: Oct 8, 9, 10, 12-16, 19-23, 26, 27 -> Tuesday 27 October
    assertEquals(d("2026-10-27"), CN.addWorkingDays(d("2026-09-30"), 15).date());
  }

  @Test
  void countsAdjustedWorkdays() {
    // Saturday 9 May is a workday: Friday 8 May + 1 is that Saturday
    assertEquals(d("2026-05-09"), CN.addWorkingDays(d("2026-05-08"), 1).date());
    // Saturday 14 February is a workday, then the Spring Festival 15-23 February
    assertEquals(d("2026-02-14"), CN.addWorkingDays(d("2026-02-13"), 1).date());
    assertEquals(d("2026-02-24"), CN.addWorkingDays(d("2026-02-14"), 1).date());
    // Sunday 4 January is a workday after New Year 1-3 January
    assertEquals(new WorkingCalendar.Due(d("2026-01-04"), false),
        CN.addWorkingDays(d("2025-12-31"), 1));
  }

  @Test
  void aDueDateBeyondTheCalendarsYearsIsProvisional() {
    // Thursday 17 December 2026 + 15: Dec 18, 21-25, 28-31, then 2027 unknown: Friday 1 January
    // counts as a working day (Monday to Friday), Jan 4-7 -> Thursday 7 January 2027
    WorkingCalendar.Due due = CN.addWorkingDays(d("2026-12-17"), 15);
    assertEquals(d("2027-01-07"), due.date());
    assertTrue(due.provisional(), "counted through 2027, which the calendar does not cover");
    assertFalse(CN.covers(d("2027-01-01")));
    // with 2027's calendar added, New Year's Day is a holiday and the count is final
    WorkingCalendar both = WorkingCalendar.parse("year 2026\nyear 2027\n2027-01-01 holiday\n",
        "test");
    WorkingCalendar.Due finalDue = both.addWorkingDays(d("2026-12-17"), 15);
    assertEquals(new WorkingCalendar.Due(d("2027-01-08"), false), finalDue);
  }

  @Test
  void parsesCommentsNamesAndBlankLines() {
    WorkingCalendar c = WorkingCalendar.parse("""
        # a comment
        year 2030

        2030-01-01 holiday New Year's Day   # trailing comment
        2030-01-05 workday
        """, "test");
    assertEquals(2, c.days().size());
    assertEquals("New Year's Day", c.days().get(0).name());
    assertTrue(c.isWorkingDay(d("2030-01-05")), "a Saturday made a workday");
  }

  @Test
  void refusesMalformedFilesNamingTheLine() {
    assertEquals("f, line 2: expected 'year YYYY' or 'YYYY-MM-DD holiday|workday [name]', got "
        + "'2026-13-01 holiday'", assertThrows(WorkingCalendar.FormatException.class,
            () -> WorkingCalendar.parse("year 2026\n2026-13-01 holiday", "f")).getMessage());
    assertEquals("f, line 2: 2026-05-01 must be followed by 'holiday' or 'workday'",
        assertThrows(WorkingCalendar.FormatException.class,
            () -> WorkingCalendar.parse("year 2026\n2026-05-01 off", "f")).getMessage());
    assertEquals("f, line 3: 2026-05-01 is already given on line 2",
        assertThrows(WorkingCalendar.FormatException.class, () -> WorkingCalendar.parse(
            "year 2026\n2026-05-01 holiday\n2026-05-01 workday", "f")).getMessage());
    assertEquals("f, line 2: 2027-01-01 is not in a declared year [2026]",
        assertThrows(WorkingCalendar.FormatException.class, () -> WorkingCalendar.parse(
            "year 2026\n2027-01-01 holiday", "f")).getMessage());
    assertEquals("f: declares no year ('year YYYY')",
        assertThrows(WorkingCalendar.FormatException.class,
            () -> WorkingCalendar.parse("# nothing\n", "f")).getMessage());
    assertEquals("f, line 1: a year line is 'year YYYY', got 'year 26'",
        assertThrows(WorkingCalendar.FormatException.class,
            () -> WorkingCalendar.parse("year 26", "f")).getMessage());
  }
}
