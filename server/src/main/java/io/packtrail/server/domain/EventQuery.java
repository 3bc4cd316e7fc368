package io.packtrail.server.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which events an export keeps (ExportEventsRequest.filter; docs/formats.md section 16, Exports
 * of a query): a subset of AIP-160. Groups joined by {@code AND}; a group is one or more
 * {@code field = "value"} terms of ONE field joined by {@code OR} (in AIP-160, OR binds tighter
 * than AND), or one bound on {@code event_time} ({@code >=}, {@code >}, {@code <=}, {@code
 * <}). Fields: {@code unit} ({@code units/{code}}), {@code actor_organization} ({@code organizations/{o}}), {@code
 * actor_site} ({@code organizations/{o}/sites/{s}}), {@code region_code} (a GB/T 2260 code: a
 * province, city or district, matched on the site's code as the regional overview does), {@code
 * type} (a step's key, e.g. {@code recycling}) and {@code event_time} (RFC 3339). Each field
 * may be constrained by one group (event_time by a lower and an upper bound); an empty filter
 * keeps every event. The tokens are {@link FilterTokens}' (as LogEntryFilter's).
 *
 * @param values per field, the values one of which an event must have (fields absent: any)
 * @param start lower bound of event_time or null, inclusive when {@code startInclusive}
 * @param end upper bound of event_time or null, inclusive when {@code endInclusive}
 */
