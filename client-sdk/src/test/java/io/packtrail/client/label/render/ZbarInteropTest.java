package io.packtrail.client.label.render;

import io.packtrail.client.label.render.LabelRenderer.Label;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static io.packtrail.client.label.render.RenderTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * zbar (an independent decoder) must read every kind of label we print back to the exact text.
 * Requires {@code zbarimg} (Debian zbar-tools): skipped with the reason without it, failed
 * instead when PACKTRAIL_REQUIRE_QR_TOOLS=true (as {@code .ci/run} sets).
 */
class ZbarInteropTest {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final int[] LENGTHS = {10, 150, 224, 260};

  @TempDir
  Path dir;

  @BeforeAll
  static void toolInstalled() {
    requireTool("zbarimg", "zbar-tools");
  }

  @Test
  void singlePngLabelsAtSeveralSizes() throws Exception {
    for (int len : LENGTHS) {
      for (int width : new int[]{150, 354, 600}) {
        String text = labelText(len, len);
        Path png = writePng(dir, "label-" + len + "-" + width + ".png",
            LabelRenderer.png(text, plainCode(len), width));
        assertZbarReads(text, png);
      }
    }
  }

  @Test
  void textWithEdgeSpacesComesBackExactly() throws Exception {
    // Leading/trailing/double spaces are where a sloppy pipeline would lose characters.
    String text = "PT1: " + labelText(11, 200).substring(4) + "  ";
    assertZbarReads(text, writePng(dir, "spaces.png", LabelRenderer.png(text, plainCode(11), 354)));
  }

  @Test
  void svgRasterizedFromItsOwnRects() throws Exception {
    // The JDK has no SVG renderer: rasterize what the SVG itself says (its rects, viewBox,
    // width="30mm"), not the matrix it came from. LabelRendererTest checks rects == matrix.
    for (int len : LENGTHS) {
      String text = labelText(len, len);
      String svg = LabelRenderer.svg(text, plainCode(len));
      for (int dpi : new int[]{200, 300, 600}) {
        BufferedImage img = rasterize(svg, dpi);
        assertZbarReads(text, writePng(dir, "svg-" + len + "-" + dpi + ".png", img));
      }
    }
  }

  @Test
  void everyLabelOnA4PngSheets() throws Exception {
    List<Label> labels = labels(45, 224);
    List<byte[]> pages = LabelRenderer.sheetPngs(labels);
    assertEquals(2, pages.size());
    for (int p = 0; p < pages.size(); p++) {
      List<String> expected = labels.subList(p * 40, Math.min(labels.size(), p * 40 + 40))
          .stream().map(Label::text).sorted().toList();
      List<String> got = zbarimg(writePng(dir, "sheet-" + p + ".png", pages.get(p)))
          .stream().sorted().toList();
      assertEquals(expected, got, "page " + p);
    }
  }

  @Test
  void everyLabelOnA4SvgSheet() throws Exception {
    List<Label> labels = labels(40, 240);
    String page = LabelRenderer.sheetSvg(labels).get(0);
    List<String> got = zbarimg(writePng(dir, "sheet-svg.png", rasterize(page, 300)))
        .stream().sorted().toList();
    assertEquals(labels.stream().map(Label::text).sorted().toList(), got);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rot7", "rot90", "scale150", "blur", "rot7+blur", "scale300+rot7+blur"})
  void degradedLabels(String kind) throws Exception {
    for (int len : LENGTHS) {
      String text = labelText(len, len);
      BufferedImage img = LabelRendererTest.degrade(LabelRenderer.render(text, plainCode(len), 600), kind);
      assertZbarReads(text, writePng(dir, kind.replace('+', '_') + "-" + len + ".png", img));
    }
  }
}
