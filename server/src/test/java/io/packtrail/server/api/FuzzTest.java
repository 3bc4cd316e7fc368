package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.RawCalls;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.BatchIssueLabelsRequest;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.BatchRegisterUnitsRequest;
import io.packtrail.v1.CreateLabelKeyRequest;
import io.packtrail.v1.CreateOrganizationRequest;
import io.packtrail.v1.CreateSiteRequest;
import io.packtrail.v1.GetLabelRequest;
import io.packtrail.v1.GetOrganizationRequest;
import io.packtrail.v1.GetSiteRequest;
import io.packtrail.v1.GetTrustListRequest;
import io.packtrail.v1.GetUnitLabelRequest;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.ListEventsRequest;
import io.packtrail.v1.ListLabelKeysRequest;
import io.packtrail.v1.ListOrganizationsRequest;
import io.packtrail.v1.ListSitesRequest;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.ReissueLabelRequest;
import io.packtrail.v1.RevokeLabelKeyRequest;
import io.packtrail.v1.RevokeLabelRequest;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import io.packtrail.v1.WatchEventsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutated valid requests against every RPC the server binds: no INTERNAL, no UNKNOWN, no leaked
 * exception, and the server still answers afterwards. The RPCs come from the bound service
 * descriptors, so a new RPC without a seed request below fails this test. Fixed seed: a failure
 * names the method and mutant number and repeats on every run.
 */
class FuzzTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s.withWitnessKeys(
      java.util.List.of(io.packtrail.client.log.VerifierKey.ofCosigner(Witness.NAME,
          Witness.KEY.publicKey()))));

  /** A witness the server accepts, so mutated cosignatures reach the checks past the key. */
  static final class Witness {
    static final String NAME = "witness.example/fuzz";
    static final io.packtrail.client.label.Ed25519Keys.KeyPair KEY =
        io.packtrail.client.label.Ed25519Keys.generate();
  }

  private static final long SEED = 0x5EED_2026_1129L;
  private static final int MUTANTS_PER_METHOD = 40;
  /** Mutants larger than this are skipped: the point is odd values, not the size limit. */
  private static final int MAX_REQUEST_BYTES = 1 << 20;
  /** How long a stream may stay silent; a valid watch rightly waits for events. */
  private static final long STREAM_WAIT_MILLIS = 200;

  private static final String[] STRINGS = {
      "", "\0", "a\0b", "units/\0", "x".repeat(100_000), "units/" + "A".repeat(20_000),
      "organizations/" + "a".repeat(5_000), "名前😀\uFFFF", "\u202E\u0007\u001B[0m", "'; --",
      "organizations/-", "organizations/test-maker", "organizations/test-maker/sites/factory",
      "units/TMKPBA1TRACE01RA50000001", "labels/1", "labels/99999999999999999999",
      "00000000-0000-0000-0000-000000000000", "PT1:", " ", "%s%n", "\uD83D"};
  private static final long[] NUMBERS = {0, 1, -1, 2, 999, Integer.MAX_VALUE, Integer.MIN_VALUE,
      Long.MAX_VALUE, Long.MIN_VALUE, 100_000_000_000_000_000L, 253_402_300_800L,
      -62_135_596_801L, 1_000_000_000};
  private static final double[] DOUBLES = {0, -0.0, -1, 1e308, -1e308, Double.NaN,
      Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 100.0000001};

  private static final Map<String, Message> SEEDS = new TreeMap<>();

  @BeforeAll
  static void seeds() throws Exception {
    Fixtures.network(harness.client());
    String code = Fixtures.registeredPack(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
    long serial = harness.client().issueLabel(code).getSerial();
    String unit = "units/" + code;

    seed(CreateOrganizationRequest.newBuilder().setOrganizationId("fuzz-org")
        .setOrganization(Organization.newBuilder().setDisplayName("Fuzz").setRegionCode("620100")
            .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER)).build());
    seed(GetOrganizationRequest.newBuilder().setName(Fixtures.MAKER).build());
    seed(ListOrganizationsRequest.newBuilder().setPageSize(2).setRegionCode("62")
        .setRole(OrganizationRole.ORGANIZATION_ROLE_RECYCLER).build());
    seed(CreateSiteRequest.newBuilder().setParent(Fixtures.RECYCLER).setSiteId("fuzz-site")
        .setSite(Site.newBuilder().setDisplayName("Fuzz").setKind(SiteKind.SITE_KIND_WAREHOUSE)
            .setRegionCode("620100").setAddress("Road 1").setLatitude(38.5)
            .setLongitude(102.2)).build());
    seed(GetSiteRequest.newBuilder().setName(Fixtures.FACTORY).build());
    seed(ListSitesRequest.newBuilder().setParent("organizations/-").setPageSize(2).build());

    seed(Fixtures.registration(Fixtures.newPackCode()));
    seed(BatchRegisterUnitsRequest.newBuilder()
        .addRequests(Fixtures.registration(Fixtures.newPackCode())).build());
    seed(GetUnitRequest.newBuilder().setName(unit).build());
    seed(ListUnitsRequest.newBuilder().setPageSize(2).setCustodian(Fixtures.MAKER).build());

    seed(Fixtures.inspection(code));
    seed(BatchRecordEventsRequest.newBuilder().addRequests(Fixtures.sale(code)).build());
    seed(ListEventsRequest.newBuilder().setParent(unit).setPageSize(1).build());
    seed(WatchEventsRequest.newBuilder().setStartLogIndex(0).build());

    seed(CreateLabelKeyRequest.newBuilder().setParent(Fixtures.MAKER)
        .setRequestId(UUID.randomUUID().toString()).setValidityDays(30).build());
    seed(ListLabelKeysRequest.newBuilder().setParent(Fixtures.MAKER).build());
    seed(RevokeLabelKeyRequest.newBuilder()
        .setName(Fixtures.MAKER + "/labelKeys/00000000").build());
    seed(IssueLabelRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
        .setUnit(unit).build());
    seed(BatchIssueLabelsRequest.newBuilder().addRequests(IssueLabelRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString()).setUnit(unit)).build());
    seed(ReissueLabelRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
        .setName("labels/" + serial).build());
    seed(RevokeLabelRequest.newBuilder().setName("labels/999999").build());
    seed(GetLabelRequest.newBuilder().setName("labels/" + serial).build());
    seed(GetTrustListRequest.getDefaultInstance());
    seed(GetUnitLabelRequest.newBuilder().setUnit(unit).build());

    String enrollment = harness.client().createEnrollmentCode(Fixtures.STATION,
        UUID.randomUUID().toString()).getCode();
    String device = harness.client().enrollDevice(Fixtures.STATION, "fuzz-device", enrollment,
        io.packtrail.client.device.DeviceKey.generate().publicKey(), "Fuzz").getName();
    seed(io.packtrail.v1.CreateEnrollmentCodeRequest.newBuilder().setParent(Fixtures.STATION)
        .setRequestId(UUID.randomUUID().toString()).build());
    seed(io.packtrail.v1.EnrollDeviceRequest.newBuilder().setParent(Fixtures.STATION)
        .setDeviceId("fuzz-device-2").setEnrollmentCode(harness.client().createEnrollmentCode(
            Fixtures.STATION, UUID.randomUUID().toString()).getCode())
        .setPublicKey(ByteString.copyFrom(
            io.packtrail.client.device.DeviceKey.generate().publicKey()))
        .setDisplayName("Fuzz 2").build());
    seed(io.packtrail.v1.GetDeviceRequest.newBuilder().setName(device).build());
    seed(io.packtrail.v1.ListDevicesRequest.newBuilder().setParent(Fixtures.STATION)
        .setPageSize(2).build());
    seed(io.packtrail.v1.RetireDeviceRequest.newBuilder().setName(device).build());

    com.google.protobuf.Timestamp start0 = com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(1_767_225_600).build(); // 2026-01-01
    com.google.protobuf.Timestamp end0 = com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(1_775_001_600).build(); // 2026-04-01
    long treeSize = harness.client().createCheckpoint().getTreeSize();
    seed(io.packtrail.v1.GetCheckpointRequest.newBuilder().setTreeSize(treeSize).build());
    seed(io.packtrail.v1.CreateCheckpointRequest.getDefaultInstance());
    seed(io.packtrail.v1.GetInclusionProofRequest.newBuilder().setLogIndex(1)
        .setTreeSize(treeSize).build());
    seed(io.packtrail.v1.GetConsistencyProofRequest.newBuilder().setFirstTreeSize(1)
        .setSecondTreeSize(treeSize).build());
    seed(io.packtrail.v1.ListLogEntriesRequest.newBuilder().setStartIndex(1).setPageSize(2)
        .setFilter("subject = \"" + Fixtures.STATION + "\" OR subject = \"units/" + unit
            .substring("units/".length()) + "/events/*\"").build());
    String body = io.packtrail.client.log.SignedNote.parse(harness.client()
        .getCheckpoint(treeSize).getNote()).text();
    seed(io.packtrail.v1.AddCosignatureRequest.newBuilder().setCheckpoint(body)
        .setSignatureLine(io.packtrail.client.log.Cosignature.sign(body.getBytes(
            java.nio.charset.StandardCharsets.UTF_8), Witness.NAME, Witness.KEY.privateKey(),
            1_767_225_600L).line()).build());
    seed(io.packtrail.v1.GetLogKeyRequest.getDefaultInstance());
    seed(io.packtrail.v1.GetUnitReportRequest.newBuilder().setUnit(unit).build());
    seed(io.packtrail.v1.GetRegionalOverviewRequest.newBuilder().setRegionCode("620000")
        .setStartTime(start0).setEndTime(end0).build());
    seed(io.packtrail.v1.GetRegionalOverviewPageRequest.newBuilder().setRegionCode("620100")
        .setStartTime(start0).setEndTime(end0).build());
    seed(io.packtrail.v1.ExportUnitHistoryRequest.newBuilder().setUnit(unit)
        .setFormat(io.packtrail.v1.ExportFormat.EXPORT_FORMAT_EPCIS).build());
    seed(io.packtrail.v1.ListLateReportsRequest.newBuilder().setRegionCode("620100")
        .setOrganization(Fixtures.DEALER).setStartTime(start0).setEndTime(end0).setPageSize(5)
        .build());
    seed(io.packtrail.v1.ListOverdueReportsRequest.newBuilder().setRegionCode("620100")
        .setOrganization(Fixtures.DEALER).setStartTime(start0).setEndTime(end0)
        .setOpenOnly(true).setPageSize(5).build());
    seed(io.packtrail.v1.ListAnomaliesRequest.newBuilder().setKind("SHIPMENT_NOT_RECEIVED")
        .setOrganization(Fixtures.DEALER).setRegionCode("620100").setUnit(unit)
        .setState(io.packtrail.v1.AnomalyState.ANOMALY_STATE_OPEN).setStartTime(start0)
        .setEndTime(end0).setPageSize(5).build());
    seed(io.packtrail.v1.GetAnomalyRequest.newBuilder()
        .setName("anomalies/7549b97a23253d41fdc4c475a3d57f47").build());
    seed(io.packtrail.v1.AcknowledgeAnomalyRequest.newBuilder()
        .setName("anomalies/7549b97a23253d41fdc4c475a3d57f47")
        .setRequestId("6f1c2a9e-4d0b-4f6a-9b7e-2a1d3c4b5e6f").setNote("checked on site").build());
    seed(io.packtrail.v1.ExportEventsRequest.newBuilder().setFilter("unit = \"" + unit
        + "\" AND type = \"sale\" OR type = \"removal\" AND event_time >= "
        + "\"2026-01-01T00:00:00Z\" AND region_code = \"620000\"")
        .setFormat(io.packtrail.v1.ExportFormat.EXPORT_FORMAT_EPCIS).setPageSize(2).build());

    com.google.protobuf.Timestamp start = com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(1_767_225_600).build(); // 2026-01-01
    com.google.protobuf.Timestamp end = com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(1_775_001_600).build(); // 2026-04-01
    seed(io.packtrail.v1.GetLineageRequest.newBuilder().setName(unit)
        .setDirection(io.packtrail.v1.LineageDirection.LINEAGE_DIRECTION_BOTH).setMaxDepth(3)
        .setMaxNodes(10).build());
    seed(io.packtrail.v1.GetMaterialLotRequest.newBuilder().setName("materialLots/lot-0001")
        .build());
    seed(io.packtrail.v1.ListMaterialLotsRequest.newBuilder().setPlantSite(Fixtures.FACTORY)
        .setUnit(unit).setProduct(io.packtrail.v1.MaterialProduct.MATERIAL_PRODUCT_MNSO4)
        .setStartTime(start).setEndTime(end).setPageSize(2).build());
    seed(io.packtrail.v1.ListTradeInsRequest.newBuilder().setSite(Fixtures.FACTORY)
        .setStartTime(start).setEndTime(end).setPageSize(2).build());
    seed(io.packtrail.v1.GetPlantFiguresRequest.newBuilder().setSite(Fixtures.FACTORY)
        .setStartTime(start).setEndTime(end).build());
  }

  private static void seed(Message request) {
    SEEDS.put(request.getDescriptorForType().getFullName(), request);
  }

  @Test
  void noRpcAnswersMutatedRequestsWithInternalOrUnknown() {
    List<String> missingSeeds = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int methods = 0;
    for (ServerServiceDefinition service : harness.services()) {
      if (!service.getServiceDescriptor().getName().startsWith("packtrail.")) {
        continue; // health and reflection are the library's
      }
      for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
        MethodDescriptor<?, ?> m = method.getMethodDescriptor();
        com.google.protobuf.Descriptors.MethodDescriptor schema =
            ((ProtoMethodDescriptorSupplier) m.getSchemaDescriptor()).getMethodDescriptor();
        Message seed = SEEDS.get(schema.getInputType().getFullName());
        if (seed == null) {
          missingSeeds.add(m.getFullMethodName() + " (" + schema.getInputType().getFullName()
              + ")");
          continue;
        }
        methods++;
        fuzz(m, schema.getOutputType(), seed, failures);
      }
    }
    assertTrue(missingSeeds.isEmpty(), "add a valid seed request to FuzzTest.seeds() for "
        + missingSeeds);
    assertTrue(methods >= 24, "found only " + methods + " RPCs");
    assertTrue(failures.isEmpty(), failures.size() + " mutants failed; the first ones:\n"
        + String.join("\n", failures.subList(0, Math.min(15, failures.size()))));
    // and the server still answers
    assertEquals(Fixtures.MAKER, harness.registry().getOrganization(GetOrganizationRequest
        .newBuilder().setName(Fixtures.MAKER).build()).getOrganization().getName());
  }

  /**
   * RecordEvent has one seed above; the steps of a pack's second half each get their own, so
   * mutants reach every step message of the request's oneof (and the batch carries them all).
   */
  @Test
  void everyStepSurvivesMutatedRequests() {
    String pack = Fixtures.gradedPackAt(harness.client(), Fixtures.LINE);
    String installed = Fixtures.registeredPack(harness.client());
    harness.client().recordEvent(Fixtures.sale(installed));
    String module = Fixtures.newCode('M');
    List<RecordEventRequest> steps = List.of(
        Fixtures.tradeIn(installed, Fixtures.SALE_VIN, Fixtures.registeredPack(harness.client())),
        Fixtures.dismantling(pack, Fixtures.LINE, 20, Fixtures.child(module, 360)),
        Fixtures.assembly(Fixtures.newSecondLifePackCode(), 180, module),
        Fixtures.commissioning(pack), Fixtures.secondLifeInspection(pack, 70),
        Fixtures.decommissioning(pack),
        Fixtures.recycling(pack, Fixtures.LINE, Fixtures.elements(10, 1, 1, 1, 5, 5),
            List.of(Fixtures.lot("fuzz-lot", io.packtrail.v1.MaterialProduct.MATERIAL_PRODUCT_MNSO4,
                4, Fixtures.elements(0, 0, 0, 1, 0, 0))), module),
        Fixtures.scrapping(pack, Fixtures.LINE), Fixtures.correction(pack, Fixtures.LINE, 1));
    List<String> failures = new ArrayList<>();
    for (RecordEventRequest step : steps) {
      fuzz(io.packtrail.v1.EventServiceGrpc.getRecordEventMethod(),
          io.packtrail.v1.RecordEventResponse.getDescriptor(), step, failures);
    }
    fuzz(io.packtrail.v1.EventServiceGrpc.getBatchRecordEventsMethod(),
        BatchRecordEventsRequest.getDescriptor().getFile().findMessageTypeByName(
            "BatchRecordEventsResponse"),
        BatchRecordEventsRequest.newBuilder().addAllRequests(steps).build(), failures);
    assertTrue(failures.isEmpty(), failures.size() + " mutants failed; the first ones:\n"
        + String.join("\n", failures.subList(0, Math.min(15, failures.size()))));
  }

  private void fuzz(MethodDescriptor<?, ?> method, Descriptor responseType, Message seed,
      List<String> failures) {
    Random random = new Random(SEED ^ method.getFullMethodName().hashCode());
    for (int i = 0; i < MUTANTS_PER_METHOD; i++) {
      StringBuilder how = new StringBuilder();
      Message.Builder b = seed.toBuilder();
      int fieldMutations = 1 + random.nextInt(3);
      for (int k = 0; k < fieldMutations; k++) {
        mutate(b, random, how, 0);
      }
      byte[] request = b.build().toByteArray();
      if (random.nextInt(3) == 0) {
        request = mutateBytes(request, random, how);
      }
      if (request.length > MAX_REQUEST_BYTES) {
        continue;
      }
      String failure = call(method, responseType, request);
      if (failure != null) {
        failures.add(method.getFullMethodName() + " mutant " + i + " [" + how + "]: " + failure);
      }
    }
  }

  /** Null when the answer is acceptable, else what was wrong with it. */
  private static String call(MethodDescriptor<?, ?> method, Descriptor responseType,
      byte[] request) {
    try {
      byte[] response = method.getType() == MethodDescriptor.MethodType.UNARY
          ? RawCalls.unary(harness.channel(), method.getFullMethodName(), request)
          : RawCalls.firstOfStream(harness.channel(), method.getFullMethodName(), request,
              STREAM_WAIT_MILLIS);
      return response == null ? null : embeddedStatusFailure(
          DynamicMessage.parseFrom(responseType, response));
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      if (s.getCode() == Status.Code.DEADLINE_EXCEEDED
          && method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
        return null; // a watch waiting for events
      }
      return badStatus(s.getCode().value(), String.valueOf(s.getDescription()));
    } catch (InvalidProtocolBufferException e) {
      return "the response does not parse: " + e.getMessage();
    }
  }

  private static String badStatus(int code, String description) {
    if (code == Status.Code.INTERNAL.value() || code == Status.Code.UNKNOWN.value()) {
      return Status.fromCodeValue(code).getCode() + ": " + cut(description);
    }
    if (description.contains("Exception") || description.contains("\tat ")) {
      return "an exception leaked: " + cut(description);
    }
    return null;
  }

  /** Batch responses carry a google.rpc.Status per item: those must not be INTERNAL either. */
  private static String embeddedStatusFailure(Message message) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      List<?> values = e.getKey().isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (Object value : values) {
        Message child = (Message) value;
        String failure = child.getDescriptorForType().getFullName().equals("google.rpc.Status")
            ? badStatus((int) child.getField(child.getDescriptorForType().findFieldByName("code")),
                (String) child.getField(child.getDescriptorForType().findFieldByName("message")))
            : embeddedStatusFailure(child);
        if (failure != null) {
          return "in the response: " + failure;
        }
      }
    }
    return null;
  }

  // ---- mutations ----

  /** Gives one field (perhaps of a nested message) an odd value from its type. */
  private static void mutate(Message.Builder b, Random random, StringBuilder how, int depth) {
    List<FieldDescriptor> fields = b.getDescriptorForType().getFields();
    if (fields.isEmpty()) {
      return;
    }
    FieldDescriptor f = fields.get(random.nextInt(fields.size()));
    how.append(f.getName());
    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      if (f.isRepeated()) {
        repeatMessage(b, f, random, how, depth);
      } else if (random.nextInt(4) == 0) {
        b.clearField(f);
        how.append("=cleared ");
      } else if (depth < 4) {
        how.append('.');
        Message.Builder child = ((Message) b.getField(f)).toBuilder();
        mutate(child, random, how, depth + 1);
        b.setField(f, child.build());
      }
      return;
    }
    Object value = value(f, random);
    how.append('=').append(describe(value)).append(' ');
    if (f.isRepeated()) {
      if (random.nextBoolean()) {
        b.clearField(f);
      }
      b.addRepeatedField(f, value);
    } else {
      b.setField(f, value);
    }
  }

  private static void repeatMessage(Message.Builder b, FieldDescriptor f, Random random,
      StringBuilder how, int depth) {
    int count = b.getRepeatedFieldCount(f);
    switch (random.nextInt(4)) {
      case 0 -> {
        b.clearField(f);
        how.append("=[] ");
      }
      case 1 -> {
        Message first = count > 0 ? (Message) b.getRepeatedField(f, 0)
            : b.newBuilderForField(f).build();
        for (int n = 0; n < 1001; n++) {
          b.addRepeatedField(f, first);
        }
        how.append("+=1001 copies ");
      }
      default -> {
        Message.Builder item = count > 0 ? ((Message) b.getRepeatedField(f, 0)).toBuilder()
            : b.newBuilderForField(f);
        how.append("[+].");
        if (depth < 4) {
          mutate(item, random, how, depth + 1);
        }
        b.addRepeatedField(f, item.build());
      }
    }
  }

  private static Object value(FieldDescriptor f, Random random) {
    return switch (f.getJavaType()) {
      case STRING -> random.nextInt(4) == 0 ? randomText(random)
          : STRINGS[random.nextInt(STRINGS.length)];
      case INT -> (int) NUMBERS[random.nextInt(NUMBERS.length)];
      case LONG -> NUMBERS[random.nextInt(NUMBERS.length)];
      case DOUBLE -> DOUBLES[random.nextInt(DOUBLES.length)];
      case FLOAT -> (float) DOUBLES[random.nextInt(DOUBLES.length)];
      case BOOLEAN -> random.nextBoolean();
      case BYTE_STRING -> {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        yield ByteString.copyFrom(bytes);
      }
      case ENUM -> random.nextBoolean()
          ? f.getEnumType().getValues().get(random.nextInt(f.getEnumType().getValues().size()))
          : f.getEnumType().findValueByNumberCreatingIfUnknown(
              new int[] {999, -1, Integer.MAX_VALUE}[random.nextInt(3)]);
      case MESSAGE -> throw new AssertionError("messages are mutated field by field");
    };
  }

  private static String randomText(Random random) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(40);
    for (int i = 0; i < length; i++) {
      int cp;
      do {
        cp = random.nextInt(4) == 0 ? random.nextInt(0x10FFFF) : random.nextInt(0x80);
      } while (Character.isSurrogate((char) cp) && cp < 0x10000);
      s.appendCodePoint(cp);
    }
    return s.toString();
  }

  /** Flips, cuts, inserts or overwrites bytes of the serialized request. */
  private static byte[] mutateBytes(byte[] bytes, Random random, StringBuilder how) {
    byte[] out = bytes.clone();
    int position = out.length == 0 ? 0 : random.nextInt(out.length);
    switch (random.nextInt(4)) {
      case 0 -> {
        if (out.length > 0) {
          out[position] ^= (byte) (1 << random.nextInt(8));
        }
        how.append("bit flip at ").append(position);
      }
      case 1 -> {
        out = java.util.Arrays.copyOf(out, position);
        how.append("cut at ").append(position);
      }
      case 2 -> {
        byte[] junk = new byte[1 + random.nextInt(8)];
        random.nextBytes(junk);
        byte[] longer = new byte[out.length + junk.length];
        System.arraycopy(out, 0, longer, 0, position);
        System.arraycopy(junk, 0, longer, position, junk.length);
        System.arraycopy(out, position, longer, position + junk.length, out.length - position);
        out = longer;
        how.append("junk inserted at ").append(position);
      }
      default -> {
        if (out.length > 0) {
          out[position] = (byte) new int[] {0xFF, 0x80, 0x00, 0xC0}[random.nextInt(4)];
        }
        how.append("byte set at ").append(position);
      }
    }
    return out;
  }

  private static String describe(Object value) {
    return value instanceof String s ? "'" + cut(s.replace("\0", "\\0")) + "' (" + s.length()
        + " chars)" : String.valueOf(value);
  }

  private static String cut(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
