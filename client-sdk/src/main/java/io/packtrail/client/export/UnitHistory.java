package io.packtrail.client.export;

import io.packtrail.client.audit.AuditSource;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.LineageEdge;
import io.packtrail.v1.LineageEdgeKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A unit's history with its lineage, as the exports write it: the events of the unit and of
 * every unit joined to it by material (what it was dismantled from or assembled from, what it
 * was dismantled, assembled or recycled into, to any depth), the lineage graph with the material
 * lots, and the display names of the organisations and sites the events name. A replacement
 * (replaced-by) is not made of the unit's material, so its history is left out; the trade-in
 * step that installed it is in the old unit's.
 */
public record UnitHistory(String code, GetLineageResponse lineage, List<Recorded> events,
    Map<String, String> names) {

  public UnitHistory {
    events = List.copyOf(events);
    names = Map.copyOf(names);
  }

  /** An event with its canonical fields decoded (formats.md section 3). */
  public record Recorded(Event event, SortedMap<String, String> fields) {
    public String get(String key) {
      return fields.get(key);
    }

    public String type() {
      return fields.getOrDefault("event.type", "");
    }
  }

  public static UnitHistory collect(AuditSource source, String code) {
    return collect(source, code, codes -> c -> true);
  }

  /**
   * As {@link #collect(AuditSource, String)}, with the events of the lineage's units that
   * {@code readable} (given them all at once) rejects left out, not refused: a server answering
   * a party of the unit, who may not read every unit the unit became (ExportEvents leaves such
   * events out the same way). The unit's own events are always read. Through a client, a unit
   * whose events the server refuses (PERMISSION_DENIED) is left out the same way, so the file is
   * the one the server's ExportUnitHistory writes for the same caller.
   */
  public static UnitHistory collect(AuditSource source, String code,
      java.util.function.Function<List<String>, java.util.function.Predicate<String>> readable) {
    GetLineageResponse lineage = source.lineage("units/" + code);
    List<String> codes = materialUnits(lineage, "units/" + code);
    java.util.function.Predicate<String> reads = readable.apply(codes);
    List<Recorded> events = new ArrayList<>();
    for (String c : codes) {
      if (!c.equals(code) && !reads.test(c)) {
        continue;
      }
      List<Event> recorded;
      try {
        recorded = source.events(c);
      } catch (io.grpc.StatusRuntimeException e) {
        if (c.equals(code) || e.getStatus().getCode() != io.grpc.Status.Code.PERMISSION_DENIED) {
          throw e;
        }
        continue; // a server refused this caller another unit's events: left out, as it would
      }
      for (Event e : recorded) {
        events.add(new Recorded(e, Canonical.decode(e.getCanonicalBytes().toByteArray())));
      }
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (Recorded r : events) {
      wanted.add(r.event().getActorOrganization());
      wanted.add(r.event().getActorSite());
      Optional.ofNullable(r.get("shipment.destination_site")).ifPresent(wanted::add);
      Optional.ofNullable(r.get("sale.dealer")).ifPresent(wanted::add);
    }
    Map<String, String> names = new TreeMap<>();
    for (String name : wanted) {
      Optional<String> display = name.contains("/sites/")
          ? source.site(name).map(s -> s.getDisplayName())
          : source.organization(name).map(o -> o.getDisplayName());
      display.filter(d -> !d.isEmpty()).ifPresent(d -> names.put(name, d));
    }
    return of(code, lineage, events, names);
  }

  /** The history of these events, in the order things happened (the log's within an instant). */
  public static UnitHistory of(String code, GetLineageResponse lineage, List<Recorded> events,
      Map<String, String> names) {
    List<Recorded> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing((Recorded r) -> r.get("event.time"))
        .thenComparingLong(r -> r.event().getLogIndex()));
    return new UnitHistory(code, lineage, sorted, names);
  }

  /** The codes of the units joined to {@code root} by edges other than replaced-by. */
  static List<String> materialUnits(GetLineageResponse lineage, String root) {
    Map<String, List<String>> joined = new HashMap<>();
    for (LineageEdge e : lineage.getEdgesList()) {
      if (e.getKind() == LineageEdgeKind.LINEAGE_EDGE_KIND_REPLACED_BY) {
        continue;
      }
      joined.computeIfAbsent(e.getFrom(), k -> new ArrayList<>()).add(e.getTo());
      joined.computeIfAbsent(e.getTo(), k -> new ArrayList<>()).add(e.getFrom());
    }
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> next = new ArrayDeque<>(List.of(root));
    while (!next.isEmpty()) {
      String n = next.poll();
      if (seen.add(n)) {
        next.addAll(joined.getOrDefault(n, List.of()));
      }
    }
    return seen.stream().filter(n -> n.startsWith("units/"))
        .map(n -> n.substring("units/".length())).toList();
  }

  /** The display name of a resource, or empty. */
  public String displayName(String name) {
    return names.getOrDefault(name, "");
  }
}
