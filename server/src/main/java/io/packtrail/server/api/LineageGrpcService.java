package io.packtrail.server.api;

import static io.packtrail.server.api.ProtoMapper.emptyToNull;
import static io.packtrail.server.api.ProtoMapper.timestamp;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Lineage;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.MaterialLot;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.TradeInRecord;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.ElementRecovery;
import io.packtrail.v1.GetLineageRequest;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.GetMaterialLotRequest;
import io.packtrail.v1.GetMaterialLotResponse;
import io.packtrail.v1.GetPlantFiguresRequest;
import io.packtrail.v1.GetPlantFiguresResponse;
import io.packtrail.v1.InputMass;
import io.packtrail.v1.LineageDirection;
import io.packtrail.v1.LineageEdge;
import io.packtrail.v1.LineageEdgeKind;
import io.packtrail.v1.LineageNode;
import io.packtrail.v1.LineageServiceGrpc;
import io.packtrail.v1.ListMaterialLotsRequest;
import io.packtrail.v1.ListMaterialLotsResponse;
import io.packtrail.v1.ListTradeInsRequest;
import io.packtrail.v1.ListTradeInsResponse;
import io.packtrail.v1.TradeInRecord.Builder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Lineage both ways, material lots, trade-ins and plant figures: check, map, delegate. */
final class LineageGrpcService extends LineageServiceGrpc.LineageServiceImplBase {
  /** Periods end before the year 10000 (what a timestamp column and ISO 8601 hold). */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  /** Deeper than any real lineage (pack, module, cell, several second lives), yet bounded. */
  static final int MAX_DEPTH = 1000;

  private final Lineage lineage;

  LineageGrpcService(Lineage lineage) {
    this.lineage = lineage;
  }

  @Override
  public void getLineage(GetLineageRequest request, StreamObserver<GetLineageResponse> response) {
    Violations v = new Violations();
    LineageGraph.Ref root = ref(v, "name", request.getName());
    Requests.checkKnown(v, "direction", request.getDirection(), request.getDirectionValue());
    LineageGraph.Direction direction = ProtoMapper.toDomain(LineageGraph.Direction.class,
        request.getDirection(), "LINEAGE_DIRECTION_");
    if (direction == null && request.getDirection() != LineageDirection.UNRECOGNIZED) {
      v.add("direction", "is required: ANCESTORS, DESCENDANTS or BOTH");
    }
    if (request.getMaxDepth() < 0 || request.getMaxDepth() > MAX_DEPTH) {
      v.add("max_depth", "must be 0 (any depth) to " + MAX_DEPTH + ", got "
          + request.getMaxDepth());
    }
    if (request.getMaxNodes() < 0 || request.getMaxNodes() > LineageGraph.MAX_NODES) {
      v.add("max_nodes", "must be 0 (the most, " + LineageGraph.MAX_NODES + ") to "
          + LineageGraph.MAX_NODES + ", got " + request.getMaxNodes());
    }
    v.throwIfAny();
    LineageGraph graph = lineage.graph(Caller.current().principal(), root, direction,
        request.getMaxDepth(),
        request.getMaxNodes() == 0 ? LineageGraph.MAX_NODES : request.getMaxNodes());
    response.onNext(toProto(graph));
    response.onCompleted();
  }

  /** A lineage graph as the API answers it. */
  static GetLineageResponse toProto(LineageGraph graph) {
    GetLineageResponse.Builder b = GetLineageResponse.newBuilder()
        .setTruncated(graph.truncated());
    // every edge joins two listed nodes: each name is built once, not once per mention
    Map<LineageGraph.Ref, String> names = new HashMap<>(graph.nodes().size() * 2);
    for (LineageGraph.Node n : graph.nodes()) {
      String name = n.ref().name();
      names.put(n.ref(), name);
      LineageNode.Builder nb = LineageNode.newBuilder().setName(name)
          .setDepth(n.depth())
          .setCustodian(ProtoMapper.nullToEmpty(n.custodian()));
      if (n.level() != null) {
        nb.setLevel(ProtoMapper.toProto(io.packtrail.v1.UnitLevel.class, n.level(),
            "UNIT_LEVEL_"));
      }
      if (n.state() != null) {
        nb.setState(ProtoMapper.toProto(io.packtrail.v1.LifecycleState.class, n.state(),
            "LIFECYCLE_STATE_"));
      }
      if (n.product() != null) {
        nb.setProduct(product(n.product()));
      }
      b.addNodes(nb);
    }
    for (LineageGraph.Edge e : graph.edges()) {
      LineageEdge.Builder edge = LineageEdge.newBuilder()
          .setKind(ProtoMapper.toProto(LineageEdgeKind.class, e.kind(), "LINEAGE_EDGE_KIND_"))
          .setFrom(names.computeIfAbsent(e.from(), LineageGraph.Ref::name))
          .setTo(names.computeIfAbsent(e.to(), LineageGraph.Ref::name));
      if (e.eventName() != null) {
        edge.setEvent(e.eventName());
      }
      b.addEdges(edge);
    }
    return b.build();
  }

