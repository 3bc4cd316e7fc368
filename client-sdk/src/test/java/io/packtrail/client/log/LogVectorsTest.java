package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.packtrail.client.label.Ed25519Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of docs/formats.md section 12, read from the document and compared with what
 * this package computes from the seeds and leaves. After a deliberate format change, run once with
 * {@code PACKTRAIL_REWRITE_VECTORS=1}: it rewrites the table and the code blocks of that section's
 * "Test vectors"; review the diff. The Python verifier (docs/independent/verify_formats.py)
 * recomputes them from the document alone.
 */
class LogVectorsTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final boolean REWRITE = System.getenv("PACKTRAIL_REWRITE_VECTORS") != null;

  static final byte[] LOG_SEED = bytesFrom(0x61);
  static final byte[] WITNESS_SEED = bytesFrom(0x81);
  static final String ORIGIN = "packtrail.local/log";
  static final String WITNESS = "witness.example/w1";
  static final long TIME = 1767225600L; // 2026-01-01T00:00:00Z
  static final int SIZE = 7;
  static final int INCLUDED = 2;
  static final int FIRST = 3;

  private static byte[] bytesFrom(int first) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }

  static List<byte[]> leafData() {
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      data.add(("packtrail leaf " + i).getBytes(StandardCharsets.UTF_8));
    }
    return data;
  }

  /** The table rows, in order. */
  private static Map<String, String> table() {
    byte[] logPublic = Ed25519Keys.publicKeyOf(LOG_SEED);
    byte[] witnessPublic = Ed25519Keys.publicKeyOf(WITNESS_SEED);
    VerifierKey log = VerifierKey.of(ORIGIN, logPublic);
    VerifierKey witness = VerifierKey.ofCosigner(WITNESS, witnessPublic);
    Map<String, String> t = new LinkedHashMap<>();
    t.put("log private key (seed, hex)", HEX.formatHex(LOG_SEED));
    t.put("log public key (hex)", HEX.formatHex(logPublic));
    t.put("origin = log key name", ORIGIN);
    t.put("log key hash (type 0x01, hex)", HEX.formatHex(log.keyHash()));
    t.put("log verifier key", log.encode());
    t.put("witness private key (seed, hex)", HEX.formatHex(WITNESS_SEED));
    t.put("witness public key (hex)", HEX.formatHex(witnessPublic));
    t.put("witness name", WITNESS);
    t.put("witness key hash (type 0x04, hex)", HEX.formatHex(witness.keyHash()));
    t.put("witness verifier key", witness.encode());
    t.put("cosignature timestamp", Long.toString(TIME));
    return t;
  }

  /** The code blocks, in order, each the exact text between its fences. */
  private static List<String> blocks() throws LogVerificationException {
    List<byte[]> data = leafData();
    List<byte[]> hashes = data.stream().map(Merkle::leafHash).toList();
    List<String> blocks = new ArrayList<>();

    StringBuilder leaves = new StringBuilder("index  data (hex)                         leaf hash\n");
    for (int i = 0; i < SIZE; i++) {
      leaves.append(i).append("      ").append(HEX.formatHex(data.get(i))).append("  ")
          .append(HEX.formatHex(hashes.get(i))).append('\n');
    }
    blocks.add(leaves.toString());

    StringBuilder roots = new StringBuilder("size  root\n");
    for (int n = 0; n <= SIZE; n++) {
      roots.append(n).append("     ").append(HEX.formatHex(Merkle.root(hashes.subList(0, n)))).append('\n');
    }
    blocks.add(roots.toString());

    byte[] root = Merkle.root(hashes);
    List<byte[]> inclusion = Merkle.inclusionProof(hashes, INCLUDED, SIZE);
    Merkle.verifyInclusion(hashes.get(INCLUDED), INCLUDED, SIZE, inclusion, root);
    blocks.add(lines(inclusion));
    List<byte[]> consistency = Merkle.consistencyProof(hashes, FIRST, SIZE);
    Merkle.verifyConsistency(FIRST, SIZE, Merkle.root(hashes.subList(0, FIRST)), root, consistency);
    blocks.add(lines(consistency));

    Checkpoint checkpoint = new Checkpoint(ORIGIN, SIZE, root);
    blocks.add(checkpoint.text());
    String note = SignedNote.sign(checkpoint.body(), ORIGIN, LOG_SEED);
    assertEquals(checkpoint, Checkpoint.verify(note, VerifierKey.of(ORIGIN, Ed25519Keys.publicKeyOf(LOG_SEED))));
    blocks.add(note);
    blocks.add(new String(Cosignature.signedMessage(checkpoint.body(), TIME), StandardCharsets.UTF_8));
    SignedNote cosigned = SignedNote.parse(note)
        .withSignature(Cosignature.sign(checkpoint.body(), WITNESS, WITNESS_SEED, TIME));
    assertEquals(TIME, Cosignature.verify(SignedNote.parse(cosigned.encode()),
        VerifierKey.ofCosigner(WITNESS, Ed25519Keys.publicKeyOf(WITNESS_SEED))));
    blocks.add(cosigned.encode());
    return blocks;
  }

  private static String lines(List<byte[]> hashes) {
    StringBuilder b = new StringBuilder();
    hashes.forEach(h -> b.append(HEX.formatHex(h)).append('\n'));
    return b.toString();
  }

  @Test
  void documentShowsWhatThisPackageComputes() throws Exception {
    Path path = formatsDocument();
    String doc = Files.readString(path, StandardCharsets.UTF_8);
    int section = doc.indexOf(". The log: leaves, tree, checkpoints and cosignatures\n");
    int from = doc.indexOf("\n### Test vectors\n", section);
    int to = doc.indexOf("\n## ", from + 1);
    to = to < 0 ? doc.length() : to;
    String vectors = doc.substring(from, to);

    // the table
    Pattern rows = Pattern.compile("\\| item \\| value \\|\\n\\|---\\|---\\|\\n((?:\\|.*\\|\\n)*)");
    Matcher t = rows.matcher(vectors);
    if (!t.find()) {
      throw new AssertionError("no table in section 12's Test vectors");
    }
    StringBuilder expectedRows = new StringBuilder();
    table().forEach((k, v) -> expectedRows.append("| ").append(k).append(" | `").append(v).append("` |\n"));

    // the code blocks
    Pattern fence = Pattern.compile("```text\\n(.*?)```", Pattern.DOTALL);
    Matcher f = fence.matcher(vectors);
    List<int[]> spans = new ArrayList<>();
    List<String> documented = new ArrayList<>();
    while (f.find()) {
      spans.add(new int[] {f.start(1), f.end(1)});
      documented.add(f.group(1));
    }
    List<String> computed = blocks();

    if (REWRITE) {
      StringBuilder out = new StringBuilder(vectors);
      for (int i = spans.size() - 1; i >= 0; i--) {
        out.replace(spans.get(i)[0], spans.get(i)[1], computed.get(i));
      }
      String rewritten = out.toString();
      Matcher t2 = rows.matcher(rewritten);
      t2.find();
      rewritten = rewritten.substring(0, t2.start(1)) + expectedRows + rewritten.substring(t2.end(1));
      Files.writeString(path, doc.substring(0, from) + rewritten + doc.substring(to), StandardCharsets.UTF_8);
      return;
    }
    String hint = " differs from what client-sdk computes; if the format changed on purpose, rerun "
        + "with PACKTRAIL_REWRITE_VECTORS=1 and review the diff";
    assertEquals(expectedRows.toString(), t.group(1), "docs/formats.md section 12 table" + hint);
    assertEquals(computed.size(), documented.size(), "number of code blocks in section 12's Test vectors");
    for (int i = 0; i < computed.size(); i++) {
      assertEquals(computed.get(i), documented.get(i), "docs/formats.md section 12 code block " + (i + 1) + hint);
    }
  }

  /** The documented notes verify under the documented keys, and an edited one does not. */
  @Test
  void documentedNotesVerifyUnderTheDocumentedKeys() throws Exception {
    List<String> computed = blocks();
    VerifierKey log = VerifierKey.parse(table().get("log verifier key"));
    VerifierKey witness = VerifierKey.parse(table().get("witness verifier key"));
    String cosigned = computed.get(7);
    Checkpoint checkpoint = Checkpoint.verify(cosigned, log);
    assertEquals(SIZE, checkpoint.size());
    assertEquals(TIME, Cosignature.verify(SignedNote.parse(cosigned), witness));
    String edited = cosigned.replace("\n7\n", "\n8\n");
    assertThrows(LogVerificationException.class, () -> Checkpoint.verify(edited, log));
    assertThrows(LogVerificationException.class, () -> Cosignature.verify(SignedNote.parse(edited), witness));
  }

  private static Path formatsDocument() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("formats.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("docs/formats.md not found");
  }
}
