package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.Grade;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.RemovalReason;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.StateOfHealth;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.SiteDao;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.ElementRecovery;
import io.packtrail.v1.GetLineageRequest;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.GetMaterialLotRequest;
import io.packtrail.v1.GetPlantFiguresRequest;
import io.packtrail.v1.GetPlantFiguresResponse;
import io.packtrail.v1.LineageDirection;
import io.packtrail.v1.LineageEdge;
import io.packtrail.v1.LineageEdgeKind;
import io.packtrail.v1.LineageNode;
import io.packtrail.v1.LineageServiceGrpc;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.ListMaterialLotsRequest;
import io.packtrail.v1.ListTradeInsRequest;
import io.packtrail.v1.ListTradeInsResponse;
import io.packtrail.v1.MaterialLot;
import io.packtrail.v1.TradeInRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LineageService over gRPC on real PostgreSQL. The data is one full loop recorded through the
 * sequencer (the API mapping of the new steps lands separately): two NCM packs traded in at a
 * station and dismantled at a plant; one module of each assembled into a second-life pack,
 * commissioned, decommissioned and dismantled again, one of its modules into cells; cells and
 * modules recycled into six lots. Expected figures are computed by hand in the comments.
 */
class LineageServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  static final String VIN = "1M8GDM9AXKP042788";
  static final String VIN2 = "LFV2A21K8G4123459";
  static final Instant JANUARY = Instant.parse("2026-01-05T00:00:00Z");
  static final Instant MAY = Instant.parse("2026-05-05T00:00:00Z");
  static final Instant PERIOD_START = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant PERIOD_END = Instant.parse("2026-04-01T00:00:00Z");
  static final AtomicInteger SERIAL = new AtomicInteger(1);

  static Jdbi jdbi;
  static Sequencer sequencer;
  static PacktrailClient client;
  static LineageServiceGrpc.LineageServiceBlockingStub stub;
  static Actor factory;
  static Actor station;
  static Actor line;
  static Actor cascade;
  static Actor microgrid;
  static Instant clock;

  // the loop
  static String p1;
  static String p2;
  static String r1;
  static String m1;
  static String m2;
  static String m3;
  static String m4;
  static String s;
  static String m5;
  static String m6;
  static List<String> cells;
  static List<String> lots = List.of("ncm-niso4-0001", "ncm-co3o4-0001", "ncm-mnso4-0001",
      "ncm-li2co3-0001", "ncm-cu-0001", "ncm-al-0001");

  @BeforeAll
  static void recordTheLoop() throws Exception {
    jdbi = harness.jdbi();
    client = harness.client();
    stub = LineageServiceGrpc.newBlockingStub(harness.channel());
    sequencer = new Sequencer(jdbi, Clock.systemUTC(), 64, 1000);
    factory = actor("lin-maker", "factory", SiteKind.FACTORY, "TMK",
        OrganizationRole.BATTERY_MAKER);
    station = actor("lin-station", "chengguan", SiteKind.DEALERSHIP, null,
        OrganizationRole.DEALER, OrganizationRole.COLLECTION_OUTLET);
    // the plant declares 5,000 t/a of input (GetPlantFigures' capacity figures)
    line = actor("lin-jinchang", "plant", SiteKind.DISMANTLING_LINE, null, 5000.0,
        OrganizationRole.DISMANTLER, OrganizationRole.RECYCLER);
    cascade = actor("lin-cascade", "plant", SiteKind.CASCADE_PLANT, "LCA",
        OrganizationRole.CASCADE_USER);
    site("lin-cascade", "microgrid", SiteKind.MICROGRID_STORAGE);
    microgrid = new Actor(cascade.organization(), "organizations/lin-cascade/sites/microgrid",
        cascade.roles(), SiteKind.MICROGRID_STORAGE);

    clock = JANUARY;
    p1 = pack();
    p2 = pack();
    r1 = pack();
    String r2 = pack();
    String p3 = pack();
    record(p1, new Step.Sale(VIN, station.organization()), station);
    record(p2, new Step.Sale(VIN2, station.organization()), station);
    record(p1, new Step.TradeIn(VIN, r1, "old for new"), station);
    record(p2, new Step.Removal(RemovalReason.RETIREMENT, null), station);
    for (String pack : List.of(p1, p2)) {
      toGraded(pack, station, line);
    }
    m1 = code('M');
    m2 = code('M');
    m3 = code('M');
    m4 = code('M');
    // 400 = 190 + 190 + 20 residue, twice
    record(p1, new Step.Dismantling(List.of(child(m1, 190), child(m2, 190)), 20, null), line);
    record(p2, new Step.Dismantling(List.of(child(m3, 190), child(m4, 190)), 20, null), line);
    for (String m : List.of(m1, m2, m3, m4)) {
      record(m, inspection(), line);
    }
    for (String m : List.of(m1, m3)) {
      record(m, new Step.Shipment(cascade.site(), "WB-" + m), line);
      record(m, new Step.Receipt(null), cascade);
      record(m, inspection(), cascade);
    }
    s = "LCA" + code('P').substring(3); // an assembled product carries its firm's code
    record(s, new Step.Assembly(List.of(m1, m3), 24, 150, 350, 385), cascade);
    record(s, new Step.Commissioning("microgrid storage for 6 MW PV", 22, null), microgrid);
    record(s, new Step.SecondLifeInspection(90, 20, null), microgrid);
    record(s, new Step.Decommissioning(null), microgrid);
    record(s, new Step.Collection(null), station);
    record(s, new Step.Shipment(line.site(), "WB-" + s), station);
    record(s, new Step.Receipt(null), line);
    record(s, inspection(), line);
    m5 = code('M');
    m6 = code('M');
    // 385 = 190 + 190 + 5
    record(s, new Step.Dismantling(List.of(child(m5, 190), child(m6, 190)), 5, null), line);
    record(m5, inspection(), line);
    cells = List.of(code('C'), code('C'), code('C'), code('C'));
    // 190 = 4 x 45 + 10
    record(m5, new Step.Dismantling(cells.stream().map(c -> child(c, 45)).toList(), 10, null),
        line);
    // inputs: 4 cells (180) + m2, m4, m6 (570) = 750 kg; feed 205 kg of elements
    record(cells.get(0), new Step.Recycling(List.of(
        lot(0, MaterialProduct.NISO4, 250, new ElementMasses(0, 59, 0, 0, 0, 0)),
        lot(1, MaterialProduct.CO3O4, 27, new ElementMasses(0, 0, 19.5, 0, 0, 0)),
        lot(2, MaterialProduct.MNSO4, 62, new ElementMasses(0, 0, 0, 19.8, 0, 0)),
        lot(3, MaterialProduct.LI2CO3, 75, new ElementMasses(13.8, 0, 0, 0, 0, 0)),
        lot(4, MaterialProduct.COPPER, 39.5, new ElementMasses(0, 0, 0, 0, 39.5, 0)),
        lot(5, MaterialProduct.ALUMINIUM, 49.5, new ElementMasses(0, 0, 0, 0, 0, 49.5))),
        new ElementMasses(15, 60, 20, 20, 40, 50),
        List.of(cells.get(1), cells.get(2), cells.get(3), m2, m4, m6), null), line);

    // a second trade-in at the station, in May (outside the first quarter)
    clock = MAY;
    record(p3, new Step.Sale(VIN, station.organization()), station);
    record(p3, new Step.TradeIn(VIN, r2, null), station);
  }

  @AfterAll
  static void stop() {
    sequencer.close();
  }

  // ---- lineage ----

  @Test
  void descendantsOfAnOriginalPackReachModulesTheSecondLifePackCellsAndLots() {
    GetLineageResponse g = client.getLineage("units/" + p1,
        LineageDirection.LINEAGE_DIRECTION_DESCENDANTS);
    Map<String, LineageNode> nodes = byName(g);
    // p1; m1, m2, r1; s, six lots (via m2); m5, m6; four cells
    assertEquals(1 + 3 + 1 + 6 + 2 + 4, nodes.size(), nodes.keySet().toString());
    assertFalse(g.getTruncated());
    assertEquals(0, nodes.get(unit(p1)).getDepth());
    assertEquals("units/" + p1, g.getNodes(0).getName(), "the queried node comes first");
    assertEquals(1, nodes.get(unit(m2)).getDepth());
    assertEquals(2, nodes.get(unit(s)).getDepth());
    assertEquals(3, nodes.get(unit(m5)).getDepth());
    assertEquals(4, nodes.get(unit(cells.get(0))).getDepth());
    assertEquals(2, nodes.get(lotName(0)).getDepth(), "the nearest path: p1 -> m2 -> lot");
    assertEquals(1, nodes.get(unit(r1)).getDepth(), "the replacement is shown");
    assertEquals(LifecycleState.LIFECYCLE_STATE_DISMANTLED, nodes.get(unit(p1)).getState());
    assertEquals(LifecycleState.LIFECYCLE_STATE_RECYCLED, nodes.get(unit(m6)).getState());
    assertEquals(line.organization(), nodes.get(unit(m6)).getCustodian());
    assertEquals(io.packtrail.v1.UnitLevel.UNIT_LEVEL_CELL,
        nodes.get(unit(cells.get(2))).getLevel());
    assertEquals(io.packtrail.v1.MaterialProduct.MATERIAL_PRODUCT_CO3O4,
        nodes.get(lotName(1)).getProduct());
    assertEquals(line.organization(), nodes.get(lotName(1)).getCustodian());

    // 2 + 1 replaced-by + 1 assembled + 6 (m2) + 2 + 4 + 6 (m6) + 24 (cells)
    assertEquals(46, g.getEdgesCount());
    assertEdge(g, LineageEdgeKind.LINEAGE_EDGE_KIND_DISMANTLED_INTO, p1, m1);
    assertEdge(g, LineageEdgeKind.LINEAGE_EDGE_KIND_REPLACED_BY, p1, r1);
    assertEdge(g, LineageEdgeKind.LINEAGE_EDGE_KIND_ASSEMBLED_INTO, m1, s);
    assertEdge(g, LineageEdgeKind.LINEAGE_EDGE_KIND_DISMANTLED_INTO, m5, cells.get(3));
    LineageEdge recycled = edge(g, "units/" + cells.get(2), lotName(3));
    assertEquals(LineageEdgeKind.LINEAGE_EDGE_KIND_RECYCLED_INTO, recycled.getKind());
    // every edge names the event that made it: the step's event on its primary unit
    List<Event> history = events(cells.get(0));
    assertEquals(history.get(history.size() - 1).name(), recycled.getEvent());
    assertEquals(edge(g, unit(p1), unit(m1)).getEvent(), edge(g, unit(p1), unit(m2)).getEvent());
    assertTrue(edge(g, unit(m1), unit(s)).getEvent().startsWith(unit(s) + "/events/"));
    for (LineageEdge e : g.getEdgesList()) {
      assertFalse(e.getEvent().isEmpty(), e.toString());
    }
  }

  @Test
  void ancestorsOfALotReachEveryPackItCameFrom() {
    GetLineageResponse g = client.getLineage(lotName(1),
        LineageDirection.LINEAGE_DIRECTION_ANCESTORS);
    Map<String, LineageNode> nodes = byName(g);
    // the lot; 7 inputs; m5, s, p1, p2; m1, m3
    assertEquals(14, nodes.size(), nodes.keySet().toString());
    assertEquals(-1, nodes.get(unit(m2)).getDepth());
    assertEquals(-2, nodes.get(unit(p1)).getDepth());
    assertEquals(-2, nodes.get(unit(s)).getDepth());
    assertEquals(-3, nodes.get(unit(m3)).getDepth());
    assertFalse(nodes.containsKey(unit(r1)));
    assertEdge(g, LineageEdgeKind.LINEAGE_EDGE_KIND_ASSEMBLED_INTO, m3, s);
    assertEquals(7, g.getEdgesList().stream()
        .filter(e -> e.getKind() == LineageEdgeKind.LINEAGE_EDGE_KIND_RECYCLED_INTO).count());
  }

  @Test
  void bothWaysFromACellAndFromTheReplacement() {
    GetLineageResponse g = client.getLineage("units/" + cells.get(0),
        LineageDirection.LINEAGE_DIRECTION_BOTH);
    Map<String, LineageNode> nodes = byName(g);
    // the cell; m5, s, m1, m3, p1, p2 above; six lots below
    assertEquals(1 + 6 + 6, nodes.size(), nodes.keySet().toString());
    assertEquals(-4, nodes.get(unit(p2)).getDepth());
    assertEquals(1, nodes.get(lotName(5)).getDepth());
    assertFalse(nodes.containsKey(unit(m2)), "siblings' branches are not lineage");

    // the replacement did not come from the old pack's material: shown, not followed
    GetLineageResponse r = client.getLineage("units/" + r1,
        LineageDirection.LINEAGE_DIRECTION_BOTH);
    assertEquals(Set.of(unit(r1), unit(p1)), byName(r).keySet());
    assertEquals(-1, byName(r).get(unit(p1)).getDepth());
    assertEdge(r, LineageEdgeKind.LINEAGE_EDGE_KIND_REPLACED_BY, p1, r1);
  }

  @Test
  void depthAndSizeBoundsCutTheGraphNearestFirst() {
    GetLineageResponse g = stub.getLineage(GetLineageRequest.newBuilder().setName(unit(p1))
        .setDirection(LineageDirection.LINEAGE_DIRECTION_DESCENDANTS).setMaxDepth(1).build());
    assertEquals(Set.of(unit(p1), unit(m1), unit(m2), unit(r1)), byName(g).keySet());
    assertEquals(3, g.getEdgesCount());
    assertFalse(g.getTruncated());

    GetLineageResponse cut = stub.getLineage(GetLineageRequest.newBuilder().setName(unit(p1))
        .setDirection(LineageDirection.LINEAGE_DIRECTION_DESCENDANTS).setMaxNodes(3).build());
    assertTrue(cut.getTruncated());
    assertEquals(3, cut.getNodesCount());
    assertEquals(0, cut.getNodes(0).getDepth());
    assertEquals(1, cut.getNodes(1).getDepth());
    assertEquals(1, cut.getNodes(2).getDepth());
    for (LineageEdge e : cut.getEdgesList()) {
      assertTrue(byName(cut).containsKey(e.getFrom()) && byName(cut).containsKey(e.getTo()));
    }
  }

  @Test
  void theWalkStopsAtItsMostLinksNearestFirstAndSaysTheGraphIsCut() {
    var storage = new io.packtrail.server.store.JdbiStorage(jdbi);
    var whole = storage.lineageWalk(p1, null, false, true, 0);
    long links = io.packtrail.server.domain.LineageGraph.Walk.links(whole.descendants());
    assertTrue(links > 3 && !whole.cut(), links + " links");
    // as many as it has (links, and recycling edges): whole
    long recycled = whole.descendants().size() - links;
    assertFalse(storage.lineageWalk(p1, null, false, true, 0, (int) Math.max(links, recycled))
        .cut());
    // at most two links: the nearest (depth 1) and one more that tells the walk was cut, the
    // walk no further, the graph truncated
    var two = storage.lineageWalk(p1, null, false, true, 0, 2);
    assertTrue(two.cut());
    List<io.packtrail.server.domain.LineageGraph.Hop> followed = two.descendants().stream()
        .filter(h -> !h.edge().to().lot()).toList();
    assertEquals(3, followed.size());
    assertTrue(followed.stream().allMatch(h -> h.edge().depth() == 1), followed.toString());
    assertTrue(io.packtrail.server.domain.LineageGraph.of(two.root(), two.ancestors(),
        two.descendants(), 10_000, two.cut()).truncated());
  }

  // ---- lots ----

  @Test
  void aLotNamesItsInputsAndItsSourcePacks() {
    var answer = client.getMaterialLot(lots.get(1));
    MaterialLot lot = answer.getMaterialLot();
    assertEquals(lotName(1), lot.getName());
    assertEquals(27, lot.getMassKg());
    assertEquals(19.5, lot.getElementMasses().getCoKg());
    assertEquals(line.site(), lot.getPlantSite());
    assertEquals(7, lot.getInputUnitsCount());
    assertTrue(lot.getEvent().startsWith(unit(cells.get(0)) + "/events/"));
    // packs at any depth: the two originals and the second-life pack
    assertEquals(List.of(p1, p2, s).stream().sorted().map(LineageServiceTest::unit).toList(),
        answer.getSourcePacksList());
  }

  @Test
  void aPacksLotsAndLotsByProductSiteAndPeriod() {
    List<MaterialLot> ofP1 = client.listAllMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setUnit(unit(p1)).setPageSize(4).build());
    assertEquals(lots.stream().sorted().map(LineageServiceTest::materialLot).toList(),
        ofP1.stream().map(MaterialLot::getName).toList(), "in id order, over two pages");
    assertTrue(client.listAllMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setUnit(unit(r1)).build()).isEmpty(), "a replacement's lots are not the old pack's");
    List<MaterialLot> cobalt = client.listAllMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setPlantSite(line.site())
        .setProduct(io.packtrail.v1.MaterialProduct.MATERIAL_PRODUCT_CO3O4)
        .setStartTime(PacktrailClient.timestamp(PERIOD_START))
        .setEndTime(PacktrailClient.timestamp(PERIOD_END)).build());
    assertEquals(List.of(lotName(1)), cobalt.stream().map(MaterialLot::getName).toList());
    assertTrue(client.listAllMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setStartTime(PacktrailClient.timestamp(PERIOD_END)).build()).isEmpty());
    assertTrue(client.listAllMaterialLots(ListMaterialLotsRequest.newBuilder()
        .setPlantSite(cascade.site()).build()).isEmpty());
  }

  // ---- trade-ins ----

  @Test
  void theTradeInsOfAStationAndPeriodPairOldAndNew() {
    List<TradeInRecord> quarter = client.listAllTradeIns(station.site(), PERIOD_START,
        PERIOD_END);
    assertEquals(1, quarter.size(), quarter.toString());
    TradeInRecord t = quarter.get(0);
    assertEquals(unit(p1), t.getOldUnit());
    assertEquals(unit(r1), t.getReplacementUnit());
    assertEquals(VIN, t.getVin());
    assertEquals(station.site(), t.getActorSite());
    assertTrue(t.getEvent().startsWith(unit(p1) + "/events/"));

    ListTradeInsResponse first = stub.listTradeIns(ListTradeInsRequest.newBuilder()
        .setSite(station.site()).setPageSize(1).build());
    assertEquals(unit(p1), first.getTradeIns(0).getOldUnit());
    ListTradeInsResponse second = stub.listTradeIns(ListTradeInsRequest.newBuilder()
        .setSite(station.site()).setPageSize(1).setPageToken(first.getNextPageToken()).build());
    assertEquals(1, second.getTradeInsCount());
    assertEquals(VIN, second.getTradeIns(0).getVin(), "the same vehicle, a later trade-in");
    assertTrue(second.getNextPageToken().isEmpty());
    assertTrue(client.listAllTradeIns(line.site(), PERIOD_START, PERIOD_END).isEmpty());
  }

  // ---- plant figures ----

  @Test
  void plantFiguresMatchTheFiguresComputedByHand() {
    GetPlantFiguresResponse f = client.getPlantFigures(line.site(), PERIOD_START, PERIOD_END);
    // consumed at the plant: p1, p2 (400 each), s (385), m5 (190) dismantled; 4 cells (180),
    // m2, m4, m6 (190 each) recycled. Less what the plant dismantled itself in the period
    // (m1..m6, the cells): input = p1 + p2 + s = 1185 kg, all NCM packs.
    assertEquals(1, f.getInputsCount());
    assertEquals(io.packtrail.v1.Chemistry.CHEMISTRY_NCM, f.getInputs(0).getChemistry());
    assertEquals(io.packtrail.v1.UnitLevel.UNIT_LEVEL_PACK, f.getInputs(0).getLevel());
    assertEquals(1185, f.getInputs(0).getMassKg(), 1e-9);
    assertEquals(1185, f.getInputMassKg(), 1e-9);
    // lots: 250 + 27 + 62 + 75 + 39.5 + 49.5 = 503; residue 20 + 20 + 5 + 10 = 55;
    // m1 and m3 left for the cascade plant: 380 kg intermediate
    assertEquals(503, f.getLotMassKg(), 1e-9);
    assertEquals(55, f.getResidueKg(), 1e-9);
    assertEquals(380, f.getIntermediateKg(), 1e-9);
    assertEquals(1185 - 503 - 55 - 380, f.getUnaccountedKg(), 1e-9);
    assertEquals(19.5, f.getOutputElementMasses().getCoKg(), 1e-9);
    Map<String, ElementRecovery> r = f.getRecoveriesList().stream()
        .collect(Collectors.toMap(ElementRecovery::getElement, Function.identity()));
    assertEquals(List.of("li", "ni", "co", "mn", "cu", "al"),
        f.getRecoveriesList().stream().map(ElementRecovery::getElement).toList());
    assertRecovery(r.get("li"), 15, 13.8, 92.0, 90, true);
    assertRecovery(r.get("ni"), 60, 59, 98.3333333, 98, true);
    assertRecovery(r.get("co"), 20, 19.5, 97.5, 98, false);
    assertRecovery(r.get("mn"), 20, 19.8, 99.0, 98, true);
    assertRecovery(r.get("cu"), 40, 39.5, 98.75, 98, true);
    assertRecovery(r.get("al"), 50, 49.5, 99.0, 98, true);
    // 1.185 t in 90 days: 1.185 * 365.25 / 90 t per year, against 5000 t declared
    double perYear = 1.185 * 365.25 / 90;
    assertEquals(perYear, f.getThroughputTonnesPerYear(), 1e-9);
    assertEquals(5000, f.getAnnualCapacityTonnes());
    assertEquals(100 * perYear / 5000, f.getCapacityUsedPercent(), 1e-9);

    GetPlantFiguresResponse may = client.getPlantFigures(line.site(), MAY,
        MAY.plus(Duration.ofDays(30)));
    assertEquals(0, may.getInputsCount());
    assertEquals(0, may.getLotMassKg());
    assertFalse(may.getRecoveries(0).getMeetsTarget(), "nothing fed, nothing met");
  }

  // ---- refusals ----

  @Test
  void unknownUnitsLotsAndSitesAreNotFound() {
    assertFails(Status.Code.NOT_FOUND, () -> client.getLineage("units/TMKPEA1TRACE01RA59999999",
        LineageDirection.LINEAGE_DIRECTION_BOTH));
    assertFails(Status.Code.NOT_FOUND, () -> client.getLineage("materialLots/no-such-lot",
        LineageDirection.LINEAGE_DIRECTION_ANCESTORS));
    assertFails(Status.Code.NOT_FOUND, () -> client.getMaterialLot("no-such-lot"));
    assertFails(Status.Code.NOT_FOUND, () -> client.getPlantFigures(
        "organizations/lin-jinchang/sites/nowhere", PERIOD_START, PERIOD_END));
  }

  @Test
  void badInputNamesTheField() {
    var bad = Status.Code.INVALID_ARGUMENT;
    assertViolation(assertFails(bad, () -> stub.getLineage(GetLineageRequest.newBuilder()
        .setDirection(LineageDirection.LINEAGE_DIRECTION_BOTH).build())), "name", "required");
    assertViolation(assertFails(bad, () -> stub.getLineage(GetLineageRequest.newBuilder()
        .setName("lots/x").setDirection(LineageDirection.LINEAGE_DIRECTION_BOTH).build())),
        "name", "units/{code} or materialLots/{id}");
    assertViolation(assertFails(bad, () -> stub.getLineage(GetLineageRequest.newBuilder()
        .setName("materialLots/A").setDirection(LineageDirection.LINEAGE_DIRECTION_BOTH)
        .build())), "name", "materialLots/{id}");
    assertViolation(assertFails(bad, () -> stub.getLineage(GetLineageRequest.newBuilder()
        .setName(unit(p1)).build())), "direction", "required");
    assertViolation(assertFails(bad, () -> stub.getLineage(GetLineageRequest.newBuilder()
        .setName(unit(p1)).setDirectionValue(9).build())), "direction", "not a known value");
    var bounds = assertFails(bad, () -> stub.getLineage(GetLineageRequest.newBuilder()
        .setName(unit(p1)).setDirection(LineageDirection.LINEAGE_DIRECTION_BOTH)
        .setMaxDepth(-1).setMaxNodes(10_001).build()));
    assertViolation(bounds, "max_depth", "must be 0");
    assertViolation(bounds, "max_nodes", "10000");

    assertViolation(assertFails(bad, () -> stub.getMaterialLot(GetMaterialLotRequest
        .newBuilder().setName("units/" + p1).build())), "name", "materialLots/{id}");

    var lotsBad = assertFails(bad, () -> stub.listMaterialLots(ListMaterialLotsRequest
        .newBuilder().setPlantSite("organizations/x").setUnit("lots/1").setProductValue(99)
        .setStartTime(PacktrailClient.timestamp(PERIOD_END))
        .setEndTime(PacktrailClient.timestamp(PERIOD_START)).build()));
    assertViolation(lotsBad, "plant_site", "organizations/{id}/sites/{id}");
    assertViolation(lotsBad, "unit", "units/{code}");
    assertViolation(lotsBad, "product", "not a known value");
    assertViolation(lotsBad, "end_time", "after start_time");
    assertViolation(assertFails(bad, () -> stub.listMaterialLots(ListMaterialLotsRequest
        .newBuilder().setPageToken("garbage").build())), "page_token", "malformed");
    String token = stub.listMaterialLots(ListMaterialLotsRequest.newBuilder().setPageSize(1)
        .build()).getNextPageToken();
    assertViolation(assertFails(bad, () -> stub.listMaterialLots(ListMaterialLotsRequest
        .newBuilder().setPageSize(1).setPlantSite(line.site()).setPageToken(token).build())),
        "page_token", "other filters");
    assertViolation(assertFails(bad, () -> stub.listTradeIns(ListTradeInsRequest.newBuilder()
        .setPageToken(token).setSite(station.site()).build())), "page_token", "another listing");

    assertViolation(assertFails(bad, () -> stub.listTradeIns(ListTradeInsRequest.newBuilder()
        .setPageSize(-1).setSite(station.site()).build())), "page_size", "negative");
    assertViolation(assertFails(bad, () -> stub.listTradeIns(ListTradeInsRequest.newBuilder()
        .build())), "site", "required");
    assertViolation(assertFails(bad, () -> stub.listTradeIns(ListTradeInsRequest.newBuilder()
        .setSite(station.site()).setStartTime(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(-1)).build())), "start_time", "between");

    var figures = assertFails(bad, () -> stub.getPlantFigures(GetPlantFiguresRequest
        .newBuilder().setSite(line.site()).setEndTime(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(1_767_225_600).setNanos(-5)).build()));
    assertViolation(figures, "start_time", "required");
    assertViolation(figures, "end_time", "nanos");
    assertViolation(assertFails(bad, () -> stub.getPlantFigures(GetPlantFiguresRequest
        .newBuilder().setSite("organizations/a\0b/sites/c")
        .setStartTime(PacktrailClient.timestamp(PERIOD_START))
        .setEndTime(PacktrailClient.timestamp(PERIOD_END)).build())), "site", "sites");
  }

  // ---- helpers ----

  static void assertRecovery(ElementRecovery r, double feed, double recovered, double percent,
      double target, boolean meets) {
    assertEquals(feed, r.getFeedKg(), 1e-9, r.getElement());
    assertEquals(recovered, r.getRecoveredKg(), 1e-9, r.getElement());
    assertEquals(percent, r.getRecoveryPercent(), 1e-6, r.getElement());
    assertEquals(target, r.getTargetPercent(), r.getElement());
    assertEquals(meets, r.getMeetsTarget(), r.getElement());
  }

  static Map<String, LineageNode> byName(GetLineageResponse g) {
    return g.getNodesList().stream()
        .collect(Collectors.toMap(LineageNode::getName, Function.identity()));
  }

  static LineageEdge edge(GetLineageResponse g, String from, String to) {
    return g.getEdgesList().stream()
        .filter(e -> e.getFrom().equals(from) && e.getTo().equals(to)).findFirst()
        .orElseThrow(() -> new AssertionError("no edge " + from + " -> " + to));
  }

  static void assertEdge(GetLineageResponse g, LineageEdgeKind kind, String from, String to) {
    assertEquals(kind, edge(g, unit(from), unit(to)).getKind());
  }

  static String unit(String code) {
    return code.startsWith("units/") ? code : "units/" + code;
  }

  static String materialLot(String id) {
    return "materialLots/" + id;
  }

  static String lotName(int i) {
    return materialLot(lots.get(i));
  }

  static List<Event> events(String code) {
    return jdbi.withExtension(io.packtrail.server.store.EventDao.class,
        d -> d.listForUnit(code, 0, 1000));
  }

  static Step.LotOutput lot(int i, MaterialProduct product, double massKg, ElementMasses e) {
    return new Step.LotOutput(lots.get(i), product, massKg, e);
  }

  static Actor actor(String org, String siteId, SiteKind kind, String manufacturerCode,
      OrganizationRole... roles) {
    return actor(org, siteId, kind, manufacturerCode, null, roles);
  }

  static Actor actor(String org, String siteId, SiteKind kind, String manufacturerCode,
      Double annualCapacityTonnes, OrganizationRole... roles) {
    jdbi.useExtension(OrganizationDao.class, dao -> dao.insertIfAbsent(new Organization(org,
        "Org " + org, Set.of(roles), "620300", manufacturerCode, Instant.now(), null, null)));
    jdbi.useExtension(SiteDao.class, dao -> dao.insertIfAbsent(new Site(org, siteId,
        "Site " + siteId, kind, "620300", "", 38.5, 102.2, Instant.now(), annualCapacityTonnes)));
    return new Actor("organizations/" + org, "organizations/" + org + "/sites/" + siteId,
        Set.of(roles), kind);
  }

  static void site(String org, String siteId, SiteKind kind) {
    jdbi.useExtension(SiteDao.class, dao -> dao.insertIfAbsent(new Site(org, siteId,
        "Site " + siteId, kind, "620300", "", 38.5, 102.2, Instant.now())));
  }

  static String code(char level) {
    return String.format("TMK%cEA1TRACE01RA5%07d", level, SERIAL.getAndIncrement());
  }

  static String pack() throws Exception {
    String pack = code('P');
    record(pack, new Step.Registration(UnitLevel.PACK, Chemistry.NCM, 60, 150, 400, 400,
        factory.organization()), factory);
    return pack;
  }

  static void toGraded(String unit, Actor from, Actor to) throws Exception {
    record(unit, new Step.Collection(null), from);
    record(unit, new Step.Shipment(to.site(), "WB-" + unit), from);
    record(unit, new Step.Receipt(null), to);
    record(unit, inspection(), to);
  }

  static Step inspection() {
    return new Step.Inspection(new StateOfHealth(70.0, 30.0, null, null, null, null, 1500L),
        Grade.C, null, "GB/T 34015-2017", "Jinchang test lab", LocalDate.parse("2026-01-02"));
  }

  static Step.Child child(String code, double massKg) {
    return new Step.Child(code, massKg, 12, 150, 51.2);
  }

  /** Records a step a minute after the previous one. */
  static List<Event> record(String unit, Step step, Actor actor) throws Exception {
    clock = clock.plus(Duration.ofMinutes(1));
    return sequencer.record(new Submission(UUID.randomUUID(), unit, clock, actor.site(), step),
        actor, () -> true).get();
  }
}
