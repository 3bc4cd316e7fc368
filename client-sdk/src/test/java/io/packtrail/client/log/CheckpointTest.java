package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CheckpointTest {

  /* The example checkpoint of C2SP tlog-checkpoint and tlog-cosignature (no keys are published for it). */
  static final String SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  static final String SPEC_NOTE = SPEC_BODY + "\n"
      + "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
      + "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

  @Test
  void specExampleParses() throws LogVerificationException {
    Checkpoint c = Checkpoint.parseBody(SPEC_BODY.getBytes(StandardCharsets.UTF_8));
    assertEquals("example.com/behind-the-sofa", c.origin());
    assertEquals(20852163L, c.size());
    assertArrayEquals(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="), c.rootHash());
    assertEquals(SPEC_BODY, new String(c.body(), StandardCharsets.UTF_8));

    SignedNote note = SignedNote.parse(SPEC_NOTE);
    assertEquals(c, Checkpoint.parseBody(note.text()));
    // the witness line: key hash, then the 8-byte timestamp of the spec's signed-message example
    // ("time 1679315147"), then the 64-byte signature
    SignedNote.Signature witness = note.signatures().get(1);
    assertEquals(Cosignature.SIGNATURE_SIZE, witness.signature().length);
    assertEquals(1679315147L, java.nio.ByteBuffer.wrap(witness.signature()).getLong());
  }

  @Test
  void roundTripAndSignedVerification() throws LogVerificationException {
    Ed25519Keys.KeyPair key = Ed25519Keys.generate();
    Checkpoint c = new Checkpoint("packtrail.local/log", 7, Merkle.emptyRoot());
    assertEquals("packtrail.local/log\n7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", c.text());
    assertEquals(c, Checkpoint.parseBody(c.body()));
    String note = SignedNote.sign(c.body(), c.origin(), key.privateKey());
    VerifierKey logKey = VerifierKey.of("packtrail.local/log", key.publicKey());
    assertEquals(c, Checkpoint.verify(note, logKey));
    assertEquals(new Checkpoint("packtrail.local/log", 0, Merkle.emptyRoot()),
        Checkpoint.parseBody("packtrail.local/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"));

    // signed by another key
    Ed25519Keys.KeyPair other = Ed25519Keys.generate();
    String forged = SignedNote.sign(c.body(), c.origin(), other.privateKey());
    LogVerificationException e = assertThrows(LogVerificationException.class, () -> Checkpoint.verify(forged, logKey));
    assertEquals(Reason.NOT_SIGNED, e.reason());
    // a checkpoint whose root was changed after signing
    Checkpoint changed = new Checkpoint("packtrail.local/log", 7, Merkle.leafHash(new byte[0]));
    String edited = note.replace(c.text(), changed.text());
    assertEquals(Reason.BAD_SIGNATURE,
        assertThrows(LogVerificationException.class, () -> Checkpoint.verify(edited, logKey)).reason());
    // signed by the right key but for another origin
    String otherOrigin = SignedNote.sign(new Checkpoint("other.example/log", 7, Merkle.emptyRoot()).body(),
        "packtrail.local/log", key.privateKey());
    e = assertThrows(LogVerificationException.class, () -> Checkpoint.verify(otherOrigin, logKey));
    assertEquals("checkpoint origin other.example/log is not the log key's name packtrail.local/log", e.getMessage());
    // a signed note that is not a checkpoint
    String notACheckpoint = SignedNote.sign("hello\n".getBytes(StandardCharsets.UTF_8), "packtrail.local/log", key.privateKey());
    assertEquals(Reason.MALFORMED,
        assertThrows(LogVerificationException.class, () -> Checkpoint.verify(notACheckpoint, logKey)).reason());
  }

  @Test
  void malformedBodiesAreRefused() {
    String root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    assertMalformed("o\n7\n", "checkpoint body has 2 lines, not 3 (origin, size, root hash)");
    assertMalformed("o\n7\n" + root, "checkpoint body is missing, too large, or does not end with a newline");
    assertMalformed("o\n7\n" + root + "\nextension\n",
        "checkpoint body has 1 extension line(s) after the root hash; Packtrail checkpoints have none");
    assertMalformed("\n7\n" + root + "\n", "checkpoint origin: key name is empty");
    assertMalformed("a b\n7\n" + root + "\n", "checkpoint origin: key name 'a b' contains a space");
    assertMalformed("a+b\n7\n" + root + "\n", "checkpoint origin: key name 'a+b' contains '+'");
    for (String size : new String[] {"07", "-1", "+7", "7 ", "", "0x7", "\u0667", "1e3"}) {
      assertMalformed("o\n" + size + "\n" + root + "\n", "checkpoint tree size '" + size + "' is not a decimal");
    }
    assertMalformed("o\n9223372036854775808\n" + root + "\n", "checkpoint tree size 9223372036854775808 is too large");
    assertMalformed("o\n99999999999999999999\n" + root + "\n", "checkpoint tree size '99999999999999999999' is not");
    assertMalformed("o\n7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n", "checkpoint root hash is not canonical padded base64");
    assertMalformed("o\n7\n47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=\n", "checkpoint root hash is not base64");
    assertMalformed("o\n7\nAAAA\n", "checkpoint root hash has 3 bytes, not 32");
    assertThrows(LogVerificationException.class, () -> Checkpoint.parseBody("o\r\n7\n" + root + "\n"));
    assertThrows(LogVerificationException.class, () -> Checkpoint.parseBody(new byte[] {'o', (byte) 0xff, '\n'}));
    // the largest size is fine
    assertEquals(Long.MAX_VALUE, assertDoesNotThrow("o\n9223372036854775807\n" + root + "\n").size());
  }

  @Test
  void constructorRefusesWhatCannotBeACheckpoint() {
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a b", 1, Merkle.emptyRoot()));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("", 1, Merkle.emptyRoot()));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", -1, Merkle.emptyRoot()));
    assertThrows(IllegalArgumentException.class, () -> new Checkpoint("o", 1, new byte[31]));
    byte[] root = Merkle.emptyRoot();
    Checkpoint c = new Checkpoint("o", 1, root);
    root[0] ^= 1;
    c.rootHash()[1] ^= 1;
    assertArrayEquals(Merkle.emptyRoot(), c.rootHash(), "the record keeps its own copy");
  }

  private static Checkpoint assertDoesNotThrow(String body) {
    try {
      return Checkpoint.parseBody(body);
    } catch (LogVerificationException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertMalformed(String body, String message) {
    LogVerificationException e = assertThrows(LogVerificationException.class, () -> Checkpoint.parseBody(body));
    assertEquals(Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().startsWith(message), "message: " + e.getMessage() + "\nexpected: " + message);
  }
}
