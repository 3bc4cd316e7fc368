package io.packtrail.server.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.app.Devices;
import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.EnrollmentCode;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.CreateEnrollmentCodeRequest;
import io.packtrail.v1.CreateEnrollmentCodeResponse;
import io.packtrail.v1.DeviceServiceGrpc;
import io.packtrail.v1.EnrollDeviceRequest;
import io.packtrail.v1.EnrollDeviceResponse;
import io.packtrail.v1.GetDeviceRequest;
import io.packtrail.v1.GetDeviceResponse;
import io.packtrail.v1.ListDevicesRequest;
import io.packtrail.v1.ListDevicesResponse;
import io.packtrail.v1.RetireDeviceRequest;
import io.packtrail.v1.RetireDeviceResponse;
import java.util.UUID;

/** Enrollment codes and devices: checks and maps the requests, {@link Devices} does the rest. */
final class DeviceGrpcService extends DeviceServiceGrpc.DeviceServiceImplBase {
  private final Devices devices;

  DeviceGrpcService(Devices devices) {
    this.devices = devices;
  }

  @Override
  public void createEnrollmentCode(CreateEnrollmentCodeRequest request,
      StreamObserver<CreateEnrollmentCodeResponse> response) {
    Violations v = new Violations();
    site(v, "parent", request.getParent());
    UUID requestId = Requests.uuid(v, "request_id", request.getRequestId());
    v.throwIfAny();
    Devices.NewCode created = devices.createEnrollmentCode(Caller.current().principal(),
        request.getParent(), requestId);
    response.onNext(CreateEnrollmentCodeResponse.newBuilder()
        .setEnrollmentCode(toProto(created.stored(), created.code())).build());
    response.onCompleted();
  }

  @Override
  public void enrollDevice(EnrollDeviceRequest request,
      StreamObserver<EnrollDeviceResponse> response) {
    Violations v = new Violations();
    site(v, "parent", request.getParent());
    if (!ResourceNames.isId(request.getDeviceId())) {
      v.add("device_id", "must match " + ResourceNames.ID_RULE + ", got '"
          + ResourceNames.abbreviate(request.getDeviceId()) + "'");
    }
    String code = null;
    if (request.getEnrollmentCode().isEmpty()) {
      v.add("enrollment_code", "is required: the one-time code the site's organisation created");
    } else if (request.getEnrollmentCode().length() > 64
        || (code = EnrollmentCode.normalise(request.getEnrollmentCode())) == null) {
      v.add("enrollment_code", "must be 16 characters of 0-9 and A-Z (without I, L, O, U), in "
          + "groups of four as created, e.g. 7KQ2-M9XD-4HTP-W3CA");
    }
    byte[] key = request.getPublicKey().toByteArray();
    if (key.length != Ed25519Keys.KEY_SIZE) {
      v.add("public_key", "must be a raw 32-byte Ed25519 public key, got " + key.length
          + " bytes");
    } else if (!Ed25519Keys.isValidPublicKey(key)) {
      v.add("public_key", "is not a valid Ed25519 public key (not a canonical curve point, or "
          + "of small order)");
    }
    java.security.PublicKey tlsKey = null;
    if (!request.getTlsPublicKey().isEmpty()) {
      try {
        tlsKey = TlsKeys.publicKey(request.getTlsPublicKey().toByteArray());
      } catch (IllegalArgumentException e) {
        v.add("tls_public_key", e.getMessage());
      }
    }
    String displayName = request.getDisplayName();
    if (displayName.isBlank()) {
      v.add("display_name", "is required: a name people recognise, e.g. Dock 2 handheld");
    } else {
      Text.check(v, "display_name", displayName, Device.MAX_DISPLAY_NAME, false);
    }
    v.throwIfAny();
    Devices.Enrolled enrolled = devices.enroll(Caller.current().principal(),
        request.getParent(), request.getDeviceId(), code, key, displayName, tlsKey);
    EnrollDeviceResponse.Builder answer = EnrollDeviceResponse.newBuilder()
        .setDevice(toProto(enrolled.device()));
    if (enrolled.certificate() != null) {
      answer.setClientCertificate(ByteString.copyFrom(enrolled.certificate().der()));
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void getDevice(GetDeviceRequest request, StreamObserver<GetDeviceResponse> response) {
    Violations v = new Violations();
    ResourceNames.checkDevice(v, "name", request.getName());
    v.throwIfAny();
    response.onNext(GetDeviceResponse.newBuilder()
        .setDevice(toProto(devices.device(request.getName()))).build());
    response.onCompleted();
  }

  @Override
  public void listDevices(ListDevicesRequest request,
      StreamObserver<ListDevicesResponse> response) {
    Violations v = new Violations();
    site(v, "parent", request.getParent());
    v.throwIfAny();
    int size = Paging.pageSize(request.getPageSize());
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(),
        "devices|" + request.getParent());
    if (cursor.after() != null && !ResourceNames.isId(cursor.after())) {
      throw new InvalidArgumentException("page_token", "is not a page token of this listing");
    }
    Paging.Page<Device> page = cursor.page(
        devices.list(request.getParent(), cursor.after(), cursor.fetchLimit()), Device::id);
    ListDevicesResponse.Builder b = ListDevicesResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(d -> b.addDevices(toProto(d)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void retireDevice(RetireDeviceRequest request,
      StreamObserver<RetireDeviceResponse> response) {
    Violations v = new Violations();
    ResourceNames.checkDevice(v, "name", request.getName());
    v.throwIfAny();
    response.onNext(RetireDeviceResponse.newBuilder()
        .setDevice(toProto(devices.retire(Caller.current().principal(), request.getName())))
        .build());
    response.onCompleted();
  }

  private static void site(Violations v, String field, String name) {
    if (name.isEmpty()) {
      v.add(field, "is required: a site, organizations/{id}/sites/{id}");
    } else if (!ResourceNames.isSite(name)) {
      v.add(field, "must be a name of the form organizations/{id}/sites/{id}, got '"
          + ResourceNames.abbreviate(name) + "'");
    }
  }

  static io.packtrail.v1.Device toProto(Device d) {
    io.packtrail.v1.Device.Builder b = io.packtrail.v1.Device.newBuilder()
        .setName(d.name())
        .setDisplayName(d.displayName())
        .setPublicKey(ByteString.copyFrom(d.publicKey()))
        .setStatus(ProtoMapper.toProto(io.packtrail.v1.DeviceStatus.class, d.status(),
            "DEVICE_STATUS_"))
        .setCreateTime(ProtoMapper.timestamp(d.createTime()))
        .setEnrollmentCode(d.enrollmentCodeName());
    if (d.retireTime() != null) {
      b.setRetireTime(ProtoMapper.timestamp(d.retireTime()));
    }
    return b.build();
  }

  /** {@code code} is the text, answered only by the call that created it (else null). */
  static io.packtrail.v1.EnrollmentCode toProto(EnrollmentCode c, String code) {
    io.packtrail.v1.EnrollmentCode.Builder b = io.packtrail.v1.EnrollmentCode.newBuilder()
        .setName(c.name())
        .setCreateTime(ProtoMapper.timestamp(c.createTime()))
        .setExpireTime(ProtoMapper.timestamp(c.expireTime()));
    if (code != null) {
      b.setCode(code);
    }
    if (c.useTime() != null) {
      b.setUseTime(ProtoMapper.timestamp(c.useTime())).setDevice(c.usedBy());
    }
    return b.build();
  }
}
