package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CosignatureTest {

  private final Ed25519Keys.KeyPair logKey = Ed25519Keys.generate();
  private final Ed25519Keys.KeyPair witnessKey = Ed25519Keys.generate();
  private final Checkpoint checkpoint = new Checkpoint("packtrail.local/log", 12,
      Merkle.leafHash("x".getBytes(StandardCharsets.UTF_8)));
  private final VerifierKey witness = VerifierKey.ofCosigner("witness.example/w1", witnessKey.publicKey());

  private SignedNote cosigned(long time) throws LogVerificationException {
    SignedNote note = SignedNote.parse(SignedNote.sign(checkpoint.body(), checkpoint.origin(), logKey.privateKey()));
    return note.withSignature(Cosignature.sign(note.body(), "witness.example/w1", witnessKey.privateKey(), time));
  }

  @Test
  void roundTrip() throws LogVerificationException {
    SignedNote note = SignedNote.parse(cosigned(1767225600L).encode());
    assertEquals(1767225600L, Cosignature.verify(note, witness));
    // the log's own signature still verifies, and the cosignature is ignored by it
    assertEquals(checkpoint, Checkpoint.verify(note.encode(), VerifierKey.of("packtrail.local/log", logKey.publicKey())));
    SignedNote.Signature line = note.signatures().get(1);
    assertEquals("witness.example/w1", line.keyName());
    assertEquals(72, line.signature().length);
    assertEquals(1767225600L, ByteBuffer.wrap(line.signature()).getLong());
    assertEquals("cosignature/v1\ntime 1767225600\n" + checkpoint.text(),
        new String(Cosignature.signedMessage(checkpoint.body(), 1767225600L), StandardCharsets.UTF_8));
    assertEquals(0L, Cosignature.verify(cosigned(0), witness));
  }

  @Test
  void tamperingIsRefused() throws LogVerificationException {
    SignedNote note = cosigned(1767225600L);
    // another checkpoint (edited body) under the same cosignature line
    Checkpoint other = new Checkpoint("packtrail.local/log", 13, checkpoint.rootHash());
    SignedNote.Signature line = note.signatures().get(1);
    LogVerificationException e = assertThrows(LogVerificationException.class,
        () -> Cosignature.verify(other.body(), line, witness));
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
    assertEquals("the cosignature by witness.example/w1 (time 1767225600) does not verify over the checkpoint",
        e.getMessage());
    // the timestamp changed
    byte[] bytes = line.signature();
    bytes[7] ^= 1;
    SignedNote.Signature retimed = new SignedNote.Signature(line.keyName(), line.keyHash(), bytes);
    assertEquals(Reason.BAD_SIGNATURE, assertThrows(LogVerificationException.class,
        () -> Cosignature.verify(checkpoint.body(), retimed, witness)).reason());
    // a timestamp above 2^63-1
    bytes = line.signature();
    bytes[0] |= (byte) 0x80;
    SignedNote.Signature huge = new SignedNote.Signature(line.keyName(), line.keyHash(), bytes);
    assertEquals(Reason.MALFORMED, assertThrows(LogVerificationException.class,
        () -> Cosignature.verify(checkpoint.body(), huge, witness)).reason());
    // a plain Ed25519 signature (no timestamp) under the witness's name and cosigner key hash
    SignedNote.Signature plain = new SignedNote.Signature(line.keyName(), line.keyHash(),
        java.util.Arrays.copyOfRange(line.signature(), 8, 72));
    assertEquals("cosignature by witness.example/w1 has 64 bytes after the key hash, not 72 (timestamp and signature)",
        assertThrows(LogVerificationException.class, () -> Cosignature.verify(checkpoint.body(), plain, witness)).getMessage());
  }

  @Test
  void otherKeysAreNotTheWitness() throws LogVerificationException {
    SignedNote note = cosigned(1767225600L);
    // another witness key under the same name: not this witness's cosignature
    VerifierKey stranger = VerifierKey.ofCosigner("witness.example/w1", Ed25519Keys.generate().publicKey());
    assertEquals(Reason.NOT_SIGNED, assertThrows(LogVerificationException.class,
        () -> Cosignature.verify(note, stranger)).reason());
    // the witness's key as a plain note key (type 0x01) has another key hash
    VerifierKey asLogKey = VerifierKey.of("witness.example/w1", witnessKey.publicKey());
    assertEquals(Reason.MALFORMED, assertThrows(LogVerificationException.class,
        () -> Cosignature.verify(note, asLogKey)).reason());
    assertEquals(Reason.NOT_SIGNED, assertThrows(LogVerificationException.class,
        () -> note.verify(asLogKey)).reason());
    // a note without cosignature
    SignedNote bare = SignedNote.parse(SignedNote.sign(checkpoint.body(), checkpoint.origin(), logKey.privateKey()));
    assertEquals("checkpoint has no cosignature by witness.example/w1 (key hash " + Merkle.hex(witness.keyHash()) + ")",
        assertThrows(LogVerificationException.class, () -> Cosignature.verify(bare, witness)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Cosignature.sign(checkpoint.body(), "witness.example/w1", witnessKey.privateKey(), -1));
  }
}
