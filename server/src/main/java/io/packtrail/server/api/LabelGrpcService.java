package io.packtrail.server.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.label.CurrentTrustList;
import io.packtrail.server.label.LabelIssuer;
import io.packtrail.server.label.LabelKeys;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.BatchIssueLabelsRequest;
import io.packtrail.v1.BatchIssueLabelsResponse;
import io.packtrail.v1.CreateLabelKeyRequest;
import io.packtrail.v1.CreateLabelKeyResponse;
import io.packtrail.v1.GetLabelRequest;
import io.packtrail.v1.GetLabelResponse;
import io.packtrail.v1.GetTrustListRequest;
import io.packtrail.v1.GetUnitLabelRequest;
import io.packtrail.v1.GetUnitLabelResponse;
import io.packtrail.v1.GetTrustListResponse;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.IssueLabelResponse;
import io.packtrail.v1.IssueLabelResult;
import io.packtrail.v1.Label;
import io.packtrail.v1.LabelServiceGrpc;
import io.packtrail.v1.ListLabelKeysRequest;
import io.packtrail.v1.ListLabelKeysResponse;
import io.packtrail.v1.ReissueLabelRequest;
import io.packtrail.v1.ReissueLabelResponse;
import io.packtrail.v1.RevokeLabelKeyRequest;
import io.packtrail.v1.RevokeLabelKeyResponse;
import io.packtrail.v1.RevokeLabelRequest;
import io.packtrail.v1.RevokeLabelResponse;
import java.util.UUID;

/** Label keys, labels and the trust list. No response ever carries a private key. */
final class LabelGrpcService extends LabelServiceGrpc.LabelServiceImplBase {
  private static final int DEFAULT_VALIDITY_DAYS = 3650;

  private final LabelKeys keys;
  private final LabelIssuer issuer;
  private final CurrentTrustList trustList;

  LabelGrpcService(LabelKeys keys, LabelIssuer issuer, CurrentTrustList trustList) {
    this.keys = keys;
    this.issuer = issuer;
    this.trustList = trustList;
  }

  @Override
  public void createLabelKey(CreateLabelKeyRequest request,
      StreamObserver<CreateLabelKeyResponse> response) {
    Violations v = new Violations();
    String organizationId = organizationId(v, "parent", request.getParent());
    UUID requestId = Requests.uuid(v, "request_id", request.getRequestId());
    if (request.getValidityDays() < 0 || request.getValidityDays() > 36_500) {
      v.add("validity_days", "must be between 1 and 36500 (0 means "
          + DEFAULT_VALIDITY_DAYS + ")");
    }
    v.throwIfAny();
    int days = request.getValidityDays() == 0 ? DEFAULT_VALIDITY_DAYS : request.getValidityDays();
    LabelKeyRecord key = keys.createKey(caller(), organizationId, requestId, days);
    response.onNext(CreateLabelKeyResponse.newBuilder().setLabelKey(ProtoMapper.toProto(key))
        .build());
    response.onCompleted();
  }

