package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Label;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field CLI against a real server over the network, as a worker of the maker's factory
 * uses it to print and check labels (labels are the maker's to issue).
 */
class ScannerCliTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  @TempDir
  Path home;

  @TempDir
  Path out;

  @BeforeAll
  static void network() {
    System.setProperty("java.awt.headless", "true");
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  record Run(int exit, String out) {}

  Run run(String... args) {
    List<String> options = ScannerTls.options(harness, "127.0.0.1:" + harness.port(), home,
        Fixtures.FACTORY);
    options.addAll(List.of(args));
    String[] all = options.toArray(String[]::new);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = ScannerCli.commandLine().execute(all);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  static String registered() {
    return Fixtures.registeredPack(harness.parties());
  }

  @Test
  void printThenVerifyTheImageOffline() throws Exception {
    String code = registered();
    Run printed = run("label", "print", code, "--out", out.toString());
    assertEquals(0, printed.exit(), printed.out());
    Path png = out.resolve(code + ".png");
    assertTrue(Files.size(png) > 1000);

    assertEquals(0, run("trust-list", "fetch").exit());
    Run verified = run("label", "verify", "--image", png.toString());
    assertEquals(0, verified.exit(), verified.out());
    assertTrue(verified.out().contains("VALID") && verified.out().contains(code),
        verified.out());
  }

  @Test
  void reprintingNeedsReissueAndSupersedesTheOldLabel() {
    String code = registered();
    Label old = harness.parties().at(Fixtures.FACTORY).issueLabel(code);
    assertEquals(ScannerCli.REFUSED, run("label", "print", code, "--out", out.toString()).exit());
    Run reissued = run("label", "print", code, "--out", out.toString(), "--reissue");
    assertEquals(0, reissued.exit(), reissued.out());
    assertEquals(0, run("trust-list", "fetch").exit());
    Run refused = run("label", "verify", old.getText());
    assertTrue(refused.out().contains("SUPERSEDED_LABEL"), refused.out());
  }

  /**
   * A reissue refused in the middle of a print (here the second of one unit named twice: its
   * old label is superseded by the first already) does not lose the label the first reissue
   * made, which superseded the one on the unit: it is printed, and the refusal is named. Before,
   * the run ended at the refusal with nothing printed, and the unit's only label was superseded.
   */
  @Test
  void aReissueRefusedMidwayStillPrintsTheLabelsReissuedBeforeIt() throws Exception {
    String code = registered();
    Label old = harness.parties().at(Fixtures.FACTORY).issueLabel(code);
    Run run = run("label", "print", code, code, "--out", out.toString(), "--reissue");
    assertEquals(ScannerCli.REFUSED, run.exit(), run.out());
    Path png = out.resolve(code + ".png");
    assertTrue(Files.exists(png), run.out());
    assertEquals(0, run("trust-list", "fetch").exit());
    Run verified = run("label", "verify", "--image", png.toString());
    assertEquals(0, verified.exit(), verified.out());
    String oldSerial = old.getName().substring("labels/".length());
    assertTrue(verified.out().contains(", serial ") && !verified.out().contains(", serial "
        + oldSerial + ","), "the new label, not " + oldSerial + ": " + verified.out());
  }

  @Test
  void aPhotoThatIsNoImageIsALabelRefusedAsScanSaysNotASetupError() throws Exception {
    Path notAnImage = Files.writeString(out.resolve("label.png"), "not a PNG at all");
    assertEquals(0, run("trust-list", "fetch").exit());
    Run refused = run("label", "verify", "--image", notAnImage.toString());
    assertEquals(ScannerCli.LABEL_REFUSED, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("REFUSED: " + notAnImage), refused.out());
  }

  /** A trust list made never to expire (its expiry beyond any calendar) is shown, not a crash. */
  @Test
  void anExpiryBeyondAnyCalendarIsShownInWords() {
    assertEquals("second " + Long.MAX_VALUE + " since 1970", UnitView.epochTime(Long.MAX_VALUE));
    assertEquals(UnitView.time(java.time.Instant.ofEpochSecond(1_800_000_000L)),
        UnitView.epochTime(1_800_000_000L));
  }

  @Test
  void aPrintWithNowhereToWriteIssuesNothing() throws Exception {
    String code = registered();
    Path notAFolder = Files.writeString(out.resolveSibling("not-a-folder"), "x");
    Run refused = run("label", "print", code, "--out", notAFolder.toString());
    assertEquals(ScannerCli.SETUP, refused.exit(), refused.out());
    // nothing was issued: a print to a good folder needs no --reissue
    Run printed = run("label", "print", code, "--out", out.toString());
    assertEquals(0, printed.exit(), printed.out());
  }

  @Test
  void aTamperedTextIsRefusedWithItsReason() {
    Label label = harness.parties().at(Fixtures.FACTORY).issueLabel(registered());
    assertEquals(0, run("trust-list", "fetch").exit());
    assertEquals(0, run("label", "verify", label.getText()).exit());
    String text = label.getText();
    String tampered = text.substring(0, 20) + (text.charAt(20) == 'Z' ? 'Y' : 'Z')
        + text.substring(21);
    Run refused = run("label", "verify", tampered);
    assertEquals(ScannerCli.LABEL_REFUSED, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("REFUSED ("), refused.out());
  }

  @Test
  void aRevocationReachesTheScannerWithTheNextFetch() {
    Label label = harness.parties().at(Fixtures.FACTORY).issueLabel(registered());
    assertEquals(0, run("trust-list", "fetch").exit());
    harness.client().revokeLabel(label.getSerial());
    assertEquals(0, run("label", "verify", label.getText()).exit(),
        "offline, the cached list does not know of the revocation yet");
    assertEquals(0, run("trust-list", "fetch").exit());
    Run refused = run("label", "verify", label.getText());
    assertEquals(ScannerCli.LABEL_REFUSED, refused.exit());
    assertTrue(refused.out().contains("REVOKED_LABEL"), refused.out());
  }

  @Test
  void verifyingWithoutACachedTrustListIsASetupError() {
    Label label = harness.parties().at(Fixtures.FACTORY).issueLabel(registered());
    assertEquals(ScannerCli.SETUP, run("label", "verify", label.getText()).exit());
  }

  @Test
  void aTrustListSignedByAnotherRootIsRefused() {
    byte[] otherRoot = io.packtrail.client.label.Ed25519Keys.generate().publicKey();
    Run refused = run("trust-list", "fetch", "--root-key",
        java.util.Base64.getEncoder().encodeToString(otherRoot));
    assertEquals(ScannerCli.REFUSED, refused.exit());
  }

  @Test
  void sheetsPutEveryLabelOnA4Pages() throws Exception {
    String[] args = new String[45 + 5];
    args[0] = "label";
    args[1] = "print";
    for (int i = 0; i < 45; i++) {
      args[2 + i] = registered();
    }
    args[47] = "--out";
    args[48] = out.toString();
    args[49] = "--format=sheet";
    Run printed = run(args);
    assertEquals(0, printed.exit(), printed.out());
    assertTrue(Files.exists(out.resolve("labels-sheet-1.png")));
    assertTrue(Files.exists(out.resolve("labels-sheet-2.svg")));
    assertTrue(printed.out().contains("45 labels on 2 A4 sheet(s)"), printed.out());
  }
}
