package io.packtrail.server.api;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Recorder;
import io.packtrail.server.app.Units;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.security.Caller;
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

/** Registering, reading and listing units. */
final class UnitGrpcService extends UnitServiceGrpc.UnitServiceImplBase {
  private final Units units;
  private final Recorder recorder;
  private final Requests requests;
  private final Executor responders;

  UnitGrpcService(Units units, Recorder recorder, Requests requests, Executor responders) {
    this.responders = responders;
    this.units = units;
    this.recorder = recorder;
    this.requests = requests;
  }

  @Override
  public void registerUnit(RegisterUnitRequest request,
      StreamObserver<RegisterUnitResponse> response) {
    // answered on the responders, a refusal too (a failure passes through thenApplyAsync on
    // the thread that completed it, the sequencer's, whose time is every writer's), in the
    // call's context: a failure of a call its client gave up is CANCELLED there, not INTERNAL
    Context call = Context.current();
    register(request, "", Caller.current()).whenCompleteAsync((r, failure) -> {
      if (failure != null) {
        response.onError(ErrorMapper.toStatusException(failure));
      } else {
        response.onNext(r);
        response.onCompleted();
      }
    }, call.fixedContextExecutor(responders));
  }

  private CompletableFuture<RegisterUnitResponse> register(RegisterUnitRequest request,
      String prefix, Caller caller) {
    Context call = Context.current();
    return recorder.record(() -> requests.registration(request, prefix), null, prefix, caller,
            () -> !call.isCancelled())
        .thenApplyAsync(this::registered, responders);
  }

  private RegisterUnitResponse registered(Event event) {
    return RegisterUnitResponse.newBuilder()
        .setUnit(toProto(units.unit(event.unitCode())))
        .setEvent(ProtoMapper.toProto(event))
        .build();
  }

  @Override
  public void batchRegisterUnits(BatchRegisterUnitsRequest request,
      StreamObserver<BatchRegisterUnitsResponse> response) {
    Requests.checkBatchSize(request.getRequestsCount());
    Caller caller = Caller.current();
    java.util.concurrent.Executor inCall = Context.current().fixedContextExecutor(responders);
    List<CompletableFuture<RegisterUnitResult>> results = new ArrayList<>();
    for (int i = 0; i < request.getRequestsCount(); i++) {
      results.add(register(request.getRequests(i), "requests[" + i + "].", caller)
          .handleAsync((r, failure) -> failure == null
              ? RegisterUnitResult.newBuilder().setResponse(r).build()
              : RegisterUnitResult.newBuilder().setError(ErrorMapper.toStatus(failure)).build(),
              inCall));
    }
    Requests.answerBatch(results, all -> BatchRegisterUnitsResponse.newBuilder()
        .addAllResults(all).build(), response, inCall);
  }

  @Override
  public void getUnit(GetUnitRequest request, StreamObserver<GetUnitResponse> response) {
    Violations v = new Violations();
    String code = ResourceNames.unitCode(v, "name", ProtoMapper.emptyToNull(request.getName()));
    v.throwIfAny();
    response.onNext(GetUnitResponse.newBuilder()
        .setUnit(toProto(units.unit(Caller.current().principal(), code))).build());
    response.onCompleted();
  }

  @Override
  public void listUnits(ListUnitsRequest request, StreamObserver<ListUnitsResponse> response) {
    int size = Paging.pageSize(request.getPageSize());
    LifecycleState state = ProtoMapper.state(request.getState());
    UnitLevel level = ProtoMapper.level(request.getLevel());
    Chemistry chemistry = ProtoMapper.chemistry(request.getChemistry());
    String custodian = ProtoMapper.emptyToNull(request.getCustodian());
    Violations v = new Violations();
    Requests.checkKnown(v, "state", request.getState(), request.getStateValue());
    Requests.checkKnown(v, "level", request.getLevel(), request.getLevelValue());
    Requests.checkKnown(v, "chemistry", request.getChemistry(), request.getChemistryValue());
    if (custodian != null && !ResourceNames.isOrganization(custodian)) {
      v.add("custodian", "must be organizations/{id}");
    }
    v.throwIfAny();
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(),
        "units|" + state + "|" + custodian + "|" + level + "|" + chemistry);
    Paging.Page<Unit> page = cursor.page(units.list(Caller.current().principal(), state,
        custodian, level, chemistry, cursor.after(), cursor.fetchLimit()), Unit::code);
    ListUnitsResponse.Builder b = ListUnitsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    units.withAnomalies(page.items()).forEach(u -> b.addUnits(toProto(u)));
    response.onNext(b.build());
    response.onCompleted();
  }

  /** A unit with the anomalies flagged on it. */
  static io.packtrail.v1.Unit toProto(Units.Flagged flagged) {
    if (flagged.restricted()) {
      return ProtoMapper.publicPart(ProtoMapper.toProto(flagged.unit()));
    }
    io.packtrail.v1.Unit.Builder b = ProtoMapper.toProto(flagged.unit()).toBuilder();
    flagged.anomalies().forEach(a -> b.addAnomalies(ProtoMapper.toProto(a)));
    return b.build();
  }
}
