package io.packtrail.client.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.packtrail.client.HashChain;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetLineageResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/formats.md section 16's test vector: the documented events exported as CSV and EPCIS are
 * the documented files, and the CSV reads back to its rows. After a deliberate format change,
 * run once with {@code PACKTRAIL_REWRITE_VECTORS=1} and review the diff.
 */
class ExportVectorsTest {
  private static final boolean REWRITE = System.getenv("PACKTRAIL_REWRITE_VECTORS") != null;
  private static final Pattern VECTOR = Pattern.compile("(## 16\\. Exports.*?### Test vector.*?"
      + "```text\\n)(.*?)(```\\s*\\n```csv\\n)(.*?)(```\\s*\\n```json\\n)(.*?)(```)",
      Pattern.DOTALL);
  static final Instant CREATED = Instant.parse("2026-03-01T00:00:00Z");

  @Test
  void theDocumentedEventsExportToTheDocumentedFiles() throws Exception {
    Path path = formatsDocument();
    String md = Files.readString(path, StandardCharsets.UTF_8);
    Matcher m = VECTOR.matcher(md);
    if (!m.find()) {
      throw new AssertionError("docs/formats.md section 16 has no test vector blocks");
    }
    String input = REWRITE ? input() : m.group(2);
    UnitHistory h = history(input);
    String csv = HistoryCsv.write(HistoryCsv.rows(h));
    String epcis = Epcis.document(h, CREATED);
    if (REWRITE) {
      md = md.substring(0, m.start()) + m.group(1) + input + m.group(3) + csv.replace("\r\n",
          "\n") + m.group(5) + epcis + m.group(7) + md.substring(m.end());
      Files.writeString(path, md, StandardCharsets.UTF_8);
      return;
    }
    String hint = " (PACKTRAIL_REWRITE_VECTORS=1 rewrites it after a deliberate change)";
    assertEquals(input(), m.group(2), "section 16 input" + hint);
    // the document shows CRLF line ends as plain line ends
    assertEquals(csv.replace("\r\n", "\n"), m.group(4), "section 16 CSV" + hint);
    assertEquals(epcis, m.group(6), "section 16 EPCIS document" + hint);
    assertEquals(HistoryCsv.rows(h), HistoryCsv.read(m.group(4).replace("\n", "\r\n")));
  }

  private static final Pattern QUERY_VECTOR = Pattern.compile("(### Test vector of a query "
      + "export.*?```json\\n)(.*?)(```)", Pattern.DOTALL);
  static final String QUERY = "type = \"dismantling\" OR type = \"recycling\"";

  /**
   * The query export of the same events (section 16, Exports of a query): the selected events
   * in log order, written in parts as ReportService.ExportEvents writes its pages, one page per
   * event, the step never split.
   */
  @Test
  void theDocumentedQueryExportIsTheDocumentedFile() throws Exception {
    Path path = formatsDocument();
    String md = Files.readString(path, StandardCharsets.UTF_8);
    Matcher m = QUERY_VECTOR.matcher(md);
    if (!m.find()) {
      throw new AssertionError("docs/formats.md section 16 has no query export vector");
    }
    List<UnitHistory.Recorded> selected = new ArrayList<>(history(input()).events().stream()
        .filter(r -> r.type().equals("dismantling") || r.type().equals("recycling")).toList());
    selected.sort(java.util.Comparator.comparingLong(r -> r.event().getLogIndex()));
    // page 1: the dismantling's two events (one step); page 2: the recycling
    List<List<UnitHistory.Recorded>> pages = List.of(selected.subList(0, 2),
        selected.subList(2, 3));
    assertEquals(selected.get(0).get("step.id"), selected.get(1).get("step.id"));
    StringBuilder doc = new StringBuilder(Epcis.start(CREATED, QUERY));
    java.util.Set<String> steps = new java.util.HashSet<>();
    long written = 0;
    for (List<UnitHistory.Recorded> page : pages) {
      var events = Epcis.eventList(page, steps, name -> null);
      doc.append(Epcis.events(events, written));
      written += events.size();
    }
    doc.append(Epcis.end());
    if (REWRITE) {
      Files.writeString(path, md.substring(0, m.start()) + m.group(1) + doc + m.group(3)
          + md.substring(m.end()), StandardCharsets.UTF_8);
      return;
    }
    assertEquals(doc.toString(), m.group(2), "section 16 query export (PACKTRAIL_REWRITE_VECTORS"
        + "=1 rewrites it after a deliberate change)");
    // one page holding everything writes the same document
    assertEquals(doc.toString(), Epcis.start(CREATED, QUERY) + Epcis.events(Epcis.eventList(
        selected, new java.util.HashSet<>(), name -> null), 0) + Epcis.end());
    assertEquals(2, written, "two EPCIS events: the dismantling once, the recycling");
  }

