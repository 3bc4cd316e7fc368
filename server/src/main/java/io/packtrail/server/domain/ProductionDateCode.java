package io.packtrail.server.domain;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Decodes the 3-character production-date segment of a GB/T 34014 battery code (year, month, day).
 *
 * <p>The alphabets are unconfirmed by a primary text, so they are data in {@link #RESOURCE}, not
 * rules in code, and decoding never rejects: an unknown character or an impossible date just
 * gives no date.
 */
public final class ProductionDateCode {
  static final String RESOURCE = "/io/packtrail/server/domain/gbt34014-date-codes.properties";

  private static final Tables TABLES = Tables.load();

  private ProductionDateCode() {}

  /** The date {@code dateCode} stands for, or empty when it cannot be decoded. */
  public static Optional<LocalDate> decode(String dateCode) {
    if (dateCode == null || dateCode.length() != 3) {
      return Optional.empty();
    }
    Integer year = TABLES.years().get(dateCode.charAt(0));
    Integer month = TABLES.months().get(dateCode.charAt(1));
    Integer day = TABLES.days().get(dateCode.charAt(2));
    if (year == null || month == null || day == null) {
      return Optional.empty();
    }
    YearMonth yearMonth = YearMonth.of(year, month);
    if (!yearMonth.isValidDay(day)) {
      return Optional.empty(); // e.g. 30 February
    }
    return Optional.of(yearMonth.atDay(day));
  }

  /**
   * The date segment for {@code date} under the same tables, or empty when a table has no
   * character for its year, month or day (e.g. day 31 in the current data).
   */
  public static Optional<String> encode(LocalDate date) {
    Character year = characterOf(TABLES.years(), date.getYear());
    Character month = characterOf(TABLES.months(), date.getMonthValue());
    Character day = characterOf(TABLES.days(), date.getDayOfMonth());
    return year == null || month == null || day == null ? Optional.empty()
        : Optional.of("" + year + month + day);
  }

  private static Character characterOf(Map<Character, Integer> table, int number) {
    // tables are small (at most 31 entries), a scan is cheaper than a second map to keep in sync
    for (Map.Entry<Character, Integer> e : table.entrySet()) {
      if (e.getValue() == number) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Character-to-number tables, read from properties entries such as {@code year.A=2010}. */
  private record Tables(
      Map<Character, Integer> years, Map<Character, Integer> months, Map<Character, Integer> days) {

    static Tables load() {
      Properties properties = new Properties();
      try (InputStream in = ProductionDateCode.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing classpath resource " + RESOURCE);
        }
        properties.load(in);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + RESOURCE, e);
      }
      Tables tables = new Tables(new HashMap<>(), new HashMap<>(), new HashMap<>());
      for (String key : properties.stringPropertyNames()) {
        tables.put(key, properties.getProperty(key).trim());
      }
      return new Tables(Map.copyOf(tables.years), Map.copyOf(tables.months),
          Map.copyOf(tables.days));
    }

    /** A broken data file is a packaging error, so it fails loudly at class load. */
    private void put(String key, String value) {
      int dot = key.indexOf('.');
      if (dot < 0 || key.length() != dot + 2) {
        throw new IllegalStateException(RESOURCE + ": key " + key + " is not <table>.<character>");
      }
      char character = key.charAt(dot + 1);
      int number;
      try {
        number = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalStateException(RESOURCE + ": " + key + " is not a number: " + value, e);
      }
      switch (key.substring(0, dot)) {
        case "year" -> putInRange(years, key, character, number, 1, 9999);
        case "month" -> putInRange(months, key, character, number, 1, 12);
        case "day" -> putInRange(days, key, character, number, 1, 31);
        default -> throw new IllegalStateException(RESOURCE + ": unknown table in key " + key);
      }
    }

    private static void putInRange(
        Map<Character, Integer> table, String key, char character, int number, int min, int max) {
      if (number < min || number > max) {
        throw new IllegalStateException(
            RESOURCE + ": " + key + "=" + number + " is outside " + min + ".." + max);
      }
      table.put(character, number);
    }
  }
}
