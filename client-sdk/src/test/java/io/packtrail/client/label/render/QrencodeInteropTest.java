package io.packtrail.client.label.render;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.packtrail.client.label.render.RenderTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our reader must read QR codes made by an independent encoder ({@code qrencode}, Debian package
 * qrencode): skipped with the reason without it, failed instead when
 * PACKTRAIL_REQUIRE_QR_TOOLS=true (as {@code .ci/run} sets).
 */
class QrencodeInteropTest {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @TempDir
  Path dir;

  @BeforeAll
  static void toolInstalled() {
    requireTool("qrencode", "qrencode");
  }

  @Test
  void readsQrencodeOutputExactly() throws Exception {
    List<String> texts = List.of(
        "PT1:ABC",
        "PT1: $%*+-./:",                       // every Base45 special, incl. space
        " PT1:LEADING AND TRAILING SPACE ",
        labelText(21, 150),
        labelText(22, 224),
        labelText(23, 260));
    int i = 0;
    for (String text : texts) {
      Path png = dir.resolve("qrencode-" + i++ + ".png");
      qrencode(text, png);
      assertEquals(Optional.of(text), LabelImageReader.read(png), "qrencode text '" + text + "'");
    }
  }
}