  static final String PACK = "VECPBA1TRACE01RA50000001";
  static final String MODULE = "VECMBA1TRACE01RA50000002";
  static final String MAKER = "organizations/acme-batteries";
  static final String FACTORY = MAKER + "/sites/factory";
  static final String DEALER = "organizations/lanzhou-motors";
  static final String STATION = DEALER + "/sites/chengguan";
  static final String RECYCLER = "organizations/jinchang-recycling";
  static final String LINE = RECYCLER + "/sites/line-1";
  static final String STEP = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f";

  /** The vector's input: names, then each event's canonical fields. */
  static String input() {
    StringBuilder s = new StringBuilder("names\n");
    names().forEach((k, v) -> s.append(k).append(" = ").append(v).append('\n'));
    for (SortedMap<String, String> e : events()) {
      s.append("\nevent\n");
      // a line feed in a value is written as the two characters \n
      e.forEach((k, v) -> s.append(k).append(" = ").append(v.replace("\n", "\\n"))
          .append('\n'));
    }
    return s.toString();
  }

  static Map<String, String> names() {
    Map<String, String> n = new LinkedHashMap<>();
    n.put(MAKER, "Acme Batteries, Ltd.");
    n.put(FACTORY, "Acme factory");
    n.put(DEALER, "Lanzhou Motors");
    n.put(STATION, "+86 931 station (Chengguan)");
    n.put(RECYCLER, "Jinchang \"Recycling\", Co.");
    n.put(LINE, "Line 1");
    return n;
  }

  static List<SortedMap<String, String>> events() {
    List<SortedMap<String, String>> out = new ArrayList<>();
    out.add(event(PACK, 1, 3, FACTORY, "registration", null, "REGISTERED", "2026-01-05T08:00:00",
        "registration.chemistry", "LFP", "registration.level", "PACK", "registration.maker",
        MAKER, "registration.mass_kg", "380.000", "registration.nominal_voltage_v", "350.000",
        "registration.rated_capacity_ah", "180.000", "registration.rated_energy_kwh", "55.500"));
    out.add(event(PACK, 2, 4, STATION, "sale", "REGISTERED", "INSTALLED", "2026-01-10T09:00:00",
        "sale.dealer", DEALER, "sale.vin", "LGSAB12C0RP12345"));
    out.add(event(PACK, 3, 5, STATION, "removal", "INSTALLED", "REMOVED", "2026-02-01T10:00:00",
        "removal.note", "=HYPERLINK(\"x\"), \"swollen\"\ncase", "removal.reason", "RETIREMENT"));
    out.add(event(PACK, 4, 6, STATION, "collection", "REMOVED", "COLLECTED",
        "2026-02-01T10:30:00"));
    out.add(event(PACK, 5, 7, STATION, "shipment", "COLLECTED", "IN_TRANSIT",
        "2026-02-02T08:00:00", "shipment.destination_site", LINE, "shipment.waybill",
        "SF1234567"));
    out.add(event(PACK, 6, 8, LINE, "receipt", "IN_TRANSIT", "RECEIVED", "2026-02-04T15:00:00",
        "receipt.waybill", "SF1234567"));
    SortedMap<String, String> graded = event(PACK, 7, 9, LINE, "inspection", "RECEIVED",
        "GRADED", "2026-02-05T11:00:00", "inspection.grade", "B",
        "inspection.soh.state_of_certified_energy_percent", "80.000", "inspection.test_date",
        "2026-02-05", "inspection.test_standard", "GB/T 34015-2017", "inspection.tester",
        "Lab 2");
    graded.put("device", LINE + "/devices/dock-2");
    graded.put("label.serial", "42");
    out.add(graded);
    String[] dismantling = {"dismantling.child.000.code", MODULE,
        "dismantling.child.000.mass_kg", "360.000", "dismantling.child.000.nominal_voltage_v",
        "51.200", "dismantling.child.000.rated_capacity_ah", "150.000",
        "dismantling.child.000.rated_energy_kwh", "12.000", "dismantling.child_count", "1",
        "dismantling.residue_kg", "20.000", "step.id", STEP, "step.unit", PACK};
    SortedMap<String, String> parent = event(PACK, 8, 10, LINE, "dismantling", "GRADED",
        "DISMANTLED", "2026-02-10T09:00:00", dismantling);
    parent.put("step.part", "parent");
    parent.put("event.id", STEP);
    out.add(parent);
    SortedMap<String, String> child = event(MODULE, 1, 11, LINE, "dismantling", null,
        "RECEIVED", "2026-02-10T09:00:00", dismantling);
    child.put("step.part", "child");
    child.put("event.id", Canonical.derivedEventId(java.util.UUID.fromString(STEP), MODULE)
        .toString());
    out.add(child);
    String recyclingStep = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
    SortedMap<String, String> recycled = event(MODULE, 2, 12, LINE, "recycling", "RECEIVED",
        "RECYCLED", "2026-02-20T14:00:00", "recycling.feed.al_kg", "30.000",
        "recycling.feed.co_kg", "0.000", "recycling.feed.cu_kg", "20.000",
        "recycling.feed.li_kg", "4.000", "recycling.feed.mn_kg", "0.000",
        "recycling.feed.ni_kg", "0.000", "recycling.input_count", "0",
        "recycling.lot.000.element.al_kg", "0.000", "recycling.lot.000.element.co_kg", "0.000",
        "recycling.lot.000.element.cu_kg", "0.000", "recycling.lot.000.element.li_kg", "3.700",
        "recycling.lot.000.element.mn_kg", "0.000", "recycling.lot.000.element.ni_kg", "0.000",
        "recycling.lot.000.id", "lot-2026-0042", "recycling.lot.000.mass_kg", "19.700",
        "recycling.lot.000.product", "LI2CO3", "recycling.lot_count", "1", "step.id",
        recyclingStep, "step.part", "input", "step.unit", MODULE);
    recycled.put("event.id", recyclingStep);
    out.add(recycled);
    return out;
  }