  @Override
  public void listLabelKeys(ListLabelKeysRequest request,
      StreamObserver<ListLabelKeysResponse> response) {
    Violations v = new Violations();
    String organizationId = organizationId(v, "parent", request.getParent());
    v.throwIfAny();
    ListLabelKeysResponse.Builder b = ListLabelKeysResponse.newBuilder();
    keys.listKeys(organizationId).forEach(k -> b.addLabelKeys(ProtoMapper.toProto(k)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void revokeLabelKey(RevokeLabelKeyRequest request,
      StreamObserver<RevokeLabelKeyResponse> response) {
    Violations v = new Violations();
    ResourceNames.LabelKeyName name = ResourceNames.labelKey(v, "name", request.getName());
    v.throwIfAny();
    LabelKeyRecord key = keys.revokeKey(caller(), name.organizationId(), name.keyId());
    response.onNext(RevokeLabelKeyResponse.newBuilder().setLabelKey(ProtoMapper.toProto(key))
        .build());
    response.onCompleted();
  }

  @Override
  public void issueLabel(IssueLabelRequest request, StreamObserver<IssueLabelResponse> response) {
    response.onNext(IssueLabelResponse.newBuilder().setLabel(issue(request, "")).build());
    response.onCompleted();
  }

  private Label issue(IssueLabelRequest request, String prefix) {
    Violations v = new Violations();
    UUID requestId = Requests.uuid(v, prefix + "request_id", request.getRequestId());
    String code = ResourceNames.unitCode(v, prefix + "unit",
        ProtoMapper.emptyToNull(request.getUnit()));
    v.throwIfAny();
    return ProtoMapper.toProto(issuer.issue(caller(), requestId, code));
  }

  @Override
  public void batchIssueLabels(BatchIssueLabelsRequest request,
      StreamObserver<BatchIssueLabelsResponse> response) {
    Requests.checkBatchSize(request.getRequestsCount());
    BatchIssueLabelsResponse.Builder b = BatchIssueLabelsResponse.newBuilder();
    for (int i = 0; i < request.getRequestsCount(); i++) {
      try {
        b.addResults(IssueLabelResult.newBuilder()
            .setLabel(issue(request.getRequests(i), "requests[" + i + "].")));
      } catch (RuntimeException e) {
        b.addResults(IssueLabelResult.newBuilder().setError(ErrorMapper.toStatus(e)));
      }
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void reissueLabel(ReissueLabelRequest request,
      StreamObserver<ReissueLabelResponse> response) {
    Violations v = new Violations();
    UUID requestId = Requests.uuid(v, "request_id", request.getRequestId());
    long serial = ResourceNames.labelSerial(v, "name", request.getName());
    v.throwIfAny();
    response.onNext(ReissueLabelResponse.newBuilder()
        .setLabel(ProtoMapper.toProto(issuer.reissue(caller(), requestId, serial))).build());
    response.onCompleted();
  }

  @Override
  public void revokeLabel(RevokeLabelRequest request,
      StreamObserver<RevokeLabelResponse> response) {
    Violations v = new Violations();
    long serial = ResourceNames.labelSerial(v, "name", request.getName());
    v.throwIfAny();
    response.onNext(RevokeLabelResponse.newBuilder()
        .setLabel(ProtoMapper.toProto(issuer.revoke(caller(), serial))).build());
    response.onCompleted();
  }

  @Override
  public void getLabel(GetLabelRequest request, StreamObserver<GetLabelResponse> response) {
    Violations v = new Violations();
    long serial = ResourceNames.labelSerial(v, "name", request.getName());
    v.throwIfAny();
    response.onNext(GetLabelResponse.newBuilder().setLabel(ProtoMapper.toProto(issuer.get(serial)))
        .build());
    response.onCompleted();
  }

  @Override
  public void getUnitLabel(GetUnitLabelRequest request,
      StreamObserver<GetUnitLabelResponse> response) {
    Violations v = new Violations();
    String code = ResourceNames.unitCode(v, "unit", ProtoMapper.emptyToNull(request.getUnit()));
    v.throwIfAny();
    response.onNext(GetUnitLabelResponse.newBuilder()
        .setLabel(ProtoMapper.toProto(issuer.activeLabelOf(code))).build());
    response.onCompleted();
  }

  @Override
  public void getTrustList(GetTrustListRequest request,
      StreamObserver<GetTrustListResponse> response) {
    response.onNext(GetTrustListResponse.newBuilder()
        .setSignedTrustList(trustList.trustList())
        .setRootPublicKey(ByteString.copyFrom(trustList.rootPublicKey()))
        .build());
    response.onCompleted();
  }

  private static Principal caller() {
    return Caller.current().principal();
  }

  private static String organizationId(Violations v, String field, String name) {
    if (!ResourceNames.isOrganization(name)) {
      v.add(field, "must be organizations/{id}");
      return null;
    }
    return ResourceNames.organizationId(name);
  }
}
