package io.packtrail.server.app;

import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.LineageGraph.Direction;
import io.packtrail.server.domain.LineageGraph.Ref;
import io.packtrail.server.domain.MaterialLot;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.TradeInRecord;
import io.packtrail.server.store.Storage;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/** Reading the second half of units' lives: lineage, material lots, trade-ins, plant figures. */
public final class Lineage {
  private final Storage storage;
  private final Parties parties;

  public Lineage(Storage storage, Parties parties) {
    this.storage = storage;
    this.parties = parties;
  }

  /** A lot and the packs its inputs came from. */
  public record LotWithSources(MaterialLot lot, List<String> sourcePacks) {}

  /**
   * The most links a lineage walk follows each way, and the most recycling edges it reads: ten
   * times the most nodes an answer holds (max_nodes 10,000), so every answer within the limits
   * is whole, while a graph of millions (a pack into 500 modules, each into 500 cells, each into
   * 20 lots) is not read to answer it.
   */
  static final int MAX_HOPS = 100_000;

  /**
   * The lineage graph of a unit or lot; an unknown one is NOT_FOUND. {@code maxDepth} 0 is any
   * depth; at most {@code maxNodes} nodes, nearest first.
   */
  public LineageGraph graph(Principal reader, Ref root, Direction direction, int maxDepth,
      int maxNodes) {
    if (root.lot()) {
      parties.requireLot(reader, root.key());
    } else {
      parties.requireUnit(reader, root.key());
    }
    LineageGraph graph = graph(root, direction, maxDepth, maxNodes);
    if (Authorization.unscoped(reader)) {
      return graph;
    }
    // the other nodes show their public part: a unit's custodian only to its parties; a lot's
    // maker and product only to those who may read the lot (GetMaterialLot), its name to all
    List<String> codes = new java.util.ArrayList<>(graph.nodes().stream()
        .filter(n -> !n.ref().lot()).map(n -> n.ref().key()).toList());
    codes.addAll(eventUnits(graph.edges().stream().map(LineageGraph.Edge::eventName)));
    Predicate<String> sees = parties.seesUnits(reader, codes);
    Predicate<String> readsLot = parties.seesLots(reader, graph.nodes().stream()
        .filter(n -> n.ref().lot()).map(n -> n.ref().key()).toList());
    List<LineageGraph.Node> nodes = graph.nodes().stream().map(n -> n.ref().lot()
        ? readsLot.test(n.ref().key()) ? n
            : new LineageGraph.Node(n.ref(), null, null, null, null, n.depth())
        : sees.test(n.ref().key()) ? n
            : new LineageGraph.Node(n.ref(), n.level(), n.state(), null, null, n.depth()))
        .toList();
    // an edge's event names its unit's sequence, which only the unit's parties see
    List<LineageGraph.Edge> edges = graph.edges().stream().map(e -> shows(sees, e.eventName())
        ? e : new LineageGraph.Edge(e.kind(), e.from(), e.to(), null, e.depth())).toList();
    return new LineageGraph(nodes, edges, graph.truncated());
  }

  private LineageGraph graph(Ref root, Direction direction, int maxDepth, int maxNodes) {
    LineageGraph.Walk walk = storage.lineageWalk(root.lot() ? null : root.key(),
        root.lot() ? root.key() : null, direction != Direction.DESCENDANTS,
        direction != Direction.ANCESTORS, maxDepth, MAX_HOPS);
    if (walk.root() == null) {
      throw new NotFoundException(root.name(), root.lot() ? "material lot" : "unit");
    }
    return LineageGraph.of(walk.root(), walk.ancestors(), walk.descendants(), maxNodes,
        walk.cut());
  }

  /** A lot, for the organisation that made it, the parties of its inputs and authorities. */
  public LotWithSources lot(Principal reader, String id) {
    parties.requireLot(reader, id);
    LotWithSources found = lot(id);
    return new LotWithSources(withVisibleEvent(reader, List.of(found.lot())).get(0),
        found.sourcePacks());
  }

  /** The units the named events (null names left out) are of. */
  private static List<String> eventUnits(java.util.stream.Stream<String> eventNames) {
    return eventNames.map(ResourceNames::parseEvent).filter(java.util.Objects::nonNull)
        .map(ResourceNames.EventName::unitCode).toList();
  }

  /**
   * Whether an event's name may be shown to a reader who {@code sees} the units it does: it
   * names its unit's sequence, which only the unit's parties see.
   */
  private static boolean shows(Predicate<String> sees, String eventName) {
    ResourceNames.EventName event = ResourceNames.parseEvent(eventName);
    return event == null || sees.test(event.unitCode());
  }

  /**
   * The lots with their recycling event's name kept only for readers who may see that event: it
   * is the primary input's, and a party of another input (who may read the lot) is no party of
   * that unit's history, whose sequence the name tells (as a lineage edge's event is hidden).
   */
  private List<MaterialLot> withVisibleEvent(Principal reader, List<MaterialLot> lots) {
    if (Authorization.unscoped(reader) || lots.isEmpty()) {
      return lots;
    }
    Predicate<String> sees = parties.seesUnits(reader,
        eventUnits(lots.stream().map(MaterialLot::eventName)));
    return lots.stream().map(l -> shows(sees, l.eventName()) ? l : new MaterialLot(l.id(),
        l.product(), l.massKg(), l.elements(), l.plantSite(), l.organization(), null,
        l.eventTime(), l.inputUnits())).toList();
  }

  private LotWithSources lot(String id) {
    MaterialLot lot = storage.findMaterialLot(id).orElseThrow(
        () -> new NotFoundException(ResourceNames.materialLot(id), "material lot"));
    return new LotWithSources(lot, storage.sourcePacks(id));
  }

  /**
   * Lots of a plant site or made from a unit: a party names one of its own sites or a unit it
   * is a party of (before anything is looked up); an authority may name neither (all lots).
   */
  public List<MaterialLot> lots(Principal reader, String plantSite, String unitCode,
      MaterialProduct product, Instant start, Instant end, String afterId, int limit) {
    if (!Authorization.unscoped(reader)) {
      if (plantSite == null && unitCode == null) {
        throw new Authorization.Denied(Authorization.Scope.OWN_RESOURCE, "a party lists the "
            + "lots of one of its own plant sites (plant_site) or of a unit it is a party of "
            + "(unit); give one of them");
      }
      if (plantSite != null) {
        Authorization.requireOwn(reader, plantSite, "sites");
      }
      if (unitCode != null) {
        parties.requireUnit(reader, unitCode);
      }
    }
    // what the unit became may have been recycled by others: only the lots the caller could
    // read one by one (GetMaterialLot) are listed
    return withVisibleEvent(reader, storage.listMaterialLots(plantSite, unitCode, product,
        start, end, parties.listingParty(reader), afterId, limit));
  }

  /** Trade-ins recorded at a site: the site's organisation's (or an authority's) to read. */
  public List<TradeInRecord> tradeIns(Principal reader, String site, Instant start,
      Instant end, long afterLogIndex, int limit) {
    Authorization.requireOwn(reader, site, "sites");
    return storage.listTradeIns(site, start, end, afterLogIndex, limit);
  }

  /** The figures of a site over [start, end); an unknown site is NOT_FOUND. */
  public PlantFigures plantFigures(Principal reader, String site, Instant start, Instant end) {
    Authorization.requireOwn(reader, site, "sites");
    return PlantFigures.of(storage.plantSums(site, start, end), start, end);
  }
}
