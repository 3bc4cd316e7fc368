package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requiring N of given witnesses' cosignatures on a checkpoint, offline. */
class WitnessPolicyTest {
  private final Ed25519Keys.KeyPair log = Ed25519Keys.generate();
  private final Ed25519Keys.KeyPair w1 = Ed25519Keys.generate();
  private final Ed25519Keys.KeyPair w2 = Ed25519Keys.generate();
  private final VerifierKey logKey = VerifierKey.of("packtrail.local/log", log.publicKey());
  private final VerifierKey w1Key = VerifierKey.ofCosigner("witness.example/w1", w1.publicKey());
  private final VerifierKey w2Key = VerifierKey.ofCosigner("witness.example/w2", w2.publicKey());
  private final Checkpoint checkpoint = new Checkpoint("packtrail.local/log", 40,
      Merkle.leafHash("x".getBytes(StandardCharsets.UTF_8)));

  private String note(Ed25519Keys.KeyPair... witnesses) throws LogVerificationException {
    SignedNote note = SignedNote.parse(SignedNote.sign(checkpoint.body(), checkpoint.origin(),
        log.privateKey()));
    for (Ed25519Keys.KeyPair w : witnesses) {
      String name = w == w1 ? "witness.example/w1" : "witness.example/w2";
      note = note.withSignature(Cosignature.sign(note.body(), name, w.privateKey(), 1_767_225_600L));
    }
    return note.encode();
  }

  @Test
  void enoughTrustedCosignaturesPassAndSayWhoCosignedWhen() throws Exception {
    WitnessPolicy.Verified v = new WitnessPolicy(List.of(w1Key, w2Key), 1).verify(note(w2),
        logKey);
    assertEquals(checkpoint, v.checkpoint());
    assertEquals(java.util.Map.of(w2Key, 1_767_225_600L), v.cosignedBy());
    assertEquals(2, WitnessPolicy.all(List.of(w1Key, w2Key)).verify(note(w1, w2), logKey)
        .cosignedBy().size());
    // no witness required: the log's signature alone
    assertEquals(checkpoint, new WitnessPolicy(List.of(w1Key), 0).verify(note(), logKey)
        .checkpoint());
  }

  @Test
  void tooFewNamesTheMissingWitnessesAndTheUntrustedCosigners() throws Exception {
    LogVerificationException e = assertThrows(LogVerificationException.class,
        () -> WitnessPolicy.all(List.of(w1Key)).verify(note(w2), logKey));
    assertEquals(Reason.TOO_FEW_COSIGNATURES, e.reason());
    assertEquals("the checkpoint of packtrail.local/log at tree size 40 is cosigned by 0 of the "
        + "witnesses trusted, 1 required; no cosignature by witness.example/w1 (key hash "
        + HexFormat.of().formatHex(w1Key.keyHash()) + "); cosignatures by keys not trusted, "
        + "ignored: witness.example/w2 (key hash " + HexFormat.of().formatHex(w2Key.keyHash())
        + ")", e.getMessage());
  }

  @Test
  void anAlteredTrustedCosignatureOrAnotherLogsSignatureFails() throws Exception {
    String good = note(w1);
    SignedNote parsed = SignedNote.parse(good);
    SignedNote.Signature line = parsed.signatures().get(1);
    byte[] bytes = line.signature();
    bytes[30] ^= 1;
    String altered = good.replace(line.line(), new SignedNote.Signature(line.keyName(),
        line.keyHash(), bytes).line());
    assertEquals(Reason.BAD_SIGNATURE, assertThrows(LogVerificationException.class,
        () -> new WitnessPolicy(List.of(w1Key, w2Key), 1).verify(altered, logKey)).reason());
    VerifierKey otherLog = VerifierKey.of("packtrail.local/log", Ed25519Keys.generate()
        .publicKey());
    assertEquals(Reason.NOT_SIGNED, assertThrows(LogVerificationException.class,
        () -> new WitnessPolicy(List.of(w1Key), 1).verify(good, otherLog)).reason());
  }

  @Test
  void aPolicyIsWellFormed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new WitnessPolicy(
        List.of(logKey), 1)).getMessage().contains("is not a witness's key"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new WitnessPolicy(
        List.of(w1Key), 2)).getMessage().contains("must be 0 to the 1 witnesses given, not 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new WitnessPolicy(
        List.of(w1Key, w1Key), 1)).getMessage().contains("listed twice"));
    // one key under a second name would let its holder meet "2 of 2" alone
    VerifierKey w1Again = VerifierKey.ofCosigner("witness.example/w1b", w1.publicKey());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new WitnessPolicy(
        List.of(w1Key, w1Again), 2)).getMessage().contains("listed twice"));
  }
}
