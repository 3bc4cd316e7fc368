package io.packtrail.client.export;

import io.packtrail.client.export.UnitHistory.Recorded;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A unit's history with its lineage as CSV for spreadsheets: a header row, then one row per
 * event of every unit of the export, in the order things happened. Columns and spellings are
 * those of docs/formats.md section 16 (times and decimals as in the canonical bytes, section 3).
 */
public final class HistoryCsv {
  private HistoryCsv() {}

  public static final String CONTENT_TYPE = "text/csv; charset=utf-8; header=present";

  /** The columns, in order. */
  public static final List<String> COLUMNS = List.of("unit", "sequence", "log_index", "event_id",
      "event_time", "record_time", "step", "biz_step", "state_before", "state_after",
      "organization", "organization_name", "site", "site_name", "device", "label_serial",
      "step_id", "step_unit", "step_part", "hash", "details");

  /** One row: the values of {@link #COLUMNS} in order, empty when the event has none. */
  public record Row(List<String> values) {
    public Row {
      if (values.size() != COLUMNS.size()) {
        throw new IllegalArgumentException("a row has " + COLUMNS.size() + " values, got "
            + values.size());
      }
      values = List.copyOf(values);
    }

    public String get(String column) {
      int i = COLUMNS.indexOf(column);
      if (i < 0) {
        throw new IllegalArgumentException("no column " + column);
      }
      return values.get(i);
    }
  }

  public static List<Row> rows(UnitHistory h) {
    return rows(h.events(), h::displayName);
  }

  /**
   * The rows of some events in the order given; {@code displayName} gives an organisation's or
   * site's display name, or empty. The one mapping of every CSV export.
   */
  public static List<Row> rows(List<Recorded> events,
      java.util.function.Function<String, String> displayName) {
    List<Row> rows = new ArrayList<>();
    for (Recorded r : events) {
      Map<String, String> details = new LinkedHashMap<>();
      r.fields().forEach((k, v) -> {
        if (k.startsWith(r.type() + ".")) {
          details.put(k, v);
        }
      });
      var e = r.event();
      rows.add(new Row(List.of(
          r.get("unit.code"),
          Long.toString(e.getSequence()),
          Long.toString(e.getLogIndex()),
          r.get("event.id"),
          r.get("event.time"),
          r.get("record.time"),
          r.type(),
          Epcis.bizStep(r.type(), r.fields().getOrDefault("step.part", "")),
          r.fields().getOrDefault("state.before", ""),
          r.fields().getOrDefault("state.after", ""),
          e.getActorOrganization(),
          displayName.apply(e.getActorOrganization()),
          e.getActorSite(),
          displayName.apply(e.getActorSite()),
          e.getDevice(),
          r.fields().getOrDefault("label.serial", ""),
          r.fields().getOrDefault("step.id", ""),
          r.fields().getOrDefault("step.unit", ""),
          r.fields().getOrDefault("step.part", ""),
          HexFormat.of().formatHex(e.getHash().toByteArray()),
          details.isEmpty() ? "" : Json.compact(details))));
    }
    return rows;
  }

  public static String write(List<Row> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(COLUMNS);
    rows.forEach(r -> all.add(r.values()));
    return Csv.write(all);
  }

  /** The header line of a file (a file written in parts: this, then {@link #writeRows}). */
  public static String header() {
    return Csv.write(List.of(COLUMNS));
  }

  /** Rows without the header (the parts after {@link #header}). */
  public static String writeRows(List<Row> rows) {
    return Csv.write(rows.stream().map(Row::values).toList());
  }

  /** The rows of a file {@link #write} wrote; refuses another header or a short row. */
  public static List<Row> read(String text) {
    List<List<String>> all = Csv.read(text);
    if (all.isEmpty() || !all.get(0).equals(COLUMNS)) {
      throw new IllegalArgumentException("line 1: the header is not " + String.join(",",
          COLUMNS));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < all.size(); i++) {
      if (all.get(i).size() != COLUMNS.size()) {
        throw new IllegalArgumentException("row " + (i + 1) + ": " + all.get(i).size()
            + " fields, the header has " + COLUMNS.size());
      }
      rows.add(new Row(all.get(i)));
    }
    return rows;
  }
}
