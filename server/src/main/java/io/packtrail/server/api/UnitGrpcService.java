package io.packtrail.server.api;

import io.grpc.stub.StreamObserver;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.security.Caller;
import io.packtrail.server.store.UnitDao;
import io.packtrail.v1.BatchRegisterUnitsRequest;
import io.packtrail.v1.BatchRegisterUnitsResponse;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.GetUnitResponse;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.ListUnitsResponse;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.RegisterUnitResponse;
import io.packtrail.v1.RegisterUnitResult;
import io.packtrail.v1.UnitServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jdbi.v3.core.Jdbi;

/** Registering, reading and listing units. */
final class UnitGrpcService extends UnitServiceGrpc.UnitServiceImplBase {
  static final int MAX_BATCH = 1000;

  private final Jdbi jdbi;
  private final Recorder recorder;
  private final ProtoMapper mapper;
  private final Executor responders;

  UnitGrpcService(Jdbi jdbi, Recorder recorder, ProtoMapper mapper, Executor responders) {
    this.responders = responders;
    this.jdbi = jdbi;
    this.recorder = recorder;
    this.mapper = mapper;
  }

  @Override
  public void registerUnit(RegisterUnitRequest request,
      StreamObserver<RegisterUnitResponse> response) {
    register(request, "", Caller.current()).whenComplete((r, failure) -> {
      if (failure != null) {
        response.onError(ErrorMapper.toStatusException(failure));
      } else {
        response.onNext(r);
        response.onCompleted();
      }
    });
  }

  private CompletableFuture<RegisterUnitResponse> register(RegisterUnitRequest request,
      String prefix, Caller caller) {
    return recorder.record(() -> mapper.registration(request, prefix), null, prefix, caller)
        .thenApplyAsync(this::registered, responders);
  }

  private RegisterUnitResponse registered(Event event) {
    return RegisterUnitResponse.newBuilder()
        .setUnit(withAnomalies(List.of(find(event.unitCode()))).get(0))
        .setEvent(ProtoMapper.toProto(event))
        .build();
  }

  @Override
  public void batchRegisterUnits(BatchRegisterUnitsRequest request,
      StreamObserver<BatchRegisterUnitsResponse> response) {
    checkBatchSize(request.getRequestsCount());
    Caller caller = Caller.current();
    List<CompletableFuture<RegisterUnitResult>> results = new ArrayList<>();
    for (int i = 0; i < request.getRequestsCount(); i++) {
      results.add(register(request.getRequests(i), "requests[" + i + "].", caller)
          .handle((r, failure) -> failure == null
              ? RegisterUnitResult.newBuilder().setResponse(r).build()
              : RegisterUnitResult.newBuilder().setError(ErrorMapper.toStatus(failure)).build()));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((x, f) -> {
      BatchRegisterUnitsResponse.Builder b = BatchRegisterUnitsResponse.newBuilder();
      results.forEach(r -> b.addResults(r.join()));
      response.onNext(b.build());
      response.onCompleted();
    });
  }

  static void checkBatchSize(int count) {
    if (count == 0 || count > MAX_BATCH) {
      new Violations().add("requests", "must hold 1 to " + MAX_BATCH + " items, got " + count)
          .throwIfAny();
    }
  }

  @Override
  public void getUnit(GetUnitRequest request, StreamObserver<GetUnitResponse> response) {
    Violations v = new Violations();
    String code = ResourceNames.unitCode(v, "name", ProtoMapper.emptyToNull(request.getName()));
    v.throwIfAny();
    response.onNext(GetUnitResponse.newBuilder()
        .setUnit(withAnomalies(List.of(find(code))).get(0)).build());
    response.onCompleted();
  }

  private Unit find(String code) {
    return jdbi.withExtension(UnitDao.class, dao -> dao.find(code))
        .orElseThrow(() -> new NotFoundException(ResourceNames.unit(code), "unit"));
  }

  @Override
  public void listUnits(ListUnitsRequest request, StreamObserver<ListUnitsResponse> response) {
    int size = PageTokens.pageSize(request.getPageSize());
    LifecycleState state = ProtoMapper.state(request.getState());
    UnitLevel level = ProtoMapper.level(request.getLevel());
    Chemistry chemistry = ProtoMapper.chemistry(request.getChemistry());
    String custodian = ProtoMapper.emptyToNull(request.getCustodian());
    Violations v = new Violations();
    ProtoMapper.checkKnown(v, "state", request.getState(), request.getStateValue());
    ProtoMapper.checkKnown(v, "level", request.getLevel(), request.getLevelValue());
    ProtoMapper.checkKnown(v, "chemistry", request.getChemistry(), request.getChemistryValue());
    if (custodian != null && !ResourceNames.isOrganization(custodian)) {
      v.add("custodian", "must be organizations/{id}");
    }
    v.throwIfAny();
    String scope = "units|" + state + "|" + custodian + "|" + level + "|" + chemistry;
    String after = PageTokens.decode(request.getPageToken(), scope);
    List<Unit> page = jdbi.withExtension(UnitDao.class, dao -> dao.list(after,
        name(state), custodian, name(level), name(chemistry), size + 1));
    ListUnitsResponse.Builder b = ListUnitsResponse.newBuilder()
        .addAllUnits(withAnomalies(page.stream().limit(size).toList()));
    if (page.size() > size) {
      b.setNextPageToken(PageTokens.encode(scope, page.get(size - 1).code()));
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  /** The units as protos, with the anomalies flagged on them (one query for all). */
  private List<io.packtrail.v1.Unit> withAnomalies(List<Unit> units) {
    java.util.Map<String, List<io.packtrail.server.domain.Anomaly>> flagged =
        jdbi.withExtension(UnitDao.class, dao -> dao.anomalies(
            units.stream().map(Unit::code).toArray(String[]::new))).stream()
            .collect(java.util.stream.Collectors.groupingBy(
                io.packtrail.server.domain.Anomaly::unitCode));
    List<io.packtrail.v1.Unit> out = new ArrayList<>(units.size());
    for (Unit u : units) {
      io.packtrail.v1.Unit.Builder b = ProtoMapper.toProto(u).toBuilder();
      for (var a : flagged.getOrDefault(u.code(), List.of())) {
        b.addAnomalies(io.packtrail.v1.Anomaly.newBuilder().setKind(a.kind())
            .setDescription(a.description()).addAllEvents(a.events())
            .setCreateTime(ProtoMapper.timestamp(a.createTime())));
      }
      out.add(b.build());
    }
    return out;
  }

  private static String name(Enum<?> e) {
    return e == null ? null : e.name();
  }
}