public record EventQuery(Map<Field, Set<String>> values, Instant start, boolean startInclusive,
    Instant end, boolean endInclusive) {
  /** The filter's field in requests. */
  public static final String FIELD = "filter";
  /** The most terms one filter may hold. */
  public static final int MAX_TERMS = 100;
  /** The longest filter, in characters. */
  public static final int MAX_LENGTH = MAX_TERMS * (Text.MAX_NAME + 20);

  private static final Pattern UNIT_CODE = Pattern.compile("[A-Z0-9]{19,24}");

  /** A field an export can be filtered on, spelled as in the filter. */
  public enum Field {
    UNIT, ACTOR_ORGANIZATION, ACTOR_SITE, REGION_CODE, TYPE, EVENT_TIME;

    public String spelling() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String GRAMMAR = "a filter is groups joined by AND, each either terms "
      + "field = \"value\" of one field joined by OR or one bound event_time >= (>, <=, <) "
      + "\"RFC 3339 time\"; fields unit, actor_organization, actor_site, region_code, type, "
      + "event_time (AIP-160 subset), e.g. type = \"shipment\" OR type = \"receipt\" AND "
      + "event_time >= \"2026-01-01T00:00:00Z\"";

  public EventQuery {
    Map<Field, Set<String>> copy = new EnumMap<>(Field.class);
    values.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
    values = java.util.Collections.unmodifiableMap(copy);
  }

  /** The values of a field (empty: any). */
  public Set<String> of(Field f) {
    return values.getOrDefault(f, Set.of());
  }

  /** Unit codes (without {@code units/}). */
  public Set<String> unitCodes() {
    Set<String> codes = new LinkedHashSet<>();
    of(Field.UNIT).forEach(u -> codes.add(ResourceNames.unitCode(u)));
    return codes;
  }

  /** The region prefixes of the region codes ({@link RegionCodes#prefix}). */
  public Set<String> regionPrefixes() {
    Set<String> p = new LinkedHashSet<>();
    of(Field.REGION_CODE).forEach(c -> p.add(RegionCodes.prefix(c)));
    return p;
  }

  /**
   * Parses a filter; an empty or blank one keeps every event.
   *
   * @throws InvalidArgumentException on {@link #FIELD}, naming the rule broken and where
   */
  public static EventQuery parse(String filter) {
    if (filter.length() > MAX_LENGTH) {
      throw refused("must be at most " + MAX_LENGTH + " characters, got " + filter.length());
    }
    Map<Field, Set<String>> values = new EnumMap<>(Field.class);
    Instant start = null;
    Instant end = null;
    boolean startInclusive = false;
    boolean endInclusive = false;
    FilterTokens t = new FilterTokens(filter, FIELD, GRAMMAR);
    if (t.atEnd()) {
      return new EventQuery(values, null, false, null, false);
    }
    int terms = 0;
    boolean done = false;
    while (!done) {
      Field group = null;
      while (true) {
        if (++terms > MAX_TERMS) {
          throw refused("has more than " + MAX_TERMS + " terms; export in several calls");
        }
        String name = t.word("a field name");
        int at = t.last;
        Field field = field(name, at);
        if (group != null && field != group) {
          throw refused("joins terms of different fields with OR (" + group.spelling() + " and "
              + field.spelling() + ", at character " + at + "); join them with AND");
        }
        if (group == null && (field == Field.EVENT_TIME ? false : values.containsKey(field))) {
          throw refused("constrains " + field.spelling() + " in two AND groups (at character "
              + at + "); join its values with OR in one group");
        }
        String op = field == Field.EVENT_TIME ? t.operator(name, ">=", ">", "<=", "<", "=")
            : t.operator(name, "=", ">=", ">", "<=", "<");
        int opAt = t.last;
        String value = t.string(name, field == Field.EVENT_TIME
            ? "event_time >= \"2026-01-01T00:00:00Z\"" : name + " = \"...\"");
        if (field == Field.EVENT_TIME) {
          if (group != null) {
            throw refused("joins event_time bounds with OR (at character " + at + "); bound "
                + "event_time with AND");
          }
          Instant time = time(value, at);
          switch (op) {
            case ">=", ">" -> {
              if (start != null) {
                throw refused("has two lower bounds of event_time (at character " + at + ")");
              }
              start = time;
              startInclusive = op.equals(">=");
            }
            case "<=", "<" -> {
              if (end != null) {
                throw refused("has two upper bounds of event_time (at character " + at + ")");
              }
              end = time;
              endInclusive = op.equals("<=");
            }
            default -> throw refused("compares event_time with >=, >, <= or < only, not = (at "
                + "character " + opAt + ")");
          }
        } else {
          if (!op.equals("=")) {
            throw refused("compares " + field.spelling() + " with = only, not " + op
                + " (at character " + opAt + ")");
          }
          check(field, value, at);
          values.computeIfAbsent(field, k -> new LinkedHashSet<>()).add(value);
        }
        group = field;
        if (t.atEnd()) {
          done = true;
          break;
        }
        String join = t.word("AND or OR");
        if (join.equals("AND")) {
          break;
        }
        if (!join.equals("OR")) {
          throw refused("joins terms with AND or OR only, not '" + Text.echo(join)
              + "' (at character " + t.last + "); " + GRAMMAR);
        }
      }
    }
    if (start != null && end != null && (end.isBefore(start)
        || (end.equals(start) && !(startInclusive && endInclusive)))) {
      throw refused("bounds event_time to an empty period (the upper bound is not after the "
          + "lower)");
    }
    return new EventQuery(values, start, startInclusive, end, endInclusive);
  }

  private static Field field(String name, int at) {
    for (Field f : Field.values()) {
      if (f.spelling().equals(name)) {
        return f;
      }
    }
    throw refused("has no field '" + Text.echo(name) + "' (at character " + at + "); " + GRAMMAR);
  }

  private static void check(Field field, String value, int at) {
    String where = " (the term at character " + at + ")";
    switch (field) {
      case UNIT -> {
        Violations v = new Violations();
        String code = ResourceNames.unitCode(v, FIELD, value);
        if (code == null || !UNIT_CODE.matcher(code).matches()) {
          throw refused("compares unit with a unit name units/{code}, got \"" + Text.echo(value)
              + "\"" + where);
        }
      }
      case ACTOR_ORGANIZATION -> {
        if (!ResourceNames.isOrganization(value)) {
          throw refused("compares actor_organization with a name organizations/{id}, got \""
              + Text.echo(value) + "\"" + where);
        }
      }
      case ACTOR_SITE -> {
        if (!ResourceNames.isSite(value)) {
          throw refused("compares actor_site with a name organizations/{id}/sites/{id}, got \""
              + Text.echo(value) + "\"" + where);
        }
      }
      case REGION_CODE -> {
        Violations v = new Violations();
        RegionCodes.check(v, FIELD, value);
        if (!v.isEmpty()) {
          throw refused("compares region_code with a six-digit GB/T 2260 code such as 620000 "
              + "(a province) or 620100 (a city), got \"" + Text.echo(value) + "\"" + where);
        }
      }
      case TYPE -> {
        boolean known = false;
        for (StepType s : StepType.values()) {
          known |= s.key().equals(value);
        }
        if (!known) {
          List<String> keys = new ArrayList<>();
          for (StepType s : StepType.values()) {
            keys.add(s.key());
          }
          throw refused("compares type with a step: one of " + String.join(", ", keys)
              + "; got \"" + Text.echo(value) + "\"" + where);
        }
      }
      default -> throw new IllegalStateException(field.toString());
    }
  }

  private static Instant time(String value, int at) {
    try {
      OffsetDateTime time = OffsetDateTime.parse(value);
      // RFC 3339 years have four digits; java.time reads more, which PostgreSQL cannot store
      if (time.getYear() < 0 || time.getYear() > 9999) {
        throw new DateTimeParseException("year beyond four digits", value, 0);
      }
      return time.toInstant();
    } catch (DateTimeParseException e) {
      throw refused("compares event_time with an RFC 3339 time such as "
          + "\"2026-01-01T00:00:00Z\", got \"" + Text.echo(value) + "\" (the term at character "
          + at + ")");
    }
  }

  private static InvalidArgumentException refused(String rule) {
    return new InvalidArgumentException(FIELD, rule);
  }
}
