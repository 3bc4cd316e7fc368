package io.packtrail.client.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An auditor's check of a device-signed event sent by an authenticated caller (docs/formats.md
 * section 15, vector S1: the collection A4 with its submitter keys): {@link DeviceCheck} leaves
 * the submitter keys out, so the statement is section 10's and the signature verifies.
 */
class DeviceCheckVectorsTest {
  @Test
  void theSubmitterKeysAreNotPartOfTheStatement() throws Exception {
    String md = Files.readString(formatsDocument(), StandardCharsets.UTF_8);
    byte[] s1 = hexLines(block(md, "#### S1 "));
    String s10 = md.substring(md.indexOf("## 10. Device signatures"));
    byte[] statement = hexLines(block(s10, "The statement of A4"));
    Matcher key = Pattern.compile("\\| device public key \\| `([0-9a-f]{64})` \\|").matcher(s10);
    assertTrue(key.find());
    byte[] publicKey = HexFormat.of().parseHex(key.group(1));

    assertTrue(new String(s1, StandardCharsets.US_ASCII).contains("submitter.kind"));
    var signed = assertInstanceOf(DeviceCheck.Statement.class, DeviceCheck.of(s1));
    assertArrayEquals(statement, signed.statement(), "section 10's statement");
    assertTrue(signed.verifies(publicKey));
    for (String k : new String[] {"submitter.kind", "submitter.name",
        "submitter.certificate_serial"}) {
      assertTrue(DeviceCheck.NOT_SIGNED.contains(k), k);
    }
    // the submitter is the server's record of the call, bound by the hash chain, not signed by
    // the device
    assertFalse(new String(signed.statement(), StandardCharsets.US_ASCII).contains("submitter"));
  }

  /** The first ```text block after {@code heading}. */
  private static String block(String md, String heading) {
    int at = md.indexOf(heading);
    assertTrue(at >= 0, heading);
    int open = md.indexOf("```text\n", at) + "```text\n".length();
    return md.substring(open, md.indexOf("```", open));
  }

  /** The bytes of a block of `key = value` lines each followed by its hex line. */
  private static byte[] hexLines(String block) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : block.split("\n")) {
      if (line.startsWith("  ")) {
        out.writeBytes(HexFormat.of().parseHex(line.replace(" ", "")));
      }
    }
    return out.toByteArray();
  }

  private static Path formatsDocument() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("formats.md");
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("docs/formats.md not found");
  }
}
