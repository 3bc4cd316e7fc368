package io.packtrail.server.security;

import static io.packtrail.server.testing.Statuses.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.Event;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.LineageDirection;
import io.packtrail.v1.LineageNode;
import io.packtrail.v1.ListMaterialLotsRequest;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.LogEntryKind;
import io.packtrail.v1.MaterialProduct;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Shipment;
import io.packtrail.v1.Unit;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The EU access tiers: a unit's public part for any authenticated caller; its history,
 * custody and state of health for its parties and authorities. Single reads are denied without
 * interest (alike for unknown units), listings and streams leave out what the caller may not
 * see, and mixed answers show others' public part only.
 */
class AccessTiersTest {
  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withCallerResolver(TestPrincipals.RESOLVER));

  static final Principal DEALER = TestPrincipals.system(Fixtures.DEALER);
  static final Principal RECYCLER = TestPrincipals.system(Fixtures.RECYCLER);
  static final Principal CASCADE = TestPrincipals.system(Fixtures.CASCADE);
  static final Principal AUDITOR = TestPrincipals.auditor();

  /** Sold by the dealer: parties maker and dealer. */
  static String dealers;
  /** Collected by the dealer, shipped to the recycler's plant and received there. */
  static String recyclers;
  static String lot = "tier-lot-1";

  @BeforeAll
  static void data() {
    Fixtures.network(harness.client());
    PacktrailClient local = harness.client();
    dealers = Fixtures.registeredPack(local);
    local.recordEvent(Fixtures.sale(dealers));
    recyclers = Fixtures.registeredPack(local);
    local.recordEvent(Fixtures.sale(recyclers));
    local.recordEvent(Fixtures.removal(recyclers, RemovalReason.REMOVAL_REASON_RETIREMENT));
    local.recordEvent(Fixtures.collection(recyclers));
    local.recordEvent(Fixtures.shipment(recyclers, "WB-T1"));
    local.recordEvent(Fixtures.receipt(recyclers, "WB-T1"));
    local.recordEvent(Fixtures.inspection(recyclers));
  }

  static PacktrailClient as(Principal p) {
    return PacktrailClient.over(TestPrincipals.as(harness.channel(), p), Duration.ofSeconds(20));
  }

  @Test
  void anyCallerSeesTheUnitsPublicPartItsPartiesTheRest() {
    Unit seen = as(RECYCLER).getUnit(dealers);
    assertEquals(dealers, seen.getCode());
    assertEquals(Fixtures.MAKER, seen.getMaker());
    assertEquals(io.packtrail.v1.LifecycleState.LIFECYCLE_STATE_INSTALLED, seen.getState());
    assertEquals(55.5, seen.getRatedEnergyKwh());
    assertEquals("", seen.getCustodian());
    assertEquals("", seen.getVin());
    assertEquals(0, seen.getEventCount());
    assertTrue(seen.getHeadHash().isEmpty());

    Unit full = as(DEALER).getUnit(dealers);
    assertEquals(Fixtures.DEALER, full.getCustodian());
    assertEquals(Fixtures.SALE_VIN, full.getVin());
    assertEquals(2, full.getEventCount());

    Unit graded = as(RECYCLER).getUnit(recyclers);
    assertTrue(graded.hasStateOfHealth(), "a party sees the state of health");
    Unit publicOnly = as(CASCADE).getUnit(recyclers);
    assertFalse(publicOnly.hasStateOfHealth(), "others do not");
    assertEquals(io.packtrail.v1.Grade.GRADE_UNSPECIFIED, publicOnly.getGrade());
    assertTrue(as(AUDITOR).getUnit(recyclers).hasStateOfHealth(), "authorities do");
  }

  @Test
  void aUnitsHistoryIsForItsPartiesAndAuthorities() {
    var denied = assertDenied("LEGITIMATE_INTEREST", () -> as(RECYCLER).listEvents(dealers));
    String unknown = Fixtures.newPackCode();
    var absent = assertDenied("LEGITIMATE_INTEREST", () -> as(RECYCLER).listEvents(unknown));
    assertEquals(denied.getMessage().replace(dealers, unknown), absent.getMessage());
    assertEquals(2, as(DEALER).listEvents(dealers).size());
    assertEquals(1, as(RECYCLER).listEvents(recyclers).get(0).getSequence(), "the whole "
        + "history, also from before it came to the recycler");
    assertEquals(2, as(TestPrincipals.regulator()).listEvents(dealers).size());
    assertEquals(2, as(TestPrincipals.device(Fixtures.STATION, "tier-scanner"))
        .listEvents(dealers).size(), "a device reads as its organisation");
  }

  @Test
  void listingsKeepToTheCallersUnits() {
    ListUnitsRequest all = ListUnitsRequest.getDefaultInstance();
    Set<String> recyclersUnits = codes(as(RECYCLER).listAllUnits(all));
    assertTrue(recyclersUnits.contains(recyclers));
    assertFalse(recyclersUnits.contains(dealers));
    Set<String> dealersUnits = codes(as(DEALER).listAllUnits(all));
    assertTrue(dealersUnits.containsAll(List.of(dealers, recyclers)));
    assertTrue(codes(as(AUDITOR).listAllUnits(all)).containsAll(List.of(dealers, recyclers)));
    // a custodian filter cannot reach past the caller's units
    assertFalse(codes(as(RECYCLER).listAllUnits(ListUnitsRequest.newBuilder()
        .setCustodian(Fixtures.DEALER).build())).contains(dealers));
  }

  @Test
  void aWatchFollowsTheUnitsTheCallerIsAPartyOf() {
    Set<String> units = new HashSet<>();
    long receiptOfRecyclers = -1;
    try (Context.CancellableContext watch = Context.current().withCancellation()) {
      Context previous = watch.attach();
      try {
        Iterator<WatchEventsResponse> stream = EventServiceGrpc.newBlockingStub(
                TestPrincipals.as(harness.channel(), RECYCLER))
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .watchEvents(WatchEventsRequest.newBuilder().setStartLogIndex(0).build());
        while (receiptOfRecyclers < 0) {
          Event e = stream.next().getEvent();
          units.add(e.getUnit());
          if (e.getUnit().equals("units/" + recyclers) && e.hasInspection()) {
            receiptOfRecyclers = e.getLogIndex();
          }
        }
      } finally {
        watch.detach(previous);
      }
    }
    assertTrue(units.contains("units/" + recyclers));
    assertFalse(units.contains("units/" + dealers), "events of units it is no party of: " + units);
  }

  @Test
  void logEntriesShowEveryoneTheLeafHashAndTheBytesToTheParties() {
    long size = as(AUDITOR).createCheckpoint().getTreeSize();
    Map<String, List<LogEntry>> byUnit = as(RECYCLER).listAllLogEntries(0).stream()
        .filter(e -> e.getKind() == LogEntryKind.LOG_ENTRY_KIND_EVENT)
        .collect(Collectors.groupingBy(e -> e.getSubject().isEmpty() ? "hidden"
            : e.getSubject().substring(0, e.getSubject().indexOf("/events/"))));
    assertEquals(as(RECYCLER).listEvents(recyclers).size(),
        byUnit.get("units/" + recyclers).size());
    assertFalse(byUnit.containsKey("units/" + dealers));
    for (LogEntry hidden : byUnit.get("hidden")) {
      assertTrue(hidden.getCanonicalBytes().isEmpty());
      assertEquals(32, hidden.getLeafHash().size(), "enough to rebuild the tree");
    }
    long auditorsHidden = as(AUDITOR).listAllLogEntries(0).stream()
        .filter(e -> e.getCanonicalBytes().isEmpty()).count();
    assertEquals(0, auditorsHidden);

    // an inclusion proof by event name tells the unit's history; by index, hashes only
    Event sale = as(DEALER).listEvents(dealers).get(1);
    assertDenied("LEGITIMATE_INTEREST", () -> as(RECYCLER).getInclusionProof(sale.getName(),
        size));
    assertEquals(sale.getLogIndex(), as(DEALER).getInclusionProof(sale.getName(), size)
        .getLogIndex());
    assertEquals(sale.getLogIndex(), as(RECYCLER).getInclusionProof(sale.getLogIndex(), size)
        .getLogIndex());
  }

  @Test
  void aFilteredLogListingsPagesAndTokensTellNothingOfOthersEvents() {
    as(AUDITOR).createCheckpoint(); // every event so far in the tree the listing reads
    assertTrue(as(AUDITOR).listAllLogEntries(0, "subject = \"units/" + dealers + "/events/*\"")
        .size() >= 2, "the hidden unit has events to hide");
    String hidden = "subject = \"units/" + dealers + "/events/*\"";
    io.packtrail.v1.ListLogEntriesResponse page = as(RECYCLER).listLogEntries(
        io.packtrail.v1.ListLogEntriesRequest.newBuilder().setFilter(hidden).setPageSize(1)
            .build());
    assertEquals(0, page.getLogEntriesCount());
    // a token here named the hidden events' log indexes, and said there were more of them
    assertEquals("", page.getNextPageToken());

    // both units, a page at a time: the recycler's own events only, and no empty page
    String both = "subject = \"units/" + recyclers + "/events/*\" OR " + hidden;
    List<String> names = new java.util.ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      page = as(RECYCLER).listLogEntries(io.packtrail.v1.ListLogEntriesRequest.newBuilder()
          .setFilter(both).setPageSize(1).setPageToken(token).build());
      pages++;
      page.getLogEntriesList().forEach(e -> names.add(e.getSubject()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    List<String> own = as(RECYCLER).listEvents(recyclers).stream().map(Event::getName)
        .toList();
    assertEquals(own, names);
    assertEquals(own.size(), pages);
  }

  @Test
  void lineageAndLotsForTheirParties() {
    PacktrailClient local = harness.client();
    // a pack dismantled at the dismantler's line; one module goes on to the recycler
    String pack = Fixtures.gradedPackAt(local, Fixtures.LINE);
    String m1 = Fixtures.newCode('M');
    String m2 = Fixtures.newCode('M');
    local.recordStep(Fixtures.dismantling(pack, Fixtures.LINE, 20, Fixtures.child(m1, 180),
        Fixtures.child(m2, 180)));
    local.recordEvent(Fixtures.step(m1, Fixtures.LINE).setShipment(Shipment.newBuilder()
        .setDestinationSite(Fixtures.PLANT).setWaybill("WB-T2")).build());
    local.recordEvent(Fixtures.step(m1, Fixtures.PLANT).setReceipt(Receipt.newBuilder()
        .setWaybill("WB-T2")).build());

    assertDenied("LEGITIMATE_INTEREST", () -> as(RECYCLER).getLineage("units/" + pack,
        LineageDirection.LINEAGE_DIRECTION_BOTH));
    List<LineageNode> nodes = as(RECYCLER).getLineage("units/" + m1,
        LineageDirection.LINEAGE_DIRECTION_ANCESTORS).getNodesList();
    LineageNode own = nodes.stream().filter(n -> n.getName().equals("units/" + m1))
        .findFirst().orElseThrow();
    LineageNode parent = nodes.stream().filter(n -> n.getName().equals("units/" + pack))
        .findFirst().orElseThrow();
    assertEquals(Fixtures.RECYCLER, own.getCustodian());
    assertEquals("", parent.getCustodian(), "the parent's custody is the dismantler's business");
    // the dismantling's event names the pack's sequence, its step count: not the recycler's to see
    assertEquals(List.of(""), as(RECYCLER).getLineage("units/" + m1,
        LineageDirection.LINEAGE_DIRECTION_ANCESTORS).getEdgesList().stream()
        .map(e -> e.getEvent()).toList());
    assertTrue(as(AUDITOR).getLineage("units/" + m1, LineageDirection.LINEAGE_DIRECTION_ANCESTORS)
        .getEdgesList().get(0).getEvent().startsWith("units/" + pack + "/events/"));
    assertEquals(io.packtrail.v1.LifecycleState.LIFECYCLE_STATE_DISMANTLED, parent.getState());
    assertEquals(Fixtures.DISMANTLER, as(AUDITOR).getLineage("units/" + m1,
        LineageDirection.LINEAGE_DIRECTION_ANCESTORS).getNodesList().stream()
        .filter(n -> n.getName().equals("units/" + pack)).findFirst().orElseThrow()
        .getCustodian());

    // the recycler makes a lot of the graded pack it holds
    local.recordStep(Fixtures.recycling(recyclers, Fixtures.PLANT,
        Fixtures.elements(5, 20, 5, 5, 10, 10), List.of(Fixtures.lot(lot,
            MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 200, Fixtures.elements(4, 18, 4, 4, 0,
                0)))));
    assertEquals("materialLots/" + lot, as(RECYCLER).getMaterialLot(lot).getMaterialLot()
        .getName());
    as(TestPrincipals.system(Fixtures.MAKER)).getMaterialLot(lot); // made its input
    assertDenied("LEGITIMATE_INTEREST", () -> as(CASCADE).getMaterialLot(lot));
    assertDenied("LEGITIMATE_INTEREST", () -> as(CASCADE).getMaterialLot("no-such-lot"));

    assertEquals(1, as(RECYCLER).listMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setPlantSite(Fixtures.PLANT).build()).getMaterialLotsCount());
    assertDenied("OWN_RESOURCE", () -> as(DEALER).listMaterialLots(ListMaterialLotsRequest
        .newBuilder().setPlantSite(Fixtures.PLANT).build()));
    assertEquals(1, as(DEALER).listMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setUnit("units/" + recyclers).build()).getMaterialLotsCount());
    assertDenied("LEGITIMATE_INTEREST", () -> as(CASCADE).listMaterialLots(
        ListMaterialLotsRequest.newBuilder().setUnit("units/" + recyclers).build()));
    assertDenied("OWN_RESOURCE", () -> as(RECYCLER).listMaterialLots(
        ListMaterialLotsRequest.getDefaultInstance()));
    assertTrue(as(AUDITOR).listMaterialLots(ListMaterialLotsRequest.getDefaultInstance())
        .getMaterialLotsCount() >= 1);

    // the module the pack became is recycled by the recycler: the dealer, a party of the pack
    // but not of the module, may not read that lot, and its listing by the pack does not show it
    String moduleLot = "tier-lot-m1";
    local.recordStep(Fixtures.recycling(m1, Fixtures.PLANT, Fixtures.elements(2, 10, 2, 2, 5, 5),
        List.of(Fixtures.lot(moduleLot, MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 100,
            Fixtures.elements(2, 9, 2, 2, 0, 0)))));
    assertDenied("LEGITIMATE_INTEREST", () -> as(DEALER).getMaterialLot(moduleLot));
    assertEquals(0, as(DEALER).listMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setUnit("units/" + pack).build()).getMaterialLotsCount());
    assertEquals(List.of("materialLots/" + moduleLot), as(RECYCLER).listMaterialLots(
        ListMaterialLotsRequest.newBuilder().setUnit("units/" + m1).build())
        .getMaterialLotsList().stream().map(l -> l.getName()).toList());
    assertEquals(1, as(AUDITOR).listMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setUnit("units/" + pack).build()).getMaterialLotsCount(), "an authority sees all");
    // in the pack's lineage the dealer sees that the module became a lot, not what it made
    // nor who: the lot's product and maker are for those who may read it
    LineageNode hiddenLot = lotNode(as(DEALER), pack, moduleLot);
    assertEquals(MaterialProduct.MATERIAL_PRODUCT_UNSPECIFIED, hiddenLot.getProduct());
    assertEquals("", hiddenLot.getCustodian());
    LineageNode shownLot = lotNode(as(RECYCLER), m1, moduleLot);
    assertEquals(MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, shownLot.getProduct());
    assertEquals(Fixtures.RECYCLER, shownLot.getCustodian());
    assertEquals(MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS,
        lotNode(as(AUDITOR), pack, moduleLot).getProduct());

    // a lot recorded against m2 (the dealer is no party of it) with a pack the dealer sold as
    // another input: the dealer reads the lot, but not the event, which tells m2's sequence
    local.recordEvent(Fixtures.step(m2, Fixtures.LINE).setShipment(Shipment.newBuilder()
        .setDestinationSite(Fixtures.PLANT).setWaybill("WB-T3")).build());
    local.recordEvent(Fixtures.step(m2, Fixtures.PLANT).setReceipt(Receipt.newBuilder()
        .setWaybill("WB-T3")).build());
    String sold = Fixtures.gradedPackAt(local, Fixtures.PLANT);
    String mixedLot = "tier-lot-mixed";
    local.recordStep(Fixtures.recycling(m2, Fixtures.PLANT, Fixtures.elements(2, 10, 2, 2, 5, 5),
        List.of(Fixtures.lot(mixedLot, MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 100,
            Fixtures.elements(2, 9, 2, 2, 0, 0))), sold));
    assertEquals("", as(DEALER).getMaterialLot(mixedLot).getMaterialLot().getEvent());
    assertEquals(List.of(""), as(DEALER).listMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setUnit("units/" + sold).build()).getMaterialLotsList().stream()
        .map(l -> l.getEvent()).toList());
    assertTrue(as(RECYCLER).getMaterialLot(mixedLot).getMaterialLot().getEvent()
        .startsWith("units/" + m2 + "/events/"));
    // a party of one input reads the lot, and so sees its product and maker in the lineage
    LineageNode readLot = lotNode(as(DEALER), sold, mixedLot);
    assertEquals(MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, readLot.getProduct());
    assertEquals(Fixtures.RECYCLER, readLot.getCustodian());

    // the dealer exports the pack's history: the pack's events, not those of the modules it
    // became, which are not the dealer's to read (left out, as ExportEvents leaves them)
    String csv = as(DEALER).exportUnitHistory(pack,
        io.packtrail.v1.ExportFormat.EXPORT_FORMAT_CSV).getContent().toStringUtf8();
    assertTrue(csv.contains("\r\n" + pack + ","), csv);
    assertTrue(!csv.contains("\r\n" + m1 + ",") && !csv.contains("\r\n" + m2 + ","), csv);
    // built through the SDK as the dealer (the scanner's export): the same file
    assertEquals(csv, io.packtrail.client.export.HistoryCsv.write(
        io.packtrail.client.export.HistoryCsv.rows(io.packtrail.client.export.UnitHistory
            .collect(io.packtrail.client.audit.AuditSource.of(as(DEALER)), pack))));
    String all = as(AUDITOR).exportUnitHistory(pack,
        io.packtrail.v1.ExportFormat.EXPORT_FORMAT_CSV).getContent().toStringUtf8();
    assertTrue(all.contains("\r\n" + m1 + ",") && all.contains("\r\n" + m2 + ","), all);
  }

  /** The node of {@code lot} in the descendants of {@code unit}, as {@code client} sees it. */
  private static LineageNode lotNode(PacktrailClient client, String unit, String lot) {
    return client.getLineage("units/" + unit, LineageDirection.LINEAGE_DIRECTION_DESCENDANTS)
        .getNodesList().stream().filter(n -> n.getName().equals("materialLots/" + lot))
        .findFirst().orElseThrow(() -> new AssertionError(lot + " is not in the lineage of "
            + unit));
  }

  private static Set<String> codes(List<Unit> units) {
    return units.stream().map(Unit::getCode).collect(Collectors.toSet());
  }
}
