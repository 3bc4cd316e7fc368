package io.packtrail.scanner;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.Timestamp;
import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How units, events and steps read on the scanner's screen. */
final class UnitView {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private UnitView() {}

  /**
   * The unit as the worker needs it at the bench: what it is, where it stands, what happened last,
   * what this device has not sent yet, and what may come next.
   */
  static String describe(Unit unit, String source, List<Event> events,
      List<Outbox.Entry> unsent) {
    StringBuilder b = new StringBuilder();
    b.append("UNIT ").append(unit.getCode()).append("  ").append(level(unit)).append(", ")
        .append(enumWord(unit.getChemistry().name(), "CHEMISTRY_")).append('\n');
    b.append("  state      ").append(state(unit)).append("   (").append(source).append(")\n");
    b.append("  custodian  ").append(unit.getCustodian().isEmpty() ? "none"
        : unit.getCustodian());
    if (!unit.getCustodianSite().isEmpty()) {
      b.append(" at ").append(unit.getCustodianSite());
    }
    b.append('\n');
    if (!unit.getShipmentDestination().isEmpty()) {
      b.append("  on its way to ").append(unit.getShipmentDestination()).append('\n');
    }
    Event last = events.isEmpty() ? null : events.get(events.size() - 1);
    if (last != null && last.getSequence() == unit.getEventCount()) {
      b.append("  last step  #").append(last.getSequence()).append(' ').append(stepName(last))
          .append(" at ").append(last.getActorSite()).append(", ")
          .append(time(last.getEventTime())).append('\n');
    } else {
      b.append("  last step  #").append(unit.getEventCount()).append(" (details not on this "
          + "device)\n");
    }
    for (Outbox.Entry e : unsent) {
      b.append("  on this device, not recorded yet: #").append(e.id()).append(' ')
          .append(e.step()).append(" (").append(Outbox.words(e.status())).append(")\n");
    }
    b.append("  next       ").append(allowedNext(unit));
    return b.toString();
  }

  /**
   * The steps the server allows next from the unit's state ({@code Unit.next_steps}, from the
   * server's one lifecycle table), in the scanner's words where it records them. The server
   * still checks the roles of the site's organisation, custody and, for steps waiting on this
   * device, the state they lead to.
   */
  static String allowedNext(Unit unit) {
    if (unit.getNextStepsCount() == 0) {
      return "no step follows " + state(unit) + " (as far as this device knows)";
    }
    List<String> words = new ArrayList<>();
    for (String key : unit.getNextStepsList()) {
      words.add(Arrays.stream(StepOptions.Step.values()).filter(s -> s.key().equals(key))
          .findFirst().map(s -> "--step " + s.name()).orElse(key + " (not with the scanner)"));
    }
    return String.join(", ", words);
  }

  static String state(Unit unit) {
    return enumWord(unit.getState().name(), "LIFECYCLE_STATE_");
  }

  static String level(Unit unit) {
    return enumWord(unit.getLevel().name(), "UNIT_LEVEL_").toLowerCase(Locale.ROOT);
  }

  static String enumWord(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  static String time(Timestamp t) {
    return TIME.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  /**
   * Seconds since 1970 from signed data (a trust list's expiry) as a time, or in words when
   * they lie beyond what a calendar shows (a list made never to expire).
   */
  static String epochTime(long seconds) {
    return seconds >= 0 && seconds <= 253_402_300_799L // 9999-12-31T23:59:59Z
        ? time(Instant.ofEpochSecond(seconds)) : io.packtrail.client.EpochSeconds.text(seconds);
  }

  static String time(Instant t) {
    return TIME.format(t);
  }

  /** The step's key, e.g. "collection", "second_life_inspection". */
  static String stepName(Event e) {
    FieldDescriptor f = stepField(e);
    return f == null ? "unknown step" : f.getName();
  }

  /** The step's details in one line, e.g. {@code destination_site: "..." waybill: "WB-1"}. */
  static String details(Event e) {
    FieldDescriptor f = stepField(e);
    if (f == null) {
      return "";
    }
    return TextFormat.printer().shortDebugString((Message) e.getField(f))
        .trim();
  }

  /**
   * The device that recorded the event, when the server says (events recorded before devices
   * existed have none).
   */
  static String device(Event e) {
    FieldDescriptor f = Event.getDescriptor().findFieldByName("device");
    if (f == null || f.isRepeated() || !e.hasField(f)) {
      return "";
    }
    Object value = e.getField(f);
    return value instanceof Message m ? TextFormat.printer().shortDebugString(m) : String.valueOf(value);
  }

  private static FieldDescriptor stepField(Event e) {
    var oneof = Event.getDescriptor().getOneofs().stream()
        .filter(o -> o.getName().equals("step")).findFirst().orElseThrow();
    return e.getOneofFieldDescriptor(oneof);
  }
}
