package io.packtrail.client.label.render;

import com.google.zxing.common.BitMatrix;
import io.packtrail.client.label.render.LabelRenderer.Label;
import io.packtrail.client.label.render.LabelRenderer.QrInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.packtrail.client.label.render.RenderTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Rendering, SVG structure, sheets and the project's own reader (no external tools). */
class LabelRendererTest {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void measureRealisticTextFitsThirtyMillimetres() {
    System.out.println("QR at level Q, label 30 mm wide (incl. 4-module quiet zones):");
    for (int len : new int[]{24, 150, 200, 220, 230, 240, 260}) {
      QrInfo q = LabelRenderer.measure(labelText(len, len));
      System.out.printf(Locale.ROOT, "  text %3d chars -> version %2d, %d modules, %.3f mm/module%n",
          q.textLength(), q.version(), q.modules(), q.moduleMm(30));
      assertEquals(17 + 4 * q.version(), q.modules());
      assertEquals(LabelRenderer.matrix(labelText(len, len)).getWidth(), q.modules() + 8,
          "measure agrees with the renderer's matrix");
    }
    QrInfo realistic = LabelRenderer.measure(labelText(7, 230));
    assertEquals(230, realistic.textLength());
    assertTrue(realistic.version() <= 11, "version " + realistic.version());
    assertTrue(30.0 / (realistic.modules() + 8) >= 0.35, "module " + realistic.moduleMm(30) + " mm");
  }

  @ParameterizedTest
  @ValueSource(ints = {150, 300, 354, 600, 1000})
  void rasterUsesWholePixelsPerModuleAndMatchesTheMatrix(int widthPx) {
    String text = labelText(widthPx, 224);
    BitMatrix m = LabelRenderer.matrix(text);
    BufferedImage img = LabelRenderer.render(text, plainCode(1), widthPx);
    int n = m.getWidth(), scale = widthPx / n, x0 = (widthPx - n * scale) / 2;
    assertEquals(widthPx, img.getWidth());
    assertTrue(img.getHeight() > n * scale, "room for the code under the QR");
    for (int y = 0; y < n * scale; y++) {
      for (int x = 0; x < widthPx; x++) {
        int v = img.getRaster().getSample(x, y, 0);
        boolean inSymbol = x >= x0 && x < x0 + n * scale;
        int expected = inSymbol && m.get((x - x0) / scale, y / scale) ? 0 : 255;
        assertEquals(expected, v, "pixel " + x + "," + y + " (crisp, no interpolation)");
      }
    }
    assertEquals(Optional.of(text), LabelImageReader.read(img));
  }

  @Test
  void readsSymbolsThatZxingsSingleQrReaderMisses() {
    // This label's data region holds a finder-like pattern: zxing's QRCodeReader alone
    // reports NotFound at every scale (zbar reads it); the multi-reader fallback must not.
    Label l = labels(45, 224).get(2);
    for (int width : new int[]{300, 354, 600}) {
      assertEquals(Optional.of(l.text()), LabelImageReader.read(LabelRenderer.render(l.text(), l.plainCode(), width)));
    }
  }