  @Override
  public void getMaterialLot(GetMaterialLotRequest request,
      StreamObserver<GetMaterialLotResponse> response) {
    Violations v = new Violations();
    String id = ResourceNames.materialLotId(v, "name", emptyToNull(request.getName()));
    v.throwIfAny();
    Lineage.LotWithSources found = lineage.lot(Caller.current().principal(), id);
    GetMaterialLotResponse.Builder b = GetMaterialLotResponse.newBuilder()
        .setMaterialLot(toProto(found.lot()));
    found.sourcePacks().forEach(code -> b.addSourcePacks(ResourceNames.unit(code)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void listMaterialLots(ListMaterialLotsRequest request,
      StreamObserver<ListMaterialLotsResponse> response) {
    int size = Paging.pageSize(request.getPageSize());
    Violations v = new Violations();
    String site = optionalSite(v, "plant_site", request.getPlantSite());
    String unit = request.getUnit().isEmpty() ? null
        : ResourceNames.unitCode(v, "unit", request.getUnit());
    Requests.checkKnown(v, "product", request.getProduct(), request.getProductValue());
    MaterialProduct product = ProtoMapper.toDomain(MaterialProduct.class, request.getProduct(),
        "MATERIAL_PRODUCT_");
    Instant start = time(v, "start_time", request.hasStartTime(), request.getStartTime(), false);
    Instant end = time(v, "end_time", request.hasEndTime(), request.getEndTime(), false);
    checkOrder(v, start, end);
    v.throwIfAny();
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), "materialLots|" + site
        + "|" + unit + "|" + product + "|" + start + "|" + end);
    Paging.Page<MaterialLot> page = cursor.page(lineage.lots(Caller.current().principal(), site,
        unit, product, start, end,
        cursor.after(), cursor.fetchLimit()), MaterialLot::id);
    ListMaterialLotsResponse.Builder b = ListMaterialLotsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(lot -> b.addMaterialLots(toProto(lot)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void listTradeIns(ListTradeInsRequest request,
      StreamObserver<ListTradeInsResponse> response) {
    int size = Paging.pageSize(request.getPageSize());
    Violations v = new Violations();
    String site = requiredSite(v, "site", request.getSite());
    Instant start = time(v, "start_time", request.hasStartTime(), request.getStartTime(), false);
    Instant end = time(v, "end_time", request.hasEndTime(), request.getEndTime(), false);
    checkOrder(v, start, end);
    v.throwIfAny();
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(),
        "tradeIns|" + site + "|" + start + "|" + end);
    long after;
    try {
      after = cursor.after() == null ? -1 : Long.parseLong(cursor.after());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("page_token", "is not a page token of this listing");
    }
    Paging.Page<TradeInRecord> page = cursor.page(lineage.tradeIns(Caller.current().principal(),
        site, start, end, after,
        cursor.fetchLimit()), t -> Long.toString(t.logIndex()));
    ListTradeInsResponse.Builder b = ListTradeInsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    for (TradeInRecord t : page.items()) {
      Builder tb = io.packtrail.v1.TradeInRecord.newBuilder().setEvent(t.eventName())
          .setVin(t.vin()).setOldUnit(ResourceNames.unit(t.oldUnit()))
          .setReplacementUnit(ResourceNames.unit(t.replacementUnit()))
          .setActorSite(t.actorSite()).setEventTime(timestamp(t.eventTime()));
      b.addTradeIns(tb);
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void getPlantFigures(GetPlantFiguresRequest request,
      StreamObserver<GetPlantFiguresResponse> response) {
    Violations v = new Violations();
    String site = requiredSite(v, "site", request.getSite());
    Instant start = time(v, "start_time", request.hasStartTime(), request.getStartTime(), true);
    Instant end = time(v, "end_time", request.hasEndTime(), request.getEndTime(), true);
    checkOrder(v, start, end);
    v.throwIfAny();
    PlantFigures f = lineage.plantFigures(Caller.current().principal(), site, start, end);
    GetPlantFiguresResponse.Builder b = GetPlantFiguresResponse.newBuilder()
        .setOutputElementMasses(toProto(f.output()))
        .setUnaccountedKg(f.unaccountedKg())
        .setThroughputTonnesPerYear(f.throughputTonnesPerYear())
        .setAnnualCapacityTonnes(f.annualCapacityTonnes())
        .setInputMassKg(f.inputMassKg())
        .setLotMassKg(f.lotMassKg())
        .setResidueKg(f.residueKg())
        .setIntermediateKg(f.intermediateKg())
        .setCapacityUsedPercent(f.capacityUsedPercent());
    for (PlantFigures.InputMass in : f.inputs()) {
      b.addInputs(InputMass.newBuilder().setChemistry(ProtoMapper.toProto(
              io.packtrail.v1.Chemistry.class, in.chemistry(), "CHEMISTRY_"))
          .setLevel(ProtoMapper.toProto(io.packtrail.v1.UnitLevel.class, in.level(),
              "UNIT_LEVEL_"))
          .setMassKg(in.massKg()));
    }
    for (PlantFigures.Recovery r : f.recoveries()) {
      b.addRecoveries(ElementRecovery.newBuilder().setElement(r.element())
          .setFeedKg(r.feedKg()).setRecoveredKg(r.recoveredKg())
          .setRecoveryPercent(r.recoveryPercent()).setTargetPercent(r.targetPercent())
          .setMeetsTarget(r.meetsTarget()));
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  // ---- checks ----

  /** A unit or lot name. */
  private static LineageGraph.Ref ref(Violations v, String field, String name) {
    if (name.startsWith("materialLots/")) {
      String id = ResourceNames.materialLotId(v, field, name);
      return id == null ? null : LineageGraph.Ref.lot(id);
    }
    if (name.isEmpty() || name.startsWith("units/")) {
      String code = ResourceNames.unitCode(v, field, emptyToNull(name));
      return code == null ? null : LineageGraph.Ref.unit(code);
    }
    if (Text.checkName(v, field, name)) {
      v.add(field, "must be units/{code} or materialLots/{id}, got '"
          + ResourceNames.abbreviate(name) + "'");
    }
    return null;
  }

  private static String requiredSite(Violations v, String field, String site) {
    if (site.isEmpty()) {
      v.add(field, "is required");
      return null;
    }
    return optionalSite(v, field, site);
  }

  private static String optionalSite(Violations v, String field, String site) {
    if (site.isEmpty()) {
      return null;
    }
    if (!ResourceNames.isSite(site)) {
      v.add(field, "must be a name of the form organizations/{id}/sites/{id}, got '"
          + ResourceNames.abbreviate(site) + "'");
      return null;
    }
    return site;
  }

  /** A period bound: a valid timestamp from 2000 to 9999; null when absent and optional. */
  static Instant time(Violations v, String field, boolean present, Timestamp t,
      boolean required) {
    if (!present) {
      if (required) {
        v.add(field, "is required");
      }
      return null;
    }
    if (t.getNanos() < 0 || t.getNanos() > 999_999_999) {
      v.add(field, "nanos must be between 0 and 999999999");
      return null;
    }
    if (t.getSeconds() < Requests.EARLIEST.getEpochSecond()
        || t.getSeconds() > LATEST.getEpochSecond()) {
      v.add(field, "must be between " + Requests.EARLIEST + " and " + LATEST);
      return null;
    }
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static void checkOrder(Violations v, Instant start, Instant end) {
    if (start != null && end != null && !end.isAfter(start)) {
      v.add("end_time", "must be after start_time (" + start + ")");
    }
  }

  // ---- mapping ----

  private static io.packtrail.v1.MaterialProduct product(MaterialProduct p) {
    return ProtoMapper.toProto(io.packtrail.v1.MaterialProduct.class, p, "MATERIAL_PRODUCT_");
  }

  private static io.packtrail.v1.ElementMasses toProto(ElementMasses e) {
    return io.packtrail.v1.ElementMasses.newBuilder().setLiKg(e.li()).setNiKg(e.ni())
        .setCoKg(e.co()).setMnKg(e.mn()).setCuKg(e.cu()).setAlKg(e.al()).build();
  }

  private static io.packtrail.v1.MaterialLot toProto(MaterialLot lot) {
    io.packtrail.v1.MaterialLot.Builder b = io.packtrail.v1.MaterialLot.newBuilder()
        .setName(lot.name()).setProduct(product(lot.product())).setMassKg(lot.massKg())
        .setElementMasses(toProto(lot.elements())).setPlantSite(lot.plantSite())
        .setEventTime(timestamp(lot.eventTime()));
    if (lot.eventName() != null) { // hidden from a reader who is no party of its unit
      b.setEvent(lot.eventName());
    }
    lot.inputUnits().forEach(code -> b.addInputUnits(ResourceNames.unit(code)));
    return b.build();
  }
}
