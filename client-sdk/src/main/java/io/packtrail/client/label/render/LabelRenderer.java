package io.packtrail.client.label.render;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders label texts as QR codes (level Q) with the plain battery code printed underneath,
 * as PNG or SVG, singly or as A4 sheets.
 *
 * <p>Raster output always uses a whole number of pixels per module: fractional scaling smears
 * module edges and costs decoders (and printers) margin. So a label asked for at {@code widthPx}
 * may have a QR slightly narrower than that, centred.
 */
public final class LabelRenderer {

  /** One label: the QR payload and the human-readable code printed under it. */
  public record Label(String text, String plainCode) {}

  /** What zxing picks for a text at level Q; {@code modules} excludes the quiet zone. */
  public record QrInfo(int textLength, int version, int modules) {
    /** Module size in mm when the label (symbol plus both quiet zones) is {@code labelWidthMm} wide. */
    public double moduleMm(double labelWidthMm) {
      return labelWidthMm / (modules + 2 * QUIET_ZONE);
    }
  }

  /** Quiet zone in modules on each side, as ISO/IEC 18004 requires. */
  public static final int QUIET_ZONE = 4;
  public static final double LABEL_WIDTH_MM = 30;

  // A4 sheet layout: 5 x 8 labels of 30 mm, 10 mm page margins, labels centred in their cells.
  public static final int SHEET_DPI = 300;
  public static final int SHEET_WIDTH_PX = 2480;
  public static final int SHEET_HEIGHT_PX = 3508;
  public static final int SHEET_COLUMNS = 5;
  public static final int SHEET_ROWS = 8;
  public static final int LABELS_PER_SHEET = SHEET_COLUMNS * SHEET_ROWS;
  private static final double PAGE_W_MM = 210, PAGE_H_MM = 297, PAGE_MARGIN_MM = 10;
  private static final double CELL_W_MM = (PAGE_W_MM - 2 * PAGE_MARGIN_MM) / SHEET_COLUMNS;
  private static final double CELL_H_MM = (PAGE_H_MM - 2 * PAGE_MARGIN_MM) / SHEET_ROWS;

  /** Monospace advance as a fraction of the font size (DejaVu/Consolas/Courier are all ~0.6). */
  private static final double MONO_ADVANCE_EM = 0.6;

  private LabelRenderer() {}

  // ---------------------------------------------------------------- QR matrix

