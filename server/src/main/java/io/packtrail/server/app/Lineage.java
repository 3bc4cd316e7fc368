package io.packtrail.server.app;

import io.packtrail.server.domain.LineageGraph;
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

/** Reading the second half of units' lives: lineage, material lots, trade-ins, plant figures. */
public final class Lineage {
  private final Storage storage;

  public Lineage(Storage storage) {
    this.storage = storage;
  }

  /** A lot and the packs its inputs came from. */
  public record LotWithSources(MaterialLot lot, List<String> sourcePacks) {}

  /**
   * The lineage graph of a unit or lot; an unknown one is NOT_FOUND. {@code maxDepth} 0 is any
   * depth; at most {@code maxNodes} nodes, nearest first.
   */
  public LineageGraph graph(Ref root, Direction direction, int maxDepth, int maxNodes) {
    LineageGraph.Walk walk = storage.lineageWalk(root.lot() ? null : root.key(),
        root.lot() ? root.key() : null, direction != Direction.DESCENDANTS,
        direction != Direction.ANCESTORS, maxDepth);
    if (walk.root() == null) {
      throw new NotFoundException(root.name(), root.lot() ? "material lot" : "unit");
    }
    return LineageGraph.of(walk.root(), walk.ancestors(), walk.descendants(), maxNodes);
  }

  public LotWithSources lot(String id) {
    MaterialLot lot = storage.findMaterialLot(id).orElseThrow(
        () -> new NotFoundException(ResourceNames.materialLot(id), "material lot"));
    return new LotWithSources(lot, storage.sourcePacks(id));
  }

  public List<MaterialLot> lots(String plantSite, String unitCode, MaterialProduct product,
      Instant start, Instant end, String afterId, int limit) {
    return storage.listMaterialLots(plantSite, unitCode, product, start, end, afterId, limit);
  }

  public List<TradeInRecord> tradeIns(String site, Instant start, Instant end,
      long afterLogIndex, int limit) {
    return storage.listTradeIns(site, start, end, afterLogIndex, limit);
  }

  /** The figures of a site over [start, end); an unknown site is NOT_FOUND. */
  public PlantFigures plantFigures(String site, Instant start, Instant end) {
    return PlantFigures.of(storage.plantSums(site, start, end), start, end);
  }
}
