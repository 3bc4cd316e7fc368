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
    assertEquals(7, report.checkpoint().size());
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
