package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.client.device.DeviceSigner;
import io.packtrail.client.device.StepStatement;
import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Device;
import io.packtrail.v1.DeviceStatus;
import io.packtrail.v1.EnrollmentCode;
import io.packtrail.v1.Event;
import io.packtrail.v1.ListDevicesRequest;
import io.packtrail.v1.ListDevicesResponse;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DeviceService through gRPC, and device-signed steps through EventService. */
class DeviceServiceTest {
  /** The server's clock: real time plus an offset a test may move forward. */
  private static final AtomicReference<Duration> AHEAD = new AtomicReference<>(Duration.ZERO);

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> new ShiftedSettings(s).get());

  private static PacktrailClient client;

  @BeforeAll
  static void network() {
    client = harness.client();
    Fixtures.network(client);
  }

  /** Settings with a clock that runs {@link #AHEAD} ahead of the system's. */
  private record ShiftedSettings(io.packtrail.server.PacktrailServer.Settings settings) {
    io.packtrail.server.PacktrailServer.Settings get() {
      Clock shifted = new Clock() {
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        public Clock withZone(ZoneId zone) {
          return this;
        }

        public Instant instant() {
          return Instant.now().plus(AHEAD.get());
        }
      };
      return settings.withClock(shifted);
    }
  }

  private static String code(String site) {
    EnrollmentCode created = client.createEnrollmentCode(site, UUID.randomUUID().toString());
    return created.getCode();
  }

  private static String newId() {
    return "scanner-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An enrolled device of the site, and its signer. */
  private static DeviceSigner enrolled(String site) {
    DeviceKey key = DeviceKey.generate();
    Device d = client.enrollDevice(site, newId(), code(site), key.publicKey(), "Handheld");
    return new DeviceSigner(key, d.getName());
  }

  private static ErrorInfo errorInfo(com.google.rpc.Status status) {
    return io.packtrail.server.testing.Statuses.unpack(status, ErrorInfo.class);
  }

  // ---- enrollment codes and enrollment ----

  @Test
  void aCodeIsAnsweredOnceAndEnrollsOneDevice() {
    String requestId = UUID.randomUUID().toString();
    EnrollmentCode created = client.createEnrollmentCode(Fixtures.STATION, requestId);
    assertTrue(created.getCode().matches("[0-9A-Z]{4}(-[0-9A-Z]{4}){3}"), created.getCode());
    assertTrue(created.getName().startsWith(Fixtures.STATION + "/enrollmentCodes/"));
    assertEquals(Duration.ofHours(24), Duration.ofSeconds(created.getExpireTime().getSeconds()
        - created.getCreateTime().getSeconds()));
    // a retry answers the same code resource, without the code
    EnrollmentCode again = client.createEnrollmentCode(Fixtures.STATION, requestId);
    assertEquals(created.getName(), again.getName());
    assertEquals(created.getExpireTime(), again.getExpireTime());
    assertEquals("", again.getCode());

    DeviceKey key = DeviceKey.generate();
    String id = newId();
    // typed in lower case without hyphens: the same code
    String typed = created.getCode().replace("-", "").toLowerCase(java.util.Locale.ROOT);
    Device device = client.enrollDevice(Fixtures.STATION, id, typed, key.publicKey(), "Dock 2");
    assertEquals(Fixtures.STATION + "/devices/" + id, device.getName());
    assertEquals(DeviceStatus.DEVICE_STATUS_ACTIVE, device.getStatus());
    assertArrayEquals(key.publicKey(), device.getPublicKey().toByteArray());
    assertEquals(created.getName(), device.getEnrollmentCode());
    assertFalse(device.hasRetireTime());

    // the same enrollment again: the same device
    assertEquals(device, client.enrollDevice(Fixtures.STATION, id, created.getCode(),
        key.publicKey(), "Dock 2"));
    // the code's record says who used it
    EnrollmentCode used = client.createEnrollmentCode(Fixtures.STATION, requestId);
    assertEquals(device.getName(), used.getDevice());
    assertTrue(used.hasUseTime());

    // a second device with the used code is refused, and nothing is stored
    String otherId = newId();
    com.google.rpc.Status reused = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.enrollDevice(Fixtures.STATION, otherId, created.getCode(),
            DeviceKey.generate().publicKey(), "Other"));
    assertEquals("USED", errorInfo(reused).getMetadataOrThrow("refusal"));
    assertEquals(created.getName(), preconditions(reused).get(0).getSubject());
    assertEquals("ENROLLMENT_CODE", preconditions(reused).get(0).getType());
    assertFails(Status.Code.NOT_FOUND, () -> client.getDevice(Fixtures.STATION + "/devices/"
        + otherId));
    // the same device id with another key is not a retry either
    assertFails(Status.Code.FAILED_PRECONDITION, () -> client.enrollDevice(Fixtures.STATION,
        id, created.getCode(), DeviceKey.generate().publicKey(), "Dock 2"));
  }

  @Test
  void unknownExpiredAndOtherSitesCodesAreRefused() {
    byte[] key = DeviceKey.generate().publicKey();
    com.google.rpc.Status unknown = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.enrollDevice(Fixtures.STATION, newId(), "0000-0000-0000-0000", key, "X"));
    assertEquals("UNKNOWN", errorInfo(unknown).getMetadataOrThrow("refusal"));
    assertEquals("enrollment_code", errorInfo(unknown).getMetadataOrThrow("field"));

    String plantCode = code(Fixtures.PLANT);
    com.google.rpc.Status otherSite = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.enrollDevice(Fixtures.STATION, newId(), plantCode, key, "X"));
    assertEquals("OTHER_SITE", errorInfo(otherSite).getMetadataOrThrow("refusal"));
    // the code stays good for its own site
    assertEquals(Fixtures.PLANT, client.enrollDevice(Fixtures.PLANT, newId(), plantCode, key,
        "X").getName().replaceAll("/devices/.*", ""));

    String late = code(Fixtures.STATION);
    AHEAD.set(Duration.ofHours(24).plusSeconds(1));
    try {
      com.google.rpc.Status expired = assertFails(Status.Code.FAILED_PRECONDITION,
          () -> client.enrollDevice(Fixtures.STATION, newId(), late,
              DeviceKey.generate().publicKey(), "X"));
      assertEquals("EXPIRED", errorInfo(expired).getMetadataOrThrow("refusal"));
    } finally {
      AHEAD.set(Duration.ZERO);
    }
  }

  @Test
  void badEnrollmentRequestsNameTheirFields() {
    com.google.rpc.Status bad = assertFails(Status.Code.INVALID_ARGUMENT,
        () -> client.enrollDevice("organizations/x", "A", "12", new byte[31], ""));
    assertViolation(bad, "parent", "organizations/{id}/sites/{id}");
    assertViolation(bad, "device_id", "must match");
    assertViolation(bad, "enrollment_code", "16 characters");
    assertViolation(bad, "public_key", "32-byte");
    assertViolation(bad, "display_name", "is required");
    // y = 1: the neutral point, of small order
    byte[] smallOrder = new byte[32];
    smallOrder[0] = 1;
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.enrollDevice(
        Fixtures.STATION, newId(), code(Fixtures.STATION), smallOrder, "X")),
        "public_key", "not a valid");
    assertFails(Status.Code.NOT_FOUND, () -> client.createEnrollmentCode(
        Fixtures.MAKER + "/sites/nowhere", UUID.randomUUID().toString()));
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.createEnrollmentCode(
        Fixtures.STATION, "not-a-uuid")), "request_id", "UUID");
    // a key is one device's
    DeviceKey key = DeviceKey.generate();
    client.enrollDevice(Fixtures.STATION, newId(), code(Fixtures.STATION), key.publicKey(), "A");
    assertFails(Status.Code.ALREADY_EXISTS, () -> client.enrollDevice(Fixtures.STATION, newId(),
        code(Fixtures.STATION), key.publicKey(), "B"));
  }

  // ---- get, list, retire ----

  @Test
  void devicesAreListedPerSiteAndRetiredIdempotently() {
    String site = Fixtures.CASCADE_PLANT;
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      names.add(enrolled(site).device());
    }
    ListDevicesResponse first = client.listDevices(ListDevicesRequest.newBuilder()
        .setParent(site).setPageSize(2).build());
    assertEquals(2, first.getDevicesCount());
    ListDevicesResponse second = client.listDevices(ListDevicesRequest.newBuilder()
        .setParent(site).setPageSize(2).setPageToken(first.getNextPageToken()).build());
    List<String> listed = new java.util.ArrayList<>();
    first.getDevicesList().forEach(d -> listed.add(d.getName()));
    second.getDevicesList().forEach(d -> listed.add(d.getName()));
    assertEquals(names.stream().sorted().toList(), listed);
    assertEquals("", second.getNextPageToken());
    assertFails(Status.Code.INVALID_ARGUMENT, () -> client.listDevices(ListDevicesRequest
        .newBuilder().setParent(Fixtures.STATION).setPageToken(first.getNextPageToken())
        .build()));
    assertFails(Status.Code.NOT_FOUND, () -> client.listDevices(ListDevicesRequest.newBuilder()
        .setParent(Fixtures.CASCADE + "/sites/nowhere").build()));

    Device retired = client.retireDevice(names.get(0));
    assertEquals(DeviceStatus.DEVICE_STATUS_RETIRED, retired.getStatus());
    assertTrue(retired.hasRetireTime());
    assertEquals(retired, client.retireDevice(names.get(0)), "idempotent");
    assertEquals(retired, client.getDevice(names.get(0)));
    assertFails(Status.Code.NOT_FOUND, () -> client.retireDevice(site + "/devices/nobody"));
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT,
        () -> client.getDevice("units/X")), "name", "devices/{id}");
  }

  // ---- signed steps ----

  /** A sold pack's removal, signed by a new device of the station, not sent yet. */
  private record SignedRemoval(DeviceSigner signer, String code, RecordEventRequest signed) {
    static SignedRemoval make() {
      DeviceSigner signer = enrolled(Fixtures.STATION);
      String code = Fixtures.registeredPack(client);
      client.recordEvent(Fixtures.sale(code));
      return new SignedRemoval(signer, code, signer.sign(
          Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT)));
    }
  }

  @Test
  void aCopyWithAGarbledLabelOrATimeAheadDoesNotDecideTheDevicesOwnStep() {
    SignedRemoval removal = SignedRemoval.make();
    DeviceSigner signer = removal.signer();
    RecordEventRequest signed = removal.signed();
    // copies under the device's event id, sent before it: a label that does not decode, and
    // the same with a time far ahead; both are refused, neither is remembered for the id
    RecordEventRequest garbled = signed.toBuilder().setLabelText("x")
        .setDeviceSignature(com.google.protobuf.ByteString.copyFrom(new byte[64])).build();
    assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(garbled));
    RecordEventRequest ahead = garbled.toBuilder().setLabelText("")
        .setEventTime(Fixtures.time(java.time.Instant.now().plus(Duration.ofDays(1)))).build();
    assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(ahead));
    // the device's own request is recorded (it was refused as the garbled label, remembered)
    assertEquals(signer.device(), client.recordEvent(signed).getDevice());
  }

  @Test
  void aSignedStepIsStoredWithItsDeviceAndSignature() {
    SignedRemoval removal = SignedRemoval.make();
    DeviceSigner signer = removal.signer();
    String code = removal.code();
    RecordEventRequest signed = removal.signed();
    Event recorded = client.recordEvent(signed);
    assertEquals(signer.device(), recorded.getDevice());
    assertEquals(signed.getDeviceSignature(), recorded.getDeviceSignature());

    Event listed = client.listEvents(code).get(2);
    assertEquals(recorded, listed);
    CanonicalFields fields = CanonicalFields.decode(listed.getCanonicalBytes().toByteArray());
    assertEquals(signer.device(), fields.get("device"));
    assertEquals(HexFormat.of().formatHex(signed.getDeviceSignature().toByteArray()),
        fields.get("device.signature"));
    // an auditor: the statement from the stored event alone, verified under the device's key
    byte[] key = client.getDevice(signer.device()).getPublicKey().toByteArray();
    assertTrue(DeviceSignatures.verify(auditorStatement(fields),
        listed.getDeviceSignature().toByteArray(), key));
    assertEquals(-1, io.packtrail.server.domain.EventChain.firstBreak(
        client.listEvents(code).stream().map(e -> EventChain.fromCanonical(
            e.getCanonicalBytes().toByteArray(), e.getPreviousHash().toByteArray(),
            e.getHash().toByteArray(), new byte[32])).toList()), "the chain verifies");
    // a retry answers the same event
    assertEquals(recorded, client.recordEvent(signed));
    // a step without a device stays valid
    assertFalse(client.recordEvent(Fixtures.collection(code)).hasField(
        Event.getDescriptor().findFieldByName("device")));
  }

  /**
   * The statement as an auditor rebuilds it from an event's canonical fields (docs/formats.md
   * section 10): everything but the server's fields and the signature.
   */
  static byte[] auditorStatement(CanonicalFields eventFields) {
    java.util.Set<String> server = java.util.Set.of("record.time", "log.index", "unit.sequence",
        "actor.organization", "state.before", "state.after", "device.signature", "step.id",
        "step.unit", "step.part", "submitter.kind", "submitter.name",
        "submitter.certificate_serial");
    CanonicalFields statement = new CanonicalFields();
    byte[] all = eventFields.encode();
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(all);
    while (in.hasRemaining()) {
      byte[] k = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(k);
      byte[] v = new byte[in.getInt()];
      in.get(v);
      String key = new String(k, java.nio.charset.StandardCharsets.UTF_8);
      if (!server.contains(key)) {
        statement.put(key, new String(v, java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return statement.encode();
  }

  @Test
  void aMultiUnitStepNamesItsDeviceInEveryEventAndSignsInThePrimary() {
    DeviceSigner signer = enrolled(Fixtures.LINE);
    String pack = Fixtures.gradedPackAt(client, Fixtures.LINE);
    RecordEventRequest signed = signer.sign(Fixtures.dismantling(pack, Fixtures.LINE, 20,
        Fixtures.child(Fixtures.newCode('M'), 180), Fixtures.child(Fixtures.newCode('M'), 180)));
    List<Event> events = client.recordStep(signed);
    assertEquals(3, events.size());
    for (Event e : events) {
      assertEquals(signer.device(), e.getDevice());
    }
    assertEquals(signed.getDeviceSignature(), events.get(0).getDeviceSignature());
    assertTrue(events.get(1).getDeviceSignature().isEmpty());
    assertTrue(events.get(2).getDeviceSignature().isEmpty());
    assertArrayEquals(StepStatement.of(signed, signer.device()), auditorStatement(
        CanonicalFields.decode(events.get(0).getCanonicalBytes().toByteArray())));
  }

  @Test
  void badSignaturesAndDevicesAreRefusedAndNothingIsStored() {
    DeviceSigner signer = enrolled(Fixtures.STATION);
    String code = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(code));
    RecordEventRequest signed = signer.sign(
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE));

    // the statement changed after signing: the note was added
    RecordEventRequest tampered = signed.toBuilder().setRemoval(signed.getRemoval().toBuilder()
        .setNote("added later")).build();
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(tampered)),
        "device_signature", "does not verify");
    // another device's key
    DeviceSigner other = enrolled(Fixtures.STATION);
    RecordEventRequest wrongKey = other.sign(signed).toBuilder().setDevice(signer.device())
        .build();
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(wrongKey)),
        "device_signature", "does not verify");
    // half of the pair
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(
        signed.toBuilder().clearDeviceSignature().build())), "device_signature", "is required");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(
        signed.toBuilder().clearDevice().build())), "device", "is required");
    assertViolation(assertFails(Status.Code.INVALID_ARGUMENT, () -> client.recordEvent(
        signed.toBuilder().setDeviceSignature(ByteString.copyFrom(new byte[63])).build())),
        "device_signature", "64-byte");

    // unknown device
    RecordEventRequest unknown = new DeviceSigner(DeviceKey.generate(),
        Fixtures.STATION + "/devices/ghost").sign(signed);
    assertDeviceRefused(unknown, "UNKNOWN");
    // a device of another site than actor_site
    DeviceSigner plant = enrolled(Fixtures.PLANT);
    assertDeviceRefused(plant.sign(signed), "OTHER_SITE");
    // a retired device
    DeviceSigner retiring = enrolled(Fixtures.STATION);
    RecordEventRequest beforeRetirement = retiring.sign(signed);
    client.retireDevice(retiring.device());
    assertDeviceRefused(beforeRetirement, "RETIRED");

    assertEquals(2, client.listEvents(code).size(), "nothing stored");
    // the good one still goes through, once: every refusal above had its event id, and
    // refusals of the device are not remembered (a badly signed copy, here with other content,
    // must not decide the fate of the device's own request)
    Event recorded = client.recordEvent(signed);
    assertEquals(3, recorded.getSequence());
    // in a batch, the refusal names the item's field
    com.google.rpc.Status item = client.recordEvents(List.of(tampered.toBuilder()
        .setEventId(UUID.randomUUID().toString()).build())).getResults(0).getError();
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), item.getCode());
    assertViolation(item, "requests[0].device_signature", "does not verify");
  }

  @Test
  void aRetryIsAnsweredByItsIdEvenAfterTheDeviceRetired() {
    DeviceSigner signer = enrolled(Fixtures.STATION);
    String code = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(code));
    RecordEventRequest signed = signer.sign(
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_SERVICE));
    Event recorded = client.recordEvent(signed);
    client.retireDevice(signer.device());
    assertEquals(recorded, client.recordEvent(signed));
    // the same id signed by another device is another request
    DeviceSigner other = enrolled(Fixtures.STATION);
    assertFails(Status.Code.ALREADY_EXISTS, () -> client.recordEvent(other.sign(signed)));
  }

  private static void assertDeviceRefused(RecordEventRequest request, String refusal) {
    com.google.rpc.Status s = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.recordEvent(request));
    PreconditionFailure.Violation v = preconditions(s).get(0);
    assertEquals("DEVICE", v.getType());
    assertEquals(request.getDevice(), v.getSubject());
    assertEquals(refusal, errorInfo(s).getMetadataOrThrow("refusal"));
    assertEquals("device", errorInfo(s).getMetadataOrThrow("field"));
    assertNotEquals("", s.getMessage());
  }
}
