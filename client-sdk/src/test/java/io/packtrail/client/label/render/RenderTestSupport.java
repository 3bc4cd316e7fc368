package io.packtrail.client.label.render;

import com.google.zxing.common.BitMatrix;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Test texts, image degradations, a minimal SVG reader/rasterizer, and external-tool runners. */
final class RenderTestSupport {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  static final String BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  private static final String CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private RenderTestSupport() {}

  /** "PT1:" + Base45 characters, {@code totalLength} chars in all; from 20 chars on, holds every special. */
  static String labelText(long seed, int totalLength) {
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder("PT1:");
    String specials = " $%*+-./:";
    while (sb.length() < totalLength) {
      int i = sb.length() - 4;
      // Spread the specials (incl. space) through the text so every one is exercised.
      boolean special = totalLength >= 20 && i % 17 == 3 && i / 17 < specials.length();
      sb.append(special ? specials.charAt(i / 17) : BASE45.charAt(rnd.nextInt(BASE45.length())));
    }
    return sb.toString();
  }

  static String plainCode(long seed) {
    Random rnd = new Random(seed ^ 0x5DEECE66DL);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      sb.append(CODE_CHARS.charAt(rnd.nextInt(CODE_CHARS.length())));
    }
    return sb.toString();
  }

  static List<LabelRenderer.Label> labels(int count, int textLength) {
    List<LabelRenderer.Label> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new LabelRenderer.Label(labelText(1000 + i, textLength), plainCode(1000 + i)));
    }
    return out;
  }

  // ------------------------------------------------------------- degradations

  static BufferedImage toRgb(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }

  /** Rotated about its centre onto a white canvas big enough for the whole result, bilinear. */
  static BufferedImage rotate(BufferedImage src, double degrees) {
    double rad = Math.toRadians(degrees);
    double sin = Math.abs(Math.sin(rad)), cos = Math.abs(Math.cos(rad));
    int w = (int) Math.ceil(src.getWidth() * cos + src.getHeight() * sin);
    int h = (int) Math.ceil(src.getWidth() * sin + src.getHeight() * cos);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    AffineTransform t = new AffineTransform();
    t.translate(w / 2.0, h / 2.0);
    t.rotate(rad);
    t.translate(-src.getWidth() / 2.0, -src.getHeight() / 2.0);
    g.drawImage(src, t, null);
    g.dispose();
    return out;
  }

  static BufferedImage scaleToWidth(BufferedImage src, int width) {
    int height = (int) Math.round(src.getHeight() * (double) width / src.getWidth());
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, width, height, null);
    g.dispose();
    return out;
  }

  /** 3x3 box blur. */
  static BufferedImage blur(BufferedImage src) {
    float[] k = new float[9];
    java.util.Arrays.fill(k, 1f / 9);
    return new ConvolveOp(new Kernel(3, 3, k), ConvolveOp.EDGE_NO_OP, null).filter(toRgb(src), null);
  }

  static Path writePng(Path dir, String name, BufferedImage img) throws IOException {
    Path p = dir.resolve(name);
    assertTrue(ImageIO.write(img, "png", p.toFile()), "PNG writer");
    return p;
  }

  static Path writePng(Path dir, String name, byte[] png) throws IOException {
    return Files.write(dir.resolve(name), png);
  }

  // ------------------------------------------------------------- SVG

  static Element parseSvg(String svg) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element root = f.newDocumentBuilder()
          .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
      assertEquals("svg", root.getTagName());
      return root;
    } catch (Exception e) {
      throw new AssertionError("SVG is not well-formed XML: " + e, e);
    }
  }

  static List<Element> children(Element e, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(tag)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * The module matrix drawn by one label's {@code <svg>} element: its black rects inside the
   * {@code <g>}, checked to be whole-module, one row high, in bounds and non-overlapping.
   */
  static BitMatrix modulesOf(Element labelSvg) {
    double[] vb = viewBox(labelSvg);
    int n = (int) vb[2];
    BitMatrix m = new BitMatrix(n, n);
    for (Element g : children(labelSvg, "g")) {
      assertEquals("#000", g.getAttribute("fill"));
      for (Element r : children(g, "rect")) {
        int x = Integer.parseInt(r.getAttribute("x")), y = Integer.parseInt(r.getAttribute("y"));
        int w = Integer.parseInt(r.getAttribute("width"));
        assertEquals("1", r.getAttribute("height"), "rects are single rows");
        assertTrue(x >= 0 && y >= 0 && w >= 1 && x + w <= n && y < n, "rect in bounds");
        for (int i = x; i < x + w; i++) {
          assertTrue(!m.get(i, y), "rects overlap at " + i + "," + y);
          m.set(i, y);
        }
      }
    }
    return m;
  }

  static double[] viewBox(Element svg) {
    String[] p = svg.getAttribute("viewBox").trim().split("\\s+");
    return new double[]{Double.parseDouble(p[0]), Double.parseDouble(p[1]),
        Double.parseDouble(p[2]), Double.parseDouble(p[3])};
  }

  /** Length in mm of an attribute like "30mm" (root) or a bare number (user units = mm on sheets). */
  static double mm(String v) {
    return Double.parseDouble(v.endsWith("mm") ? v.substring(0, v.length() - 2) : v);
  }

  /**
   * Rasterizes the subset of SVG our renderer writes (nested svg/viewBox, g fill, rect, text)
   * at {@code dpi}, without antialiasing (as crispEdges asks) — a stand-in for a real SVG
   * renderer, which the JDK lacks.
   */
  static BufferedImage rasterize(String svg, double dpi) {
    Element root = parseSvg(svg);
    double pxPerMm = dpi / 25.4;
    int w = (int) Math.round(mm(root.getAttribute("width")) * pxPerMm);
    int h = (int) Math.round(mm(root.getAttribute("height")) * pxPerMm);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    drawSvg(g, root, new AffineTransform(), w, h, "#000");
    g.dispose();
    return img;
  }

  private static void drawSvg(Graphics2D g, Element svg, AffineTransform parent, double wUnits, double hUnits,
                String fill) {
    double[] vb = viewBox(svg);
    AffineTransform t = new AffineTransform(parent);
    if (svg.hasAttribute("x")) {
      t.translate(Double.parseDouble(svg.getAttribute("x")), Double.parseDouble(svg.getAttribute("y")));
    }
    t.scale(wUnits / vb[2], hUnits / vb[3]);
    t.translate(-vb[0], -vb[1]);
    drawChildren(g, svg, t, fill);
  }

  private static void drawChildren(Graphics2D g, Element parent, AffineTransform t, String fill) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element e)) continue;
      String f = e.hasAttribute("fill") ? e.getAttribute("fill") : fill;
      switch (e.getTagName()) {
        case "svg" -> drawSvg(g, e, t, mm(e.getAttribute("width")), mm(e.getAttribute("height")), f);
        case "g" -> drawChildren(g, e, t, f);
        case "rect" -> {
          g.setColor(color(f));
          g.fill(t.createTransformedShape(new Rectangle2D.Double(
              num(e, "x"), num(e, "y"), num(e, "width"), num(e, "height"))));
        }
        case "text" -> {
          Graphics2D tg = (Graphics2D) g.create();
          tg.transform(t);
          tg.setColor(color(f));
          tg.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
          tg.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
          Font font = new Font(Font.MONOSPACED, Font.BOLD, 100)
              .deriveFont((float) num(e, "font-size"));
          tg.setFont(font);
          double target = num(e, "textLength");
          double actual = tg.getFontMetrics().getStringBounds(e.getTextContent(), tg).getWidth();
          tg.translate(num(e, "x"), num(e, "y"));
          tg.scale(target / actual, 1); // lengthAdjust="spacingAndGlyphs"
          tg.drawString(e.getTextContent(), 0f, 0f);
          tg.dispose();
        }
        default -> fail("unexpected SVG element <" + e.getTagName() + ">");
      }
    }
  }

  private static double num(Element e, String attr) {
    return e.hasAttribute(attr) ? Double.parseDouble(e.getAttribute(attr)) : 0;
  }

  private static Color color(String fill) {
    return switch (fill) {
      case "#000" -> Color.BLACK;
      case "#fff" -> Color.WHITE;
      default -> throw new AssertionError("unexpected fill " + fill);
    };
  }

  // ------------------------------------------------------------- external tools

  /**
   * Set by {@code .ci/run}, which installs the QR tools: there a missing tool is a broken setup
   * and fails the test; elsewhere (a fresh machine running {@code mvn -B verify}) it skips it.
   */
  static final String REQUIRE_QR_TOOLS = "PACKTRAIL_REQUIRE_QR_TOOLS";

  /**
   * Skips the test, with the reason, when {@code exe} is not on the PATH; fails instead when
   * {@value #REQUIRE_QR_TOOLS} is {@code true}.
   */
  static void requireTool(String exe, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
        return;
      }
    }
    String reason = exe + " is not on the PATH: install the Debian package " + debianPackage
        + " (apt-get install " + debianPackage + ")";
    if (Boolean.parseBoolean(System.getenv(REQUIRE_QR_TOOLS))) {
      fail(reason + "; " + REQUIRE_QR_TOOLS + "=true makes its absence a failure");
    }
    System.err.println("SKIPPED: " + reason);
    assumeTrue(false, reason);
  }

  /** Runs a command; returns its stdout (UTF-8). stderr is kept only for failure messages. */
  static Output run(Path workDir, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  record Output(int exit, String stdout, String stderr) {}

  /** {@code zbarimg -q --raw}: one line per symbol found; exit 4 means none. */
  static List<String> zbarimg(Path png) throws IOException, InterruptedException {
    requireTool("zbarimg", "zbar-tools");
    Output o = run(png.getParent(), List.of("zbarimg", "-q", "--raw", png.toString()));
    if (o.exit() == 4) {
      return List.of();
    }
    assertEquals(0, o.exit(), "zbarimg failed: " + o.stderr());
    assertTrue(o.stdout().endsWith("\n"), "zbarimg output ends with a newline");
    // Strip only the final newline: any spaces in the text must survive as they are.
    return List.of(o.stdout().substring(0, o.stdout().length() - 1).split("\n", -1));
  }

  /** Asserts zbarimg finds exactly one QR in the file, with exactly {@code expected} as text. */
  static void assertZbarReads(String expected, Path png) throws IOException, InterruptedException {
    List<String> got = zbarimg(png);
    assertEquals(List.of(expected), got, "zbarimg on " + png.getFileName());
  }

  static void qrencode(String text, Path png) throws IOException, InterruptedException {
    requireTool("qrencode", "qrencode");
    Output o = run(png.getParent(), List.of("qrencode", "-l", "Q", "-o", png.toString(), text));
    assertEquals(0, o.exit(), "qrencode failed: " + o.stderr());
  }
}
