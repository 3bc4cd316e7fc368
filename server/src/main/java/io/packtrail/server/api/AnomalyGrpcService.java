package io.packtrail.server.api;

import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Anomalies;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.AnomalyRecord;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.RegionCodes;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.AcknowledgeAnomalyRequest;
import io.packtrail.v1.AcknowledgeAnomalyResponse;
import io.packtrail.v1.AnomalyAcknowledgement;
import io.packtrail.v1.AnomalyServiceGrpc;
import io.packtrail.v1.AnomalyState;
import io.packtrail.v1.GetAnomalyRequest;
import io.packtrail.v1.GetAnomalyResponse;
import io.packtrail.v1.ListAnomaliesRequest;
import io.packtrail.v1.ListAnomaliesResponse;
import java.time.Instant;
import java.util.UUID;

/** Anomalies: checks and maps the requests, {@link Anomalies} does the rest. */
final class AnomalyGrpcService extends AnomalyServiceGrpc.AnomalyServiceImplBase {
  private final Anomalies anomalies;

  AnomalyGrpcService(Anomalies anomalies) {
    this.anomalies = anomalies;
  }

  @Override
  public void listAnomalies(ListAnomaliesRequest request,
      StreamObserver<ListAnomaliesResponse> response) {
    Violations v = new Violations();
    String kind = request.getKind();
    if (!kind.isEmpty() && !Anomaly.KINDS.contains(kind)) {
      v.add("kind", "must be empty or one of " + String.join(", ", Anomaly.KINDS) + ", got '"
          + ResourceNames.abbreviate(kind) + "'");
    }
    String organization = request.getOrganization();
    if (!organization.isEmpty() && !ResourceNames.isOrganization(organization)) {
      v.add("organization", "must be empty or a name of the form organizations/{id}, got '"
          + ResourceNames.abbreviate(organization) + "'");
    }
    String prefix = "";
    if (!request.getRegionCode().isEmpty()) {
      RegionCodes.check(v, "region_code", request.getRegionCode());
      if (v.isEmpty()) {
        prefix = RegionCodes.prefix(request.getRegionCode());
      }
    }
    String unitCode = "";
    if (!request.getUnit().isEmpty()) {
      String code = ResourceNames.unitCode(v, "unit", request.getUnit());
      unitCode = code == null ? "" : code;
    }
    Requests.checkKnown(v, "state", request.getState(), request.getStateValue());
    AnomalyRecord.State state = switch (request.getState()) {
      case ANOMALY_STATE_OPEN -> AnomalyRecord.State.OPEN;
      case ANOMALY_STATE_ACKNOWLEDGED -> AnomalyRecord.State.ACKNOWLEDGED;
      case ANOMALY_STATE_RESOLVED -> AnomalyRecord.State.RESOLVED;
      default -> null;
    };
    Instant start = LineageGrpcService.time(v, "start_time", request.hasStartTime(),
        request.getStartTime(), false);
    Instant end = LineageGrpcService.time(v, "end_time", request.hasEndTime(),
        request.getEndTime(), false);
    LineageGrpcService.checkOrder(v, start, end);
    v.throwIfAny();
    int size = Paging.pageSize(request.getPageSize());
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), String.join("|",
        "anomalies", kind, organization, prefix, unitCode, String.valueOf(state),
        String.valueOf(start), String.valueOf(end)));
    if (cursor.after() != null && !ResourceNames.isAnomalyId(cursor.after())) {
      throw new InvalidArgumentException("page_token", "is not a page token of this listing");
    }
    Anomalies.Filter filter = new Anomalies.Filter(kind, organization, unitCode, prefix, state,
        start == null ? Anomalies.BEGINNING : start, end == null ? Anomalies.END : end);
    Paging.Page<AnomalyRecord> page = cursor.page(anomalies.list(Caller.current().principal(),
        filter, cursor.after(), cursor.fetchLimit()), AnomalyRecord::id);
    ListAnomaliesResponse.Builder b = ListAnomaliesResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(a -> b.addAnomalies(toProto(a)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void getAnomaly(GetAnomalyRequest request, StreamObserver<GetAnomalyResponse> response) {
    Violations v = new Violations();
    String id = ResourceNames.anomalyId(v, "name", request.getName());
    v.throwIfAny();
    response.onNext(GetAnomalyResponse.newBuilder()
        .setAnomaly(toProto(anomalies.get(Caller.current().principal(), id))).build());
    response.onCompleted();
  }

  @Override
  public void acknowledgeAnomaly(AcknowledgeAnomalyRequest request,
      StreamObserver<AcknowledgeAnomalyResponse> response) {
    Violations v = new Violations();
    String id = ResourceNames.anomalyId(v, "name", request.getName());
    UUID requestId = Requests.uuid(v, "request_id", request.getRequestId());
    String note = request.getNote();
    if (note.isBlank()) {
      v.add("note", "is required: why the anomaly is understood or what was done about it");
    } else {
      Text.check(v, "note", note, AnomalyRecord.MAX_NOTE, true);
    }
    v.throwIfAny();
    response.onNext(AcknowledgeAnomalyResponse.newBuilder().setAnomaly(toProto(
        anomalies.acknowledge(Caller.current().principal(), id, requestId, note))).build());
    response.onCompleted();
  }

  static io.packtrail.v1.Anomaly toProto(AnomalyRecord a) {
    io.packtrail.v1.Anomaly.Builder b = io.packtrail.v1.Anomaly.newBuilder()
        .setName(a.name()).setKind(a.kind()).setDescription(a.description())
        .addAllEvents(a.events()).setCreateTime(ProtoMapper.timestamp(a.createTime()))
        .setState(switch (a.state()) {
          case OPEN -> AnomalyState.ANOMALY_STATE_OPEN;
          case ACKNOWLEDGED -> AnomalyState.ANOMALY_STATE_ACKNOWLEDGED;
          case RESOLVED -> AnomalyState.ANOMALY_STATE_RESOLVED;
        })
        .addAllOrganizations(a.organizations()).addAllRegionCodes(a.regionCodes())
        .setOccurTime(ProtoMapper.timestamp(a.occurTime()));
    if (a.unitCode() != null) {
      b.setUnit(ResourceNames.unit(a.unitCode()));
    }
    if (a.resolveTime() != null) {
      b.setResolveTime(ProtoMapper.timestamp(a.resolveTime()))
          .setResolvingEvent(a.resolvingEvent());
    }
    for (AnomalyRecord.Acknowledgement k : a.acknowledgements()) {
      AnomalyAcknowledgement.Builder ack = AnomalyAcknowledgement.newBuilder()
          .setRequestId(k.requestId().toString()).setPrincipalKind(k.principalKind())
          .setNote(k.note()).setCreateTime(ProtoMapper.timestamp(k.createTime()));
      if (k.principal() != null) {
        ack.setPrincipal(k.principal());
      }
      b.addAcknowledgements(ack);
    }
    return b.build();
  }

  static io.packtrail.v1.RegionAnomalies toProto(Anomalies.Open open) {
    io.packtrail.v1.RegionAnomalies.Builder b = io.packtrail.v1.RegionAnomalies.newBuilder()
        .setTotal(open.total());
    open.byKind().forEach((k, n) -> b.addByKind(io.packtrail.v1.AnomalyCount.newBuilder()
        .setKey(k).setCount(n)));
    open.byOrganization().forEach((k, n) -> b.addByOrganization(
        io.packtrail.v1.AnomalyCount.newBuilder().setKey(k).setCount(n)));
    open.first().forEach(a -> b.addAnomalies(toProto(a)));
    return b.build();
  }
}
