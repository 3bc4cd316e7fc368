package io.packtrail.scanner;

import io.packtrail.client.audit.AuditBundle;
import io.packtrail.client.audit.BundleException;
import io.packtrail.client.audit.BundleVerifier;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.VerifierKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `verify FILE`: checks an offline audit bundle, with no network. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check an offline audit bundle (written by 'trace CODE --bundle FILE'; "
        + "docs/formats.md section 13) with no network: the unit's canonical bytes, sequences "
        + "and hash chain; device signatures under the keys their enrollments put in the log "
        + "(enrolled, not retired at the step); each scanned label's signature under the key "
        + "its label key entry put in the log (created before, not revoked before the step, "
        + "valid at issue); no step with a label withdrawn before it; each "
        + "site of the right organisation; the checkpoint's signature under the log key; with "
        + "--witness-key, the witnesses' cosignatures of the checkpoint; the "
        + "inclusion of every event and registry entry in the checkpoint's tree. Prints VALID "
        + "or INVALID with the first failure.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:VALID", "1:INVALID: the first failure is named (its class in "
        + "brackets)", "2:usage error: the file cannot be read, --log-key or a --witness-key is not a verifier "
        + "key, --min-witnesses above the witness keys given"})
final class VerifyCommand implements Callable<Integer> {
  /**
   * The largest bundle file verified: 1 GiB (a lot of some thousands of packs with their whole
   * histories and proofs); parsing needs a few times that in heap, and a JVM without enough
   * says so instead of a verdict.
   */
  static final long MAX_BUNDLE_BYTES = 1L << 30;

  @Parameters(paramLabel = "FILE", description = "the audit bundle")
  Path file;

  @Option(names = "--log-key", paramLabel = "VKEY", description = "the log's verifier key "
      + "(name+hash+base64, as 'packtrail log-key' or GetLogKey print it), pinned: the "
      + "checkpoint must be signed by it. Without it the bundle's own key is used, with a warning")
  String logKey;

  @picocli.CommandLine.Mixin
  WitnessOptions witnesses = new WitnessOptions();

  @Override
  public Integer call() {
    VerifierKey pinned = null;
    if (logKey != null) {
      try {
        pinned = VerifierKey.parse(logKey.strip());
      } catch (LogVerificationException e) {
        System.out.println("error: --log-key is not a verifier key: " + e.getMessage());
        return ScannerCli.SETUP;
      }
    }
    io.packtrail.client.log.WitnessPolicy policy;
    try {
      policy = witnesses.policy();
    } catch (WitnessOptions.Invalid e) {
      System.out.println("error: " + e.getMessage());
      return ScannerCli.SETUP;
    }
    String text;
    try {
      // parsing holds several copies of the text: a file beyond this is refused in words, not
      // with the JVM's OutOfMemoryError (a lot of 1,000 packs of 50 events is about 80 MB)
      long size = Files.size(file);
      if (size > MAX_BUNDLE_BYTES) {
        System.out.println("error: " + file + " holds " + size + " bytes; a bundle this "
            + "command verifies holds at most " + MAX_BUNDLE_BYTES + " (is it a bundle?)");
        return ScannerCli.SETUP;
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (OutOfMemoryError e) {
      System.out.println("error: " + file + " is too large to read in this JVM's memory; run "
          + "it with more (JAVA_TOOL_OPTIONS=-Xmx4g, for example); no verdict given");
      return ScannerCli.SETUP;
    } catch (IOException e) {
      System.out.println("error: cannot read " + file + ": " + e.getMessage());
      return ScannerCli.SETUP;
    }
    try {
      BundleVerifier.Report report = BundleVerifier.verify(AuditBundle.parse(text), pinned,
          policy);
      report.warnings().forEach(w -> System.out.println("WARNING: " + w));
      report.facts().forEach(f -> System.out.println("  " + f));
      System.out.println("VALID: audit bundle " + file + " (unit checked against the log's "
          + "checkpoint of size " + report.checkpoint().size() + (policy == null ? ""
              : ", cosigned by " + report.cosignedBy().size() + " of the "
                  + policy.witnesses().size() + " witness(es) given, " + policy.required()
                  + " required") + ")");
      return ScannerCli.OK;
    } catch (BundleException e) {
      System.out.println("INVALID [" + e.check() + "]: " + e.getMessage());
      return ScannerCli.REFUSED;
    } catch (OutOfMemoryError e) {
      text = null; // let the copies go before anything else is allocated
      System.out.println("error: " + file + " is too large to verify in this JVM's memory; "
          + "run it with more (JAVA_TOOL_OPTIONS=-Xmx4g, for example); no verdict given");
      return ScannerCli.SETUP;
    }
  }
}
