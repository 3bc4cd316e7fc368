package io.packtrail.client.export;

import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.export.UnitHistory.Recorded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * A unit's history as an EPCIS 2.0 JSON-LD document (docs/formats.md section 16): one EPCIS
 * event per step (a step that touches several units is one event, a trade-in two: the old unit
 * removed, the replacement installed), CBV business steps where CBV has one and the
 * project's vocabulary for grading, repurposing and recycling; dismantling and assembly as
 * aggregation events, recycling as a transformation event with the lots as output quantities;
 * a correction as the corrected event declared erroneous. Identifiers are the URIs of
 * {@link #ID}; every step field is kept as a {@code packtrail:} extension.
 */
public final class Epcis {
  private Epcis() {}

  /** Base of the identifiers: units, sites, organisations, lots, events, devices, waybills. */
  public static final String ID = "https://id.packtrail.io/";
  /** The project's vocabulary, prefix {@code packtrail} in the document's context. */
  public static final String VOCABULARY = "https://ns.packtrail.io/epcis/";
  public static final String EPCIS_CONTEXT =
      "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
  public static final String CONTENT_TYPE = "application/ld+json";

  /** The business step of each Packtrail step (the part for a trade-in), as written. */
  public static String bizStep(String type, String part) {
    return switch (type) {
      case "registration" -> "commissioning";
      case "sale" -> "retail_selling";
      case "removal", "decommissioning" -> "removing";
      case "collection" -> "collecting";
      case "shipment" -> "shipping";
      case "receipt" -> "receiving";
      case "inspection" -> VOCABULARY + "bizstep/grading";
      case "trade_in" -> "replacement".equals(part) ? "installing" : "removing";
      case "dismantling" -> "disassembling";
      case "assembly" -> "assembling";
      case "commissioning" -> VOCABULARY + "bizstep/repurposing";
      case "second_life_inspection" -> "inspecting";
      case "recycling" -> VOCABULARY + "bizstep/recycling";
      case "scrapping" -> "destroying";
      case "correction" -> "";
      default -> VOCABULARY + "bizstep/" + type;
    };
  }

  public static String unitId(String code) {
    return ID + "units/" + code;
  }

  /** A resource name ({@code organizations/o/sites/s}, {@code materialLots/id}, ...) as a URI. */
  public static String id(String name) {
    return ID + name;
  }

  /** The document, written at {@code creationDate}. */
  public static String document(UnitHistory h, Instant creationDate) {
    Map<String, Object> doc = head(creationDate);
    doc.put("packtrail:subject", unitId(h.code()));
    Map<String, Recorded> byName = new HashMap<>();
    for (Recorded r : h.events()) {
      byName.put(r.event().getName(), r);
    }
    doc.put("epcisBody", obj("eventList", eventList(h.events(), new HashSet<>(), byName::get)));
    return Json.write(doc);
  }

  /** The document's members before its subject and body. */
  private static Map<String, Object> head(Instant creationDate) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@context", List.of(EPCIS_CONTEXT, obj("packtrail", VOCABULARY)));
    doc.put("type", "EPCISDocument");
    doc.put("schemaVersion", "2.0");
    doc.put("creationDate", Canonical.time(creationDate));
    return doc;
  }

  /**
   * The EPCIS events of Packtrail events, in the order given: one per step (the first of a
   * step's events in {@code events} stands for it; steps already in {@code stepsWritten} are
   * skipped, and the ones written are added), a correction as the event it corrects ({@code
   * corrected} finds it by its name, or null: then the correction is left out) declared
   * erroneous. The one mapping of every export.
   */
  public static List<Map<String, Object>> eventList(List<Recorded> events,
      Set<String> stepsWritten, Function<String, Recorded> corrected) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Recorded r : events) {
      String step = r.fields().getOrDefault("step.id", r.get("event.id"));
      if (!stepsWritten.add(step)) {
        continue; // another unit's event of a step already written
      }
      if (r.type().equals("correction")) {
        Recorded c = corrected.apply(r.get("correction.corrects"));
        if (c != null) {
          for (Map<String, Object> e : events(events, c)) {
            Map<String, Object> declaration = new LinkedHashMap<>();
            declaration.put("declarationTime", r.get("event.time"));
            declaration.put("reason", "incorrect_data");
            declaration.put("packtrail:correction", id(r.event().getName()));
            declaration.put("packtrail:correction.reason", r.get("correction.reason"));
            e.put("errorDeclaration", declaration);
            e.put("recordTime", r.get("record.time"));
            list.add(e);
          }
        }
        continue;
      }
      list.addAll(events(events, r));
    }
    return list;
  }

  /**
   * A document written in parts (an export of a query's events page by page): {@link #start},
   * then {@link #events} of each page, then {@link #end}; the parts concatenated are one
   * document. {@code query} is the export's filter, kept as {@code packtrail:query}.
   */
  public static String start(Instant creationDate, String query) {
    String whole = parts(creationDate, query);
    return whole.substring(0, whole.lastIndexOf('[', whole.indexOf(SPLIT)) + 1);
  }

  /** The document with one placeholder event, whose text around it is the parts'. */
  private static String parts(Instant creationDate, String query) {
    Map<String, Object> doc = head(creationDate);
    doc.put("packtrail:query", query);
    doc.put("epcisBody", obj("eventList", List.of("\u0000split")));
    return Json.write(doc);
  }

  /** The text of some EPCIS events, following {@code written} events already in the document. */
  public static String events(List<Map<String, Object>> events, long written) {
    StringBuilder s = new StringBuilder();
    for (Map<String, Object> e : events) {
      s.append(written++ == 0 ? "\n" : ",\n").append("      ").append(Json.write(e, 3));
    }
    return s.toString();
  }

  /** The end of a document written in parts. */
  public static String end() {
    String whole = parts(Instant.EPOCH, "");
    return whole.substring(whole.indexOf(SPLIT) + SPLIT.length());
  }

  /** The placeholder as Json writes it. */
  private static final String SPLIT = "\"\\u0000split\"";

  /** The EPCIS event(s) of one step, from one of its events (all carry the step's fields). */
  static List<Map<String, Object>> events(List<Recorded> all, Recorded r) {
    String type = r.type();
    String site = r.event().getActorSite();
    String org = r.event().getActorOrganization();
    String primary = r.fields().getOrDefault("step.unit", r.get("unit.code"));
    String eventId = r.fields().getOrDefault("step.id", r.get("event.id"));
    List<Map<String, Object>> out = new ArrayList<>();
    switch (type) {
      case "dismantling" -> {
        Map<String, Object> e = head("AggregationEvent", r, eventId);
        e.put("parentID", unitId(primary));
        e.put("childEPCs", indexed(r, "dismantling.child.", ".code").stream()
            .map(Epcis::unitId).toList());
        e.put("action", "DELETE");
        where(e, r, type, null, site, site);
        out.add(e);
      }
      case "assembly" -> {
        Map<String, Object> e = head("AggregationEvent", r, eventId);
        e.put("parentID", unitId(primary));
        e.put("childEPCs", indexed(r, "assembly.source.", "").stream()
            .map(Epcis::unitId).toList());
        e.put("action", "ADD");
        where(e, r, type, null, site, site);
        out.add(e);
      }
      case "recycling" -> {
        Map<String, Object> e = head("TransformationEvent", r, eventId);
        List<String> inputs = new ArrayList<>();
        inputs.add(unitId(primary));
        indexed(r, "recycling.input.", "").forEach(c -> inputs.add(unitId(c)));
        e.put("inputEPCList", inputs);
        List<Object> lots = new ArrayList<>();
        for (int i = 0; r.get(String.format(java.util.Locale.ROOT, "recycling.lot.%03d.id", i)) != null; i++) {
          Map<String, Object> q = new LinkedHashMap<>();
          q.put("epcClass", id("materialLots/" + r.get(String.format(java.util.Locale.ROOT, "recycling.lot.%03d.id",
              i))));
          q.put("quantity", new Json.Number(r.get(String.format(java.util.Locale.ROOT, "recycling.lot.%03d.mass_kg",
              i))));
          q.put("uom", "KGM");
          lots.add(q);
        }
        e.put("outputQuantityList", lots);
        where(e, r, type, null, site, site);
        out.add(e);
      }
      case "trade_in" -> {
        String replacement = r.get("trade_in.replacement");
        Map<String, Object> removed = head("ObjectEvent", r, eventId);
        removed.put("epcList", List.of(unitId(primary)));
        removed.put("action", "OBSERVE");
        where(removed, r, type, "old", site, site);
        out.add(removed);
        Map<String, Object> installed = head("ObjectEvent", r,
            Canonical.derivedEventId(UUID.fromString(eventId), replacement).toString());
        installed.put("epcList", List.of(unitId(replacement)));
        installed.put("action", "OBSERVE");
        where(installed, r, type, "replacement", site, null);
        out.add(installed);
      }
      default -> {
        Map<String, Object> e = head("ObjectEvent", r, eventId);
        e.put("epcList", List.of(unitId(r.get("unit.code"))));
        e.put("action", type.equals("registration") ? "ADD" : "OBSERVE");
        where(e, r, type, null, site, type.equals("shipment") || type.equals("sale") ? null
            : site);
        if (type.equals("shipment")) {
          String to = r.get("shipment.destination_site");
          e.put("bizTransactionList", List.of(obj("type", "bol", "bizTransaction",
              id("waybills/" + r.get("shipment.waybill")))));
          e.put("sourceList", List.of(
              obj("type", "possessing_party", "source", id(org)),
              obj("type", "location", "source", id(site))));
          e.put("destinationList", List.of(
              obj("type", "possessing_party", "destination",
                  id(to.substring(0, to.indexOf("/sites/")))),
              obj("type", "location", "destination", id(to))));
        } else if (type.equals("receipt")) {
          if (r.get("receipt.waybill") != null) {
            e.put("bizTransactionList", List.of(obj("type", "bol", "bizTransaction",
                id("waybills/" + r.get("receipt.waybill")))));
          }
          e.put("destinationList", List.of(
              obj("type", "possessing_party", "destination", id(org)),
              obj("type", "location", "destination", id(site))));
        }
        if (type.equals("registration")) {
          Map<String, Object> ilmd = new LinkedHashMap<>();
          r.fields().forEach((k, v) -> {
            if (k.startsWith("registration.")) {
              ilmd.put("packtrail:" + k, v);
            }
          });
          e.put("ilmd", ilmd);
        }
        out.add(e);
      }
    }
    for (Map<String, Object> e : out) {
      extensions(e, all, r, type);
    }
    return out;
  }

  private static Map<String, Object> head(String kind, Recorded r, String eventId) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", kind);
    e.put("eventTime", r.get("event.time"));
    e.put("eventTimeZoneOffset", "+00:00");
    e.put("recordTime", r.get("record.time"));
    e.put("eventID", "urn:uuid:" + eventId);
    return e;
  }

  private static void where(Map<String, Object> e, Recorded r, String type, String part,
      String readPoint, String bizLocation) {
    e.put("bizStep", bizStep(type, part));
    String disposition = switch (type) {
      case "registration", "commissioning" -> "active";
      case "sale" -> "retail_sold";
      case "shipment" -> "in_transit";
      case "scrapping" -> "destroyed";
      default -> null;
    };
    if (disposition != null) {
      e.put("disposition", disposition);
    }
    e.put("readPoint", obj("id", id(readPoint)));
    if (bizLocation != null) {
      e.put("bizLocation", obj("id", id(bizLocation)));
    }
  }

  /** Who recorded it, the Packtrail events it stands for, and every field of the step. */
  private static void extensions(Map<String, Object> e, List<Recorded> all, Recorded r,
      String type) {
    e.put("packtrail:organization", id(r.event().getActorOrganization()));
    if (!r.event().getDevice().isEmpty()) {
      e.put("packtrail:device", id(r.event().getDevice()));
    }
    if (r.get("label.serial") != null) {
      e.put("packtrail:label", id("labels/" + r.get("label.serial")));
    }
    List<String> recorded = new ArrayList<>();
    String step = r.get("step.id");
    for (Recorded other : all) {
      if (other == r || (step != null && step.equals(other.get("step.id")))) {
        recorded.add(id(other.event().getName()));
      }
    }
    e.put("packtrail:events", recorded);
    if (!type.equals("registration")) {
      r.fields().forEach((k, v) -> {
        if (k.startsWith(type + ".")) {
          e.put("packtrail:" + k, v);
        }
      });
    }
  }

  /** {@code prefix + NNN + suffix} values in index order, from 000 while present. */
  private static List<String> indexed(Recorded r, String prefix, String suffix) {
    List<String> out = new ArrayList<>();
    for (int i = 0; r.get(String.format(java.util.Locale.ROOT, "%s%03d%s", prefix, i, suffix)) != null; i++) {
      out.add(r.get(String.format(java.util.Locale.ROOT, "%s%03d%s", prefix, i, suffix)));
    }
    return out;
  }

  /** An object with its keys in the order given (the document's bytes must not vary). */
  private static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