  @Test
  void tooNarrowForOnePixelPerModuleIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> LabelRenderer.render(labelText(1, 224), "X", 40));
  }

  @Test
  void pngRoundTripsThroughOwnReader() throws IOException {
    for (int len : new int[]{10, 150, 224, 260}) {
      String text = labelText(len, len);
      byte[] png = LabelRenderer.png(text, plainCode(len), 354);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      assertEquals(354, img.getWidth());
      assertEquals(Optional.of(text), LabelImageReader.read(img), "length " + len);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rot7", "rot90", "scale150", "blur", "rot7+blur", "scale300+rot7+blur"})
  void ownReaderReadsDegradedLabels(String kind) {
    for (int len : new int[]{24, 150, 224, 260}) {
      String text = labelText(len, len);
      BufferedImage img = degrade(LabelRenderer.render(text, plainCode(len), 600), kind);
      assertEquals(Optional.of(text), LabelImageReader.read(img), kind + ", length " + len);
    }
  }

  /**
   * Applies "+"-separated steps: rot7, rot90, blur (3x3 box), scaleN (bilinear to N px wide).
   * Combinations are applied at ~4 px/module (scale300): at 150-200 px wide a v10-v12 symbol
   * has only 2-3 px/module, and a 3x3 blur or rotation on top of that defeats zbar and zxing
   * alike for long texts (measured), so those are not claimed.
   */
  static BufferedImage degrade(BufferedImage img, String kind) {
    for (String step : kind.split("\\+")) {
      img = switch (step) {
        case "rot7" -> rotate(img, 7);
        case "rot90" -> rotate(img, 90);
        case "blur" -> blur(img);
        default -> scaleToWidth(img, Integer.parseInt(step.substring("scale".length())));
      };
    }
    return img;
  }

  @Test
  void svgRectsReproduceTheMatrixExactly() {
    for (int len : new int[]{10, 150, 224, 260}) {
      String text = labelText(len, len), code = plainCode(len);
      String svg = LabelRenderer.svg(text, code);
      Element root = parseSvg(svg);
      assertEquals("30mm", root.getAttribute("width"));
      BitMatrix expected = LabelRenderer.matrix(text);
      double[] vb = viewBox(root);
      assertEquals(expected.getWidth(), (int) vb[2], "viewBox width in modules");
      assertTrue(vb[3] > vb[2], "viewBox leaves room for the code");
      assertEquals(expected, modulesOf(root));
      List<Element> texts = children(root, "text");
      assertEquals(1, texts.size());
      assertEquals(code, texts.get(0).getTextContent());
      assertTrue(Double.parseDouble(texts.get(0).getAttribute("y")) > expected.getHeight(),
          "code sits below the quiet zone");
      // One rect per maximal horizontal run of dark modules.
      int runs = 0;
      for (int y = 0; y < expected.getHeight(); y++)
        for (int x = 0; x < expected.getWidth(); x++)
          if (expected.get(x, y) && (x == 0 || !expected.get(x - 1, y))) runs++;
      assertEquals(runs, svg.split("<rect ", -1).length - 2, "rects besides the background");
    }
  }

  @Test
  void rasterizedSvgReadsBackWithOwnReader() {
    String text = labelText(3, 224);
    BufferedImage img = rasterize(LabelRenderer.svg(text, plainCode(3)), 300);
    assertEquals(354, img.getWidth()); // 30 mm at 300 dpi
    assertEquals(Optional.of(text), LabelImageReader.read(img));
  }

  @Test
  void sheetsAreA4PagesOfFortyAndEveryCellReadsBack() {
    List<Label> labels = labels(45, 224);
    List<BufferedImage> pages = LabelRenderer.sheets(labels);
    assertEquals(2, pages.size());
    for (BufferedImage p : pages) {
      assertEquals(2480, p.getWidth());
      assertEquals(3508, p.getHeight());
    }
    // Crop each cell of the grid (10 mm margins, 5 x 8 cells) and read it alone.
    double pxPerMm = 300 / 25.4;
    for (int i = 0; i < labels.size(); i++) {
      int k = i % 40;
      int x = (int) Math.round((10 + (k % 5) * 38) * pxPerMm);
      int y = (int) Math.round((10 + (k / 5) * 277.0 / 8) * pxPerMm);
      BufferedImage cell = pages.get(i / 40).getSubimage(x, y, (int) (38 * pxPerMm), (int) (277.0 / 8 * pxPerMm));
      assertEquals(Optional.of(labels.get(i).text()), LabelImageReader.read(cell), "label " + i);
    }
    assertEquals(2, LabelRenderer.sheetPngs(labels).size());
  }

  @Test
  void sheetSvgIsA4WithFortyLabelsPerPageEachExact() {
    List<Label> labels = labels(45, 224);
    List<String> pages = LabelRenderer.sheetSvg(labels);
    assertEquals(2, pages.size());
    int i = 0;
    for (String page : pages) {
      Element root = parseSvg(page);
      assertEquals("210mm", root.getAttribute("width"));
      assertEquals("297mm", root.getAttribute("height"));
      List<Element> cells = children(root, "svg");
      assertEquals(i == 0 ? 40 : 5, cells.size());
      for (Element cell : cells) {
        Label l = labels.get(i++);
        assertEquals(30.0, Double.parseDouble(cell.getAttribute("width")));
        assertEquals(LabelRenderer.matrix(l.text()), modulesOf(cell), "label " + i);
        assertEquals(l.plainCode(), children(cell, "text").get(0).getTextContent());
      }
    }
    assertEquals(45, i);
  }

  // ------------------------------------------------------------- reader refusals

  @Test
  void readerRefusesImagesWithoutQr() {
    BufferedImage white = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
    white.getGraphics().fillRect(0, 0, 300, 300);
    assertEquals(Optional.empty(), LabelImageReader.read(white));
    assertEquals(Optional.empty(), LabelImageReader.read(new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB)));
    assertEquals(Optional.empty(), LabelImageReader.read(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY)));

    BufferedImage noise = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
    java.util.Random r = new java.util.Random(1);
    for (int y = 0; y < 400; y++)
      for (int x = 0; x < 400; x++)
        noise.setRGB(x, y, r.nextBoolean() ? 0 : 0xffffff);
    assertEquals(Optional.empty(), LabelImageReader.read(noise));

    // A readable barcode of another symbology is not a label.
    assertEquals(Optional.empty(), LabelImageReader.read(code128("PT1:ABC")));

    // Half a QR code is unreadable, not an exception.
    BufferedImage full = LabelRenderer.render(labelText(5, 224), "X", 600);
    assertEquals(Optional.empty(), LabelImageReader.read(full.getSubimage(0, 0, 600, 300)));
  }

  private static BufferedImage code128(String text) {
    try {
      return com.google.zxing.client.j2se.MatrixToImageWriter.toBufferedImage(
          new com.google.zxing.oned.Code128Writer().encode(text, com.google.zxing.BarcodeFormat.CODE_128, 400, 120));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void readerFileErrorsAreIoExceptionsWithClearMessages(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.png");
    IOException e1 = assertThrows(IOException.class, () -> LabelImageReader.read(missing));
    assertTrue(e1.getMessage().contains("missing.png"), e1.getMessage());

    Path notImage = Files.writeString(dir.resolve("label.png"), "this is not a PNG");
    IOException e2 = assertThrows(IOException.class, () -> LabelImageReader.read(notImage));
    assertTrue(e2.getMessage().contains("not a supported image"), e2.getMessage());

    IOException e3 = assertThrows(IOException.class, () -> LabelImageReader.read(dir));
    assertTrue(e3.getMessage().contains(dir.toString()), e3.getMessage());

    String text = labelText(9, 224);
    Path ok = writePng(dir, "ok.png", LabelRenderer.png(text, plainCode(9), 354));
    assertEquals(Optional.of(text), LabelImageReader.read(ok));
  }
}
