package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.client.device.StepStatement;
import io.packtrail.server.testing.FormatsDocument;
import io.packtrail.v1.RecordEventRequest;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/formats.md section 10's vectors: the device key from its seed, the statement of the
 * collection A4 as the SDK and the server compute it, its signature, and the signature the
 * request of section 8 carries.
 */
class DeviceVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void theDocumentedSignatureIsWhatTheDeviceMakes() throws Exception {
    FormatsDocument doc = FormatsDocument.load();
    FormatsDocument.Part s10 = doc.section("10.");
    FormatsDocument.Table table = s10.section("Test vectors").table();
    Map<String, String> items = table.rows().stream().collect(Collectors.toMap(
        r -> r.get(0), r -> FormatsDocument.code(r.get(1))));
    DeviceKey key = DeviceKey.fromSeed(HEX.parseHex(items.get("device private key (seed)")));
    assertEquals(items.get("device public key"), HEX.formatHex(key.publicKey()));
    String device = items.get("device (text)");

    List<FormatsDocument.CodeBlock> blocks = s10.section("Test vectors").codeBlocks();
    ByteArrayOutputStream documented = new ByteArrayOutputStream();
    List<String> lines = blocks.get(0).lines();
    for (int i = 1; i < lines.size(); i += 2) {
      documented.writeBytes(HEX.parseHex(lines.get(i).replace(" ", "")));
    }
    byte[] signature = HEX.parseHex(String.join("", blocks.get(1).lines()).replace(" ", ""));

    RecordEventRequest.Builder a4 = RecordEventRequest.newBuilder();
    TextFormat.merge(doc.section("8.").section("A4 ").codeBlocks().get(0).text(), a4);
    assertEquals(device, a4.getDevice());
    byte[] statement = StepStatement.of(a4.build(), device);
    assertArrayEquals(documented.toByteArray(), statement, "the SDK's statement");
    assertArrayEquals(statement, ServerStatements.of(a4.build(), device), "the server's");
    assertArrayEquals(signature, key.sign(statement), "Ed25519 is deterministic");
    assertArrayEquals(signature, a4.getDeviceSignature().toByteArray(), "A4 carries it");
    assertTrue(DeviceSignatures.verify(a4.build(), key.publicKey()));
    // the tag matters: the same bytes under the label tag do not verify
    assertFalse(io.packtrail.client.label.Ed25519Keys.verify(
        io.packtrail.client.label.Ed25519Keys.LABEL_TAG, statement, signature, key.publicKey()));
    assertTrue(s10.section("Statement and signature").codeBlocks().get(0).text()
        .contains("\"" + DeviceSignatures.TAG + "\" || 0x00 || statement"), "the tag");
  }
}