  private static SortedMap<String, String> event(String code, int sequence, int logIndex,
      String site, String type, String before, String after, String time, String... step) {
    SortedMap<String, String> f = new TreeMap<>();
    f.put("actor.organization", site.substring(0, site.indexOf("/sites/")));
    f.put("actor.site", site);
    f.put("event.id", String.format("00000000-0000-4000-8000-%012d", logIndex));
    f.put("event.time", time + ".000000Z");
    f.put("event.type", type);
    f.put("log.index", Integer.toString(logIndex));
    f.put("record.time", time.substring(0, 17) + "01.000000Z");
    if (before != null) {
      f.put("state.before", before);
    }
    f.put("state.after", after);
    f.put("unit.code", code);
    f.put("unit.sequence", Integer.toString(sequence));
    for (int i = 0; i < step.length; i += 2) {
      f.put(step[i], step[i + 1]);
    }
    return f;
  }

  /** The history the input describes: events as the API answers them, hashes chained. */
  static UnitHistory history(String input) {
    Map<String, String> names = new LinkedHashMap<>();
    List<SortedMap<String, String>> events = new ArrayList<>();
    SortedMap<String, String> current = null;
    for (String line : input.split("\n")) {
      if (line.isEmpty() || line.equals("names")) {
        continue;
      }
      if (line.equals("event")) {
        current = new TreeMap<>();
        events.add(current);
        continue;
      }
      int eq = line.indexOf(" = ");
      String k = line.substring(0, eq);
      String v = line.substring(eq + 3).replace("\\n", "\n");
      if (current == null) {
        names.put(k, v);
      } else {
        current.put(k, v);
      }
    }
    Map<String, byte[]> previous = new HashMap<>();
    List<UnitHistory.Recorded> recorded = new ArrayList<>();
    for (SortedMap<String, String> f : events) {
      String code = f.get("unit.code");
      byte[] canonical = Canonical.encode(f);
      byte[] hash = HashChain.hash(previous.getOrDefault(code, new byte[32]), canonical);
      previous.put(code, hash);
      Event.Builder e = Event.newBuilder()
          .setName("units/" + code + "/events/" + f.get("unit.sequence"))
          .setEventId(f.get("event.id")).setUnit("units/" + code)
          .setSequence(Long.parseLong(f.get("unit.sequence")))
          .setLogIndex(Long.parseLong(f.get("log.index")))
          .setEventTime(PacktrailClient.timestamp(Instant.parse(f.get("event.time"))))
          .setActorSite(f.get("actor.site")).setActorOrganization(f.get("actor.organization"))
          .setCanonicalBytes(ByteString.copyFrom(canonical)).setHash(ByteString.copyFrom(hash));
      if (f.containsKey("device")) {
        e.setDevice(f.get("device"));
      }
      recorded.add(new UnitHistory.Recorded(e.build(), f));
    }
    return UnitHistory.of(PACK, GetLineageResponse.getDefaultInstance(), recorded, names);
  }

  private static Path formatsDocument() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("formats.md");
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("docs/formats.md not found");
  }
}
