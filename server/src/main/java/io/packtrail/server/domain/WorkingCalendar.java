package io.packtrail.server.domain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * China's working days: Monday to Friday work, Saturday and Sunday rest, except the public
 * holidays and adjusted workdays (调休) the State Council publishes for each year. The calendar
 * covers the years its file declares; a day of a year it does not cover falls back to Monday to
 * Friday, and a deadline counted through such a day is <em>provisional</em> (next year's
 * holidays are not known until the State Council publishes them, usually in November).
 *
 * <p>The file format (docs/formats.md section 18): UTF-8 lines; {@code #} starts a comment;
 * blank lines are ignored; {@code year YYYY} declares a covered year; {@code YYYY-MM-DD holiday
 * [name]} a rest day, {@code YYYY-MM-DD workday [name]} a working day (an adjusted workday on a
 * weekend). Every date must be of a declared year and appear once.
 */
public final class WorkingCalendar {
  /** The classpath resource of the default calendar: China, 2026. */
  public static final String DEFAULT_RESOURCE = "working-calendar-cn-2026.txt";

  /** A day the file names: a holiday (rest) or an adjusted workday, with its name. */
  public record Day(LocalDate date, boolean working, String name) {}

  /** A malformed calendar file: names the line and what is wrong. */
  public static final class FormatException extends IllegalArgumentException {
    public FormatException(String message) {
      super(message);
    }
  }

  private final String source;
  private final Set<Integer> years;
  private final Map<LocalDate, Day> days;

  private WorkingCalendar(String source, Set<Integer> years, Map<LocalDate, Day> days) {
    this.source = source;
    this.years = Collections.unmodifiableSet(new TreeSet<>(years));
    this.days = Collections.unmodifiableMap(new TreeMap<>(days));
  }

  /** China's 2026 calendar shipped with the server. */
  public static WorkingCalendar chinaDefault() {
    try (InputStream in = WorkingCalendar.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          "the built-in calendar " + DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /** Parses a calendar file; {@code source} names it in error messages. */
  public static WorkingCalendar parse(String text, String source) {
    Set<Integer> years = new TreeSet<>();
    Map<LocalDate, Day> days = new TreeMap<>();
    Map<LocalDate, Integer> lineOf = new TreeMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int no = i + 1;
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+", 3);
      if (parts[0].equals("year")) {
        if (parts.length != 2 || !parts[1].matches("[0-9]{4}")) {
          throw error(source, no, "a year line is 'year YYYY', got '" + line + "'");
        }
        if (!years.add(Integer.parseInt(parts[1]))) {
          throw error(source, no, "year " + parts[1] + " is declared twice");
        }
        continue;
      }
      LocalDate date;
      try {
        date = parts[0].matches("[0-9]{4}-[0-9]{2}-[0-9]{2}") ? LocalDate.parse(parts[0]) : null;
      } catch (DateTimeParseException e) {
        date = null;
      }
      if (date == null) {
        throw error(source, no, "expected 'year YYYY' or 'YYYY-MM-DD holiday|workday [name]', "
            + "got '" + line + "'");
      }
      if (parts.length < 2 || !(parts[1].equals("holiday") || parts[1].equals("workday"))) {
        throw error(source, no, date + " must be followed by 'holiday' or 'workday'");
      }
      Integer first = lineOf.putIfAbsent(date, no);
      if (first != null) {
        throw error(source, no, date + " is already given on line " + first);
      }
      days.put(date, new Day(date, parts[1].equals("workday"),
          parts.length == 3 ? parts[2] : ""));
    }
    if (years.isEmpty()) {
      throw new FormatException(source + ": declares no year ('year YYYY')");
    }
    for (Map.Entry<LocalDate, Integer> e : lineOf.entrySet()) {
      if (!years.contains(e.getKey().getYear())) {
        throw error(source, e.getValue(), e.getKey() + " is not in a declared year " + years);
      }
    }
    return new WorkingCalendar(source, years, days);
  }

  private static FormatException error(String source, int line, String what) {
    return new FormatException(source + ", line " + line + ": " + what);
  }

  /** Where the calendar came from, for messages and pages. */
  public String source() {
    return source;
  }

  /** The years the calendar covers. */
  public Set<Integer> years() {
    return years;
  }

  /** The holidays and adjusted workdays, by date. */
  public List<Day> days() {
    return new ArrayList<>(days.values());
  }

  /** Whether the calendar knows the holidays of {@code date}'s year. */
  public boolean covers(LocalDate date) {
    return years.contains(date.getYear());
  }

  /** Whether {@code date} is a working day (outside the covered years: Monday to Friday). */
  public boolean isWorkingDay(LocalDate date) {
    Day day = days.get(date);
    if (day != null) {
      return day.working();
    }
    DayOfWeek w = date.getDayOfWeek();
    return w != DayOfWeek.SATURDAY && w != DayOfWeek.SUNDAY;
  }

  /** A deadline: its last day, and whether it was counted through a year not covered. */
  public record Due(LocalDate date, boolean provisional) {}

  /**
   * The {@code n}th working day after {@code from} ({@code from} itself not counted, as periods
   * are counted in Chinese law: "within 15 working days" of a step on a Monday ends on the
   * third Friday after, if no holiday intervenes). The result is provisional when any day
   * from the day after {@code from} to it lies in a year the calendar does not cover.
   */
  public Due addWorkingDays(LocalDate from, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive, got " + n);
    }
    LocalDate d = from;
    boolean provisional = false;
    int counted = 0;
    while (counted < n) {
      d = d.plusDays(1);
      provisional |= !covers(d);
      if (isWorkingDay(d)) {
        counted++;
      }
    }
    return new Due(d, provisional);
  }
}