  /** The QR symbol including its quiet zone, one matrix cell per module. */
  static BitMatrix matrix(String text) {
    try {
      // width/height 0: zxing returns exactly one cell per module, no resampling.
      return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
          EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.Q,
          EncodeHintType.MARGIN, QUIET_ZONE));
    } catch (WriterException e) {
      throw new IllegalArgumentException("text does not fit a QR code at level Q ("
          + text.length() + " chars)", e);
    }
  }

  public static QrInfo measure(String text) {
    try {
      QRCode qr = Encoder.encode(text, ErrorCorrectionLevel.Q);
      return new QrInfo(text.length(), qr.getVersion().getVersionNumber(), qr.getMatrix().getWidth());
    } catch (WriterException e) {
      throw new IllegalArgumentException("text does not fit a QR code at level Q", e);
    }
  }

  // ---------------------------------------------------------------- raster

  /**
   * A label {@code widthPx} wide: QR (with quiet zone) at an integer scale, centred, then the
   * plain code in bold monospace, sized to the symbol's width. Gray image, white background.
   */
  public static BufferedImage render(String labelText, String plainCode, int widthPx) {
    BitMatrix m = matrix(labelText);
    int n = m.getWidth();
    int scale = widthPx / n;
    if (scale < 1) {
      throw new IllegalArgumentException("width " + widthPx + " px is below one pixel per module ("
          + n + " modules with quiet zone)");
    }
    int qrPx = n * scale;
    int x0 = (widthPx - qrPx) / 2;

    TextLayout code = null;
    int bandPx = 0;
    if (plainCode != null && !plainCode.isEmpty()) {
      // Fit the code to the symbol's width (not the quiet zone) so it lines up with the QR.
      code = fitText(plainCode, (n - 2 * QUIET_ZONE) * scale);
      bandPx = (int) Math.ceil(code.getAscent() + code.getDescent()) + scale * 2;
    }

    BufferedImage img = new BufferedImage(widthPx, qrPx + bandPx, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setColor(Color.BLACK);
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          if (m.get(x, y)) {
            g.fillRect(x0 + x * scale, y * scale, scale, scale);
          }
        }
      }
      if (code != null) {
        // Antialias only the text; the modules stay pure black/white.
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        float tx = (widthPx - code.getAdvance()) / 2f;
        code.draw(g, tx, qrPx + code.getAscent());
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  private static TextLayout fitText(String text, int maxWidthPx) {
    Font base = new Font(Font.MONOSPACED, Font.BOLD, 100);
    double advanceAt100 = new TextLayout(text, base, FRC).getAdvance();
    float size = (float) Math.max(1, Math.floor(100 * maxWidthPx / advanceAt100 * 10) / 10);
    return new TextLayout(text, base.deriveFont(size), FRC);
  }

  public static byte[] png(String labelText, String plainCode, int widthPx) {
    return png(render(labelText, plainCode, widthPx));
  }

  public static byte[] png(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream: not expected
    }
    return out.toByteArray();
  }

  /** A4 pages at 300 dpi, {@value #LABELS_PER_SHEET} labels per page, row by row. */
  public static List<BufferedImage> sheets(List<Label> labels) {
    int labelPx = mmToPx(LABEL_WIDTH_MM);
    List<BufferedImage> pages = new ArrayList<>();
    for (int start = 0; start < labels.size(); start += LABELS_PER_SHEET) {
      BufferedImage page = new BufferedImage(SHEET_WIDTH_PX, SHEET_HEIGHT_PX, BufferedImage.TYPE_BYTE_GRAY);
      Graphics2D g = page.createGraphics();
      try {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, SHEET_WIDTH_PX, SHEET_HEIGHT_PX);
        int end = Math.min(labels.size(), start + LABELS_PER_SHEET);
        for (int i = start; i < end; i++) {
          Label l = labels.get(i);
          BufferedImage img = render(l.text(), l.plainCode(), labelPx);
          int cellX = mmToPx(PAGE_MARGIN_MM + ((i - start) % SHEET_COLUMNS) * CELL_W_MM);
          int cellY = mmToPx(PAGE_MARGIN_MM + ((i - start) / SHEET_COLUMNS) * CELL_H_MM);
          int cellW = mmToPx(CELL_W_MM), cellH = mmToPx(CELL_H_MM);
          if (img.getHeight() > cellH) {
            throw new IllegalArgumentException("label " + i + " is taller than a sheet cell");
          }
          g.drawImage(img, cellX + (cellW - img.getWidth()) / 2, cellY + (cellH - img.getHeight()) / 2, null);
        }
      } finally {
        g.dispose();
      }
      pages.add(page);
    }
    return pages;
  }

  public static List<byte[]> sheetPngs(List<Label> labels) {
    return sheets(labels).stream().map(LabelRenderer::png).toList();
  }

  private static int mmToPx(double mm) {
    return (int) Math.round(mm * SHEET_DPI / 25.4);
  }

  // ---------------------------------------------------------------- SVG

  /** Label drawn in module units: {@code widthModules} x {@code heightModules}. */
  private record SvgLabel(int widthModules, double heightModules, String body) {
    String viewBox() {
      return "0 0 " + widthModules + " " + num(heightModules);
    }
  }

  /** One label as a standalone SVG, 30 mm wide; coordinates in modules. */
  public static String svg(String labelText, String plainCode) {
    SvgLabel l = svgLabel(labelText, plainCode);
    double heightMm = LABEL_WIDTH_MM * l.heightModules() / l.widthModules();
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(LABEL_WIDTH_MM) + "mm\" height=\""
        + num(heightMm) + "mm\" viewBox=\"" + l.viewBox() + "\">\n" + l.body() + "</svg>\n";
  }

  /** A4 SVG pages (210 x 297 mm, user units in mm), same grid as {@link #sheets}. */
  public static List<String> sheetSvg(List<Label> labels) {
    List<String> pages = new ArrayList<>();
    for (int start = 0; start < labels.size(); start += LABELS_PER_SHEET) {
      StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
          .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\"")
          .append(" viewBox=\"0 0 210 297\">\n")
          .append("<rect width=\"210\" height=\"297\" fill=\"#fff\"/>\n");
      int end = Math.min(labels.size(), start + LABELS_PER_SHEET);
      for (int i = start; i < end; i++) {
        Label lab = labels.get(i);
        SvgLabel l = svgLabel(lab.text(), lab.plainCode());
        double hMm = LABEL_WIDTH_MM * l.heightModules() / l.widthModules();
        if (hMm > CELL_H_MM) {
          throw new IllegalArgumentException("label " + i + " is taller than a sheet cell");
        }
        double x = PAGE_MARGIN_MM + ((i - start) % SHEET_COLUMNS) * CELL_W_MM + (CELL_W_MM - LABEL_WIDTH_MM) / 2;
        double y = PAGE_MARGIN_MM + ((i - start) / SHEET_COLUMNS) * CELL_H_MM + (CELL_H_MM - hMm) / 2;
        // Nested <svg> maps the label's module viewBox onto its 30 mm box on the page.
        sb.append("<svg x=\"").append(num(x)).append("\" y=\"").append(num(y))
            .append("\" width=\"").append(num(LABEL_WIDTH_MM)).append("\" height=\"").append(num(hMm))
            .append("\" viewBox=\"").append(l.viewBox()).append("\">\n")
            .append(l.body()).append("</svg>\n");
      }
      pages.add(sb.append("</svg>\n").toString());
    }
    return pages;
  }

  private static SvgLabel svgLabel(String labelText, String plainCode) {
    BitMatrix m = matrix(labelText);
    int n = m.getWidth();
    boolean hasCode = plainCode != null && !plainCode.isEmpty();
    // Code sized so it spans the symbol width; textLength forces that whatever font the viewer has.
    int span = n - 2 * QUIET_ZONE;
    double fontSize = hasCode ? span / (MONO_ADVANCE_EM * plainCode.length()) : 0;
    double height = n + fontSize * 1.1;

    StringBuilder sb = new StringBuilder();
    sb.append("<rect width=\"").append(n).append("\" height=\"").append(num(height)).append("\" fill=\"#fff\"/>\n");
    // crispEdges: no antialiased seams between adjacent rects.
    sb.append("<g fill=\"#000\" shape-rendering=\"crispEdges\">\n");
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; ) {
        if (!m.get(x, y)) {
          x++;
          continue;
        }
        int end = x;
        while (end < n && m.get(end, y)) {
          end++;
        }
        sb.append("<rect x=\"").append(x).append("\" y=\"").append(y)
            .append("\" width=\"").append(end - x).append("\" height=\"1\"/>\n");
        x = end;
      }
    }
    sb.append("</g>\n");
    if (hasCode) {
      sb.append("<text x=\"").append(QUIET_ZONE).append("\" y=\"").append(num(n + fontSize * 0.8))
          .append("\" font-family=\"DejaVu Sans Mono, Consolas, Courier New, monospace\"")
          .append(" font-weight=\"bold\" font-size=\"").append(num(fontSize))
          .append("\" textLength=\"").append(span).append("\" lengthAdjust=\"spacingAndGlyphs\">")
          .append(xmlEscape(plainCode)).append("</text>\n");
    }
    return new SvgLabel(n, height, sb.toString());
  }

  private static String num(double v) {
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("\\.?0+$", "");
  }

  private static String xmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
