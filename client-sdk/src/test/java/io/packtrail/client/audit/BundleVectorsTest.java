package io.packtrail.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.client.log.VerifierKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/formats.md section 13's test vector: the bundle rebuilt from scratch (BundleFixture) is
 * the one documented, and the documented one is VALID under the documented log key. After a
 * deliberate format change, run once with {@code PACKTRAIL_REWRITE_VECTORS=1} and review the
 * diff.
 */
class BundleVectorsTest {
  private static final boolean REWRITE = System.getenv("PACKTRAIL_REWRITE_VECTORS") != null;
  private static final Pattern VECTOR = Pattern.compile(
      "(## 13\\. Offline audit bundles.*?### Test vector.*?Log verifier key: `)([^`]*)(`\\s*\\n\\n"
          + "```text\\n)(.*?)(```)", Pattern.DOTALL);

  @Test
  void theDocumentedBundleIsTheFixtureAndIsValid() throws Exception {
    Path path = formatsDocument();
    String md = Files.readString(path, StandardCharsets.UTF_8);
    Matcher m = VECTOR.matcher(md);
    if (!m.find()) {
      throw new AssertionError("docs/formats.md section 13 has no test vector block");
    }
    String key = BundleFixture.logKey().encode();
    String bundle = new BundleFixture(false).bundle.encode();
    if (REWRITE) {
      md = md.substring(0, m.start()) + m.group(1) + key + m.group(3) + bundle + m.group(5)
          + md.substring(m.end());
      Files.writeString(path, md, StandardCharsets.UTF_8);
      return;
    }
    String hint = " (PACKTRAIL_REWRITE_VECTORS=1 rewrites it after a deliberate change)";
    assertEquals(key, m.group(2), "section 13 log verifier key" + hint);
    assertEquals(bundle, m.group(4), "section 13 bundle" + hint);
    BundleVerifier.Report report = BundleVerifier.verify(AuditBundle.parse(m.group(4)),
        VerifierKey.parse(m.group(2)));
    assertEquals(8, report.checkpoint().size());
  }

  private static final Pattern COSIGNED = Pattern.compile(
      "(\\n### Test vector: a cosigned checkpoint\\n)(.*?)(\\n## 14\\. )", Pattern.DOTALL);

  /** Section 13's second vector: the same bundle, its checkpoint cosigned by two witnesses. */
  static String cosignedVector() {
    BundleFixture fixture = new BundleFixture(false);
    AuditBundle cosigned = fixture.cosignedByBoth();
    String line = cosigned.encode().lines().filter(l -> l.startsWith("checkpoint "))
        .findFirst().orElseThrow();
    VerifierKey w1 = BundleFixture.witness(BundleFixture.WITNESS1, BundleFixture.WITNESS1_SEED);
    VerifierKey w2 = BundleFixture.witness(BundleFixture.WITNESS2, BundleFixture.WITNESS2_SEED);
    return "\n"
        + "The bundle above with its checkpoint cosigned by two witnesses at "
        + BundleFixture.COSIGNED_AT + "\n(" + java.time.Instant.ofEpochSecond(
            BundleFixture.COSIGNED_AT) + "): `" + BundleFixture.WITNESS1 + "`, section 12's "
        + "witness (seed `8182...a0`), and\n`" + BundleFixture.WITNESS2 + "` (seed "
        + "`4142...60`, 32 bytes counting up from `41`). Only its `checkpoint` line\n"
        + "differs. Under both witness keys it is VALID with N = 0, 1 or 2; one bit of w1's "
        + "signature\nflipped is [COSIGNATURE] (with N = 0 too); w1's cosignature of another "
        + "checkpoint moved onto\nit is [COSIGNATURE]; with w2's key alone and w2's line "
        + "dropped, N = 1 is [TOO_FEW_COSIGNATURES]\n(w1's line is ignored). "
        + "`BundleVectorsTest` rebuilds it, verify_formats.py checks all of this.\n"
        + "\n"
        + "| witness | verifier key |\n"
        + "|---|---|\n"
        + "| " + BundleFixture.WITNESS1 + " | `" + w1.encode() + "` |\n"
        + "| " + BundleFixture.WITNESS2 + " | `" + w2.encode() + "` |\n"
        + "\n"
        + "```text\n" + line + "\n```\n"
        + "\n"
        + "Its note, decoded:\n"
        + "\n"
        + "```text\n" + cosigned.checkpointNote() + "```\n";
  }

  @Test
  void theDocumentedCosignedBundleIsTheFixtureAndIsValidUnderBothWitnesses() throws Exception {
    Path path = formatsDocument();
    String md = Files.readString(path, StandardCharsets.UTF_8);
    Matcher m = COSIGNED.matcher(md);
    if (!m.find()) {
      throw new AssertionError("docs/formats.md section 13 has no cosigned test vector");
    }
    String vector = cosignedVector();
    if (REWRITE) {
      Files.writeString(path, md.substring(0, m.start()) + m.group(1) + vector + m.group(3)
          + md.substring(m.end()), StandardCharsets.UTF_8);
      return;
    }
    assertEquals(vector, m.group(2), "section 13 cosigned vector (PACKTRAIL_REWRITE_VECTORS=1 "
        + "rewrites it after a deliberate change)");
    // the documented line in place of the plain bundle's: VALID under both witnesses
    Matcher plain = VECTOR.matcher(md);
    if (!plain.find()) {
      throw new AssertionError("docs/formats.md section 13 has no test vector block");
    }
    String line = vector.substring(vector.indexOf("```text\ncheckpoint ") + 8);
    line = line.substring(0, line.indexOf('\n'));
    String bundle = plain.group(4).replaceFirst("(?m)^checkpoint .*$", line);
    BundleVerifier.Report report = BundleVerifier.verify(AuditBundle.parse(bundle),
        VerifierKey.parse(plain.group(2)), new io.packtrail.client.log.WitnessPolicy(
            java.util.List.of(BundleFixture.witness(BundleFixture.WITNESS1,
                BundleFixture.WITNESS1_SEED), BundleFixture.witness(BundleFixture.WITNESS2,
                BundleFixture.WITNESS2_SEED)), 2));
    assertEquals(2, report.cosignedBy().size());
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
