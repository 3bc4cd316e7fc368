package io.packtrail.server.domain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which entries of the log a listing keeps (ListLogEntriesRequest.filter): a subset of AIP-160,
 * one or more terms {@code subject = "NAME"} joined by {@code OR}. NAME is a registry entry's
 * subject, an event's name {@code units/{code}/events/{sequence}}, or {@code
 * units/{code}/events/*} for every event of a unit. Each kind is read through an index
 * (registry_entry's (subject, log_index), event's (unit_code, sequence)), so a filtered listing
 * never scans the log.
 *
 * @param subjects registry subjects, exactly
 * @param units the codes of units whose every event is selected
 * @param events single events, by unit code and sequence (none of a unit in {@code units})
 */
public record LogEntryFilter(Set<String> subjects, Set<String> units, List<EventKey> events) {
  /** The most terms one filter may hold. */
  public static final int MAX_TERMS = 100;
  /** The filter's field in requests. */
  public static final String FIELD = "filter";

  /** One event: its unit's code and its sequence. */
  public record EventKey(String code, long sequence) {}

  private static final Pattern UNIT_EVENTS = Pattern.compile("units/([A-Z0-9]{19,24})/events/\\*");
  private static final String GRAMMAR = "a filter is one or more terms subject = \"NAME\" "
      + "joined by OR (AIP-160 subset), e.g. subject = \"units/{code}/events/*\" OR subject = "
      + "\"organizations/acme/sites/plant\"";

  public LogEntryFilter {
    subjects = Set.copyOf(subjects);
    units = Set.copyOf(units);
    events = List.copyOf(events);
  }

  /** Whether this filter keeps every entry (the empty filter). */
  public boolean all() {
    return subjects.isEmpty() && units.isEmpty() && events.isEmpty();
  }

  /**
   * Parses a filter; an empty or blank one keeps every entry.
   *
   * @throws InvalidArgumentException on {@link #FIELD}, naming the rule broken and where
   */
  public static LogEntryFilter parse(String filter) {
    Set<String> subjects = new LinkedHashSet<>();
    Set<String> units = new LinkedHashSet<>();
    Set<EventKey> events = new LinkedHashSet<>();
    if (filter.length() > MAX_TERMS * (Text.MAX_NAME + 20)) {
      throw refused("must be at most " + MAX_TERMS * (Text.MAX_NAME + 20) + " characters, got "
          + filter.length());
    }
    FilterTokens t = new FilterTokens(filter, FIELD, GRAMMAR);
    if (t.atEnd()) {
      return new LogEntryFilter(Set.of(), Set.of(), List.of());
    }
    int terms = 0;
    while (true) {
      if (++terms > MAX_TERMS) {
        throw refused("has more than " + MAX_TERMS + " terms; list in several calls");
      }
      String fieldName = t.word("a field name or OR");
      if (!fieldName.equals("subject")) {
        throw refused("can only compare subject, not '" + Text.echo(fieldName) + "' (at "
            + "character " + t.last + "); " + GRAMMAR);
      }
      t.operator("subject", "=");
      String value = t.string("subject", "subject = \"units/{code}/events/*\"");
      Matcher all = UNIT_EVENTS.matcher(value);
      ResourceNames.EventName one = ResourceNames.parseEvent(value);
      if (all.matches()) {
        units.add(all.group(1));
      } else if (one != null) {
        events.add(new EventKey(one.unitCode(), one.sequence()));
      } else if (value.indexOf('*') >= 0) {
        throw refused("allows the wildcard * only as units/{code}/events/*, got \""
            + Text.echo(value) + "\"");
      } else if (value.startsWith("units/") && value.contains("/events/")) {
        throw refused("compares subject with an event name as " + ResourceNames.EVENT_RULE
            + ", got \"" + Text.echo(value) + "\"");
      } else {
        Violations v = new Violations();
        if (value.isEmpty() || !Text.checkName(v, FIELD, value)) {
          throw refused("compares subject with a resource name (1 to " + Text.MAX_NAME
              + " characters, no control character), got \"" + Text.echo(value) + "\"");
        }
        subjects.add(value);
      }
      if (t.atEnd()) {
        break;
      }
      String join = t.word("a field name or OR");
      if (!join.equals("OR")) {
        throw refused("joins terms with OR only, not '" + Text.echo(join) + "' (at character "
            + t.last + "); " + GRAMMAR);
      }
    }
    List<EventKey> single = events.stream().filter(e -> !units.contains(e.code())).toList();
    return new LogEntryFilter(subjects, units, single);
  }

  private static InvalidArgumentException refused(String rule) {
    return new InvalidArgumentException(FIELD, rule);
  }
}
