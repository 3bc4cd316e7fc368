package io.packtrail.scanner;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, for the report pages: the DOM after rendering
 * ({@code --dump-dom}), a screenshot, a PDF as printed. Without the browser the tests are
 * skipped, saying why, unless PACKTRAIL_REQUIRE_CHROMIUM=true (as {@code .ci/run} sets) makes it
 * a failure, as the QR tools are for the label tests. Each run gets its own profile directory
 * and no name resolution: a page that tried to load anything from the network could not.
 */
final class HeadlessChromium {
  private final Path exe;
  private final Path work;

  private HeadlessChromium(Path exe, Path work) {
    this.exe = exe;
    this.work = work;
  }

  /** The browser, or the test is skipped (or fails where CI requires the browser). */
  static HeadlessChromium require(Path work) {
    Optional<Path> exe = onPath("chromium").or(() -> onPath("chromium-browser"));
    if (exe.isEmpty()) {
      String reason = "chromium is not on the PATH: install the Debian package chromium";
      if (Boolean.parseBoolean(System.getenv("PACKTRAIL_REQUIRE_CHROMIUM"))) {
        throw new AssertionError(reason + "; PACKTRAIL_REQUIRE_CHROMIUM=true makes it a failure");
      }
      System.err.println("SKIPPED: " + reason);
      assumeTrue(false, reason);
    }
    return new HeadlessChromium(exe.get(), work);
  }

  private static Optional<Path> onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Optional.of(Path.of(d, name));
      }
    }
    return Optional.empty();
  }

  /** The DOM of the page after loading it, serialised by the browser. */
  String dumpDom(Path page) throws Exception {
    return run(page, "--dump-dom");
  }

  /** A PNG of the page at a width of 1100 CSS pixels. */
  void screenshot(Path page, Path png, int height) throws Exception {
    run(page, "--screenshot=" + png.toAbsolutePath(), "--window-size=1100," + height,
        "--hide-scrollbars");
  }

  /** The page printed to PDF with its own print rules (page size from its @page). */
  void printToPdf(Path page, Path pdf) throws Exception {
    run(page, "--print-to-pdf=" + pdf.toAbsolutePath(), "--no-pdf-header-footer");
  }

  private String run(Path page, String... what) throws Exception {
    Path profile = Files.createTempDirectory(work, "chromium-profile");
    Path log = work.resolve("chromium.log");
    List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
        "--host-resolver-rules=MAP * ~NOTFOUND"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--no-sandbox"); // Chromium refuses to start as root with its sandbox
    }
    cmd.addAll(List.of(what));
    cmd.add(page.toAbsolutePath().toUri().toString());
    Path out = Files.createTempFile(work, "chromium", ".out");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile())
        .start();
    // a bound, not a measurement: a hung browser must not hang the build
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish within 120 s: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("chromium exited " + p.exitValue() + ": " + Files.readString(log));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
