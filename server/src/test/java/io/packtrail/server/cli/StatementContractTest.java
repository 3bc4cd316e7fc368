package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.device.StepStatement;
import io.packtrail.server.api.ServerStatements;
import io.packtrail.server.testing.FormatsDocument;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.RecordEventRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK's step statement (what a device signs, offline) is byte for byte the server's (what
 * it verifies): for every RecordEventRequest of docs/formats.md sections 8 and 9, and for every
 * step the demo network records (captured on the wire as the demo sends them).
 */
class StatementContractTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static final String DEVICE =
      "organizations/west-recycling/sites/plant/devices/scanner-01";

  @Test
  void everyDocumentedRequestHasTheServersStatement() throws Exception {
    FormatsDocument doc = FormatsDocument.load();
    int compared = 0;
    for (String section : List.of("8.", "9.")) {
      for (FormatsDocument.Part part : doc.section(section).subsections(4)) {
        String text = part.codeBlocks().get(0).text();
        if (!text.startsWith("# RecordEventRequest")) {
          continue; // registrations are not signed by devices
        }
        RecordEventRequest.Builder request = RecordEventRequest.newBuilder();
        TextFormat.merge(text, request);
        assertSame(part.title(), request.build());
        compared++;
      }
    }
    assertEquals(12 + 10, compared, "12 steps in section 8, 10 in section 9");
  }

  @Test
  void everyStepOfTheDemoHasTheServersStatement() {
    List<RecordEventRequest> sent = new ArrayList<>();
    Channel capturing = ClientInterceptors.intercept(harness.channel(), new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method,
          CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method,
            options)) {
          @Override
          public void sendMessage(Q message) {
            synchronized (sent) {
              if (message instanceof RecordEventRequest r) {
                sent.add(r);
              } else if (message instanceof BatchRecordEventsRequest b) {
                sent.addAll(b.getRequestsList());
              }
            }
            super.sendMessage(message);
          }
        };
      }
    });
    PacktrailClient client = PacktrailClient.over(capturing, Duration.ofSeconds(60));
    assertEquals(0, new DemoData(client, 120).load(), "items refused");
    Map<RecordEventRequest.StepCase, Integer> byStep = new TreeMap<>();
    for (RecordEventRequest r : sent) {
      assertSame(r.getEventId(), r);
      byStep.merge(r.getStepCase(), 1, Integer::sum);
    }
    // a spread: the demo's whole loop, first half and second
    for (RecordEventRequest.StepCase step : List.of(RecordEventRequest.StepCase.SALE,
        RecordEventRequest.StepCase.REMOVAL, RecordEventRequest.StepCase.COLLECTION,
        RecordEventRequest.StepCase.SHIPMENT, RecordEventRequest.StepCase.RECEIPT,
        RecordEventRequest.StepCase.INSPECTION, RecordEventRequest.StepCase.TRADE_IN,
        RecordEventRequest.StepCase.DISMANTLING, RecordEventRequest.StepCase.RECYCLING)) {
      assertTrue(byStep.getOrDefault(step, 0) > 0, "the demo recorded no " + step + ": "
          + byStep);
    }
  }

  private static void assertSame(String what, RecordEventRequest request) {
    byte[] sdk = StepStatement.of(request, DEVICE);
    byte[] server = ServerStatements.of(request, DEVICE);
    if (!java.util.Arrays.equals(server, sdk)) {
      assertEquals(HexFormat.of().formatHex(server), HexFormat.of().formatHex(sdk),
          what + ": the SDK's statement differs from the server's\nSDK fields: "
              + StepStatement.fieldsOf(request, DEVICE));
    }
  }
}
