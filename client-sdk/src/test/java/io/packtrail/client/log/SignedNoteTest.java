package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedNoteTest {

  /*
   * The reference example of golang.org/x/mod/sumdb/note (note_test.go: TestSign, TestOpen): the
   * PeterNeumann key pair (the signer key "PRIVATE+KEY+PeterNeumann+c74f20a3+<base64(0x01 ||
   * seed)>"), its text and its signed note, and the EnochRoot verifier key and signature.
   * Data copied from that file; Ed25519 is deterministic, so signing must give the same note.
   */
  static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String PETER_SKEY_MATERIAL = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  static final String ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
  static final String TEXT = "If you think cryptography is the answer to your problem,\n"
      + "then you don't know what your problem is.\n";
  static final String PETER_SIG = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  static final String ENOCH_SIG = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

  static byte[] peterSeed() {
    byte[] material = Base64.getDecoder().decode(PETER_SKEY_MATERIAL);
    assertEquals(0x01, material[0]);
    return Arrays.copyOfRange(material, 1, material.length);
  }

  @Test
  void goReferenceNoteIsReproducedByteForByteAndVerifies() throws LogVerificationException {
    byte[] seed = peterSeed();
    VerifierKey peter = VerifierKey.parse(PETER_VKEY);
    assertArrayEquals(peter.publicKey(), Ed25519Keys.publicKeyOf(seed));
    assertEquals(PETER_VKEY, VerifierKey.of("PeterNeumann", Ed25519Keys.publicKeyOf(seed)).encode());

    String note = SignedNote.sign(TEXT.getBytes(StandardCharsets.UTF_8), "PeterNeumann", seed);
    assertEquals(TEXT + "\n" + PETER_SIG, note);

    SignedNote parsed = SignedNote.parse(note);
    parsed.verify(peter);
    assertEquals(TEXT, parsed.text());
    assertEquals(1, parsed.signatures().size());
    assertEquals("PeterNeumann", parsed.signatures().get(0).keyName());
    assertEquals("c74f20a3", Merkle.hex(parsed.signatures().get(0).keyHash()));
    assertEquals(64, parsed.signatures().get(0).signature().length);
    assertEquals(note, parsed.encode());
  }

  @Test
  void signaturesByOtherKeysAreIgnored() throws LogVerificationException {
    SignedNote both = SignedNote.parse(TEXT + "\n" + PETER_SIG + ENOCH_SIG);
    both.verify(VerifierKey.parse(PETER_VKEY));
    both.verify(VerifierKey.parse(ENOCH_VKEY));

    // a note signed by another key only: refused, naming who did sign it
    LogVerificationException e = assertThrows(LogVerificationException.class,
        () -> SignedNote.parse(TEXT + "\n" + ENOCH_SIG).verify(VerifierKey.parse(PETER_VKEY)));
    assertEquals(Reason.NOT_SIGNED, e.reason());
    assertEquals("note is not signed by PeterNeumann (key hash c74f20a3); it has signatures by "
        + "EnochRoot (af0cfe78)", e.getMessage());

    // the same name with another key (another key hash), or another name: not the trusted key
    byte[] other = Ed25519Keys.generate().publicKey();
    assertRejected(Reason.NOT_SIGNED, () -> both.verify(VerifierKey.of("PeterNeumann", other)));
    assertRejected(Reason.NOT_SIGNED, () -> both.verify(
        VerifierKey.of("PeterNeumannX", VerifierKey.parse(PETER_VKEY).publicKey())));

    // a line with the trusted key's name and hash but not its signature: refused, even next to a good one
    String forged = "\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(concat(
        VerifierKey.parse(PETER_VKEY).keyHash(), new byte[64])) + "\n";
    assertRejected(Reason.BAD_SIGNATURE,
        () -> SignedNote.parse(TEXT + "\n" + PETER_SIG + forged).verify(VerifierKey.parse(PETER_VKEY)));
    // repeated identical signatures are fine
    SignedNote.parse(TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG).verify(VerifierKey.parse(PETER_VKEY));
  }

  @Test
  void editedTextOrSignatureIsRefused() throws LogVerificationException {
    VerifierKey peter = VerifierKey.parse(PETER_VKEY);
    String note = TEXT + "\n" + PETER_SIG;
    LogVerificationException e = assertThrows(LogVerificationException.class,
        () -> SignedNote.parse(note.replace("cryptography", "cryptographY")).verify(peter));
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
    assertEquals("the signature by PeterNeumann (key hash c74f20a3) does not verify over the note text",
        e.getMessage());
    // golang's "invalid signature" case: four more base64 characters inside the signature
    assertRejected(Reason.BAD_SIGNATURE,
        () -> SignedNote.parse(TEXT + "\n" + PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60)).verify(peter));
    // one bit of the signature flipped
    SignedNote.Signature s = SignedNote.parse(note).signatures().get(0);
    byte[] sig = s.signature();
    sig[10] ^= 1;
    SignedNote flipped = SignedNote.parse(TEXT + "\n" + new SignedNote.Signature(s.keyName(), s.keyHash(), sig).line());
    assertRejected(Reason.BAD_SIGNATURE, () -> flipped.verify(peter));
    // a signature moved to another text
    assertRejected(Reason.BAD_SIGNATURE, () -> SignedNote.parse("another text\n\n" + PETER_SIG).verify(peter));
  }

  @Test
  void malformedNotesAreRefused() {
    String sig = PETER_SIG;
    // golang's badMsgs, where Java can represent them
    assertMalformed(TEXT, "note has no blank line between its text and its signatures");
    assertMalformed(TEXT + "\n", "note has no signature line after its blank line");
    assertMalformed(TEXT + "\n" + sig.substring(0, sig.length() - 1), "note does not end with a newline");
    assertMalformed("\u0001" + TEXT + "\n" + sig, "note holds the control character U+0001 at offset 0");
    assertMalformed(TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "signature of Bad is not base64");
    assertMalformed(TEXT + "\n" + sig + "Unexpected line.\n",
        "signature line does not start with an em dash (U+2014) and a space: 'Unexpected line.'");
    // more
    assertMalformed(TEXT + "\r\n" + sig, "note holds the control character U+000D");
    assertMalformed(TEXT + "\n" + "- PeterNeumann x08go\n", "signature line does not start with an em dash");
    assertMalformed(TEXT + "\n" + "\u2014 PeterNeumann\n", "signature line has no space between key name and signature");
    assertMalformed(TEXT + "\n" + "\u2014 a+b x08go/ZJ=\n", "signature line: key name 'a+b' contains '+'");
    assertMalformed(TEXT + "\n" + "\u2014 PeterNeumann \n", "signature of PeterNeumann has 0 bytes");
    assertMalformed(TEXT + "\n" + "\u2014 PeterNeumann AAAAAA==\n", "signature of PeterNeumann has 4 bytes, fewer than");
    assertMalformed(TEXT + "\n" + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
        "signature of PeterNeumann is not canonical padded base64");
    // a blank line after the signatures: it is the last blank line, so no signature follows it
    assertMalformed(TEXT + "\n" + sig + "\n", "note has no signature line after its blank line");
    assertMalformed("\ud800" + TEXT + "\n" + sig, "note is not valid UTF-8");
    assertMalformed(null, "note is missing");
    LogVerificationException e = assertThrows(LogVerificationException.class,
        () -> SignedNote.parse((TEXT + "\n" + sig).replace("If", "I\u00ff").getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals("note is not valid UTF-8", e.getMessage());
  }

  @Test
  void sizesAreBounded() throws LogVerificationException {
    // golang's limit: 100 signatures accepted, 101 refused (the spec asks for at least 16)
    SignedNote.parse(TEXT + "\n" + PETER_SIG.repeat(100)).verify(VerifierKey.parse(PETER_VKEY));
    assertMalformed(TEXT + "\n" + PETER_SIG.repeat(101), "note has 101 signature lines, more than 100");
    String big = "x".repeat(SignedNote.MAX_NOTE_BYTES) + "\n";
    assertMalformed(big + "\n" + PETER_SIG, "note has more than 65536 bytes");
    // multi-byte characters count as bytes
    String wide = "\u00e9".repeat(SignedNote.MAX_NOTE_BYTES / 2) + "\n";
    assertMalformed(wide + "\n" + PETER_SIG, "note has 656");
    assertThrows(LogVerificationException.class, () -> SignedNote.parse(new byte[SignedNote.MAX_NOTE_BYTES + 1]));
    assertThrows(IllegalArgumentException.class,
        () -> SignedNote.sign(big.getBytes(StandardCharsets.UTF_8), "a", peterSeed()));
    assertThrows(LogVerificationException.class, () -> SignedNote.Signature.parseLine("\u2014 " + "a".repeat(70000) + " AAAAAAA="));
  }

  @Test
  void roundTripWithTextThatHasBlankLinesAndUnicode() throws LogVerificationException {
    Ed25519Keys.KeyPair key = Ed25519Keys.generate();
    String text = "first line\n\nafter a blank line \u2014 \u00e9t\u00e9\n";
    String note = SignedNote.sign(text.getBytes(StandardCharsets.UTF_8), "example.com/log", key.privateKey());
    SignedNote parsed = SignedNote.parse(note);
    assertEquals(text, parsed.text());
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), parsed.body());
    parsed.verify(VerifierKey.of("example.com/log", key.publicKey()));
    // another signature appended keeps the first valid
    Ed25519Keys.KeyPair other = Ed25519Keys.generate();
    SignedNote.Signature second = SignedNote.parse(
        SignedNote.sign(parsed.body(), "other.example/key", other.privateKey())).signatures().get(0);
    SignedNote twice = SignedNote.parse(parsed.withSignature(second).encode());
    twice.verify(VerifierKey.of("example.com/log", key.publicKey()));
    twice.verify(VerifierKey.of("other.example/key", other.publicKey()));
    assertEquals(2, twice.signatures().size());
    // a cosigner's key does not verify plain note signatures
    assertRejected(Reason.BAD_SIGNATURE, () -> twice.verify(VerifierKey.ofCosigner("example.com/log", key.publicKey())));
  }

  @Test
  void signRefusesWhatCannotBeANote() {
    byte[] seed = peterSeed();
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("no newline".getBytes(StandardCharsets.UTF_8), "k", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign(new byte[0], "k", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("tab\there\n".getBytes(StandardCharsets.UTF_8), "k", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign(new byte[] {(byte) 0xff, '\n'}, "k", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("a\n".getBytes(StandardCharsets.UTF_8), "a b", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("a\n".getBytes(StandardCharsets.UTF_8), "a+b", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("a\n".getBytes(StandardCharsets.UTF_8), "", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("a\n".getBytes(StandardCharsets.UTF_8), "a\u00a0b", seed));
    assertThrows(IllegalArgumentException.class, () -> SignedNote.sign("a\n".getBytes(StandardCharsets.UTF_8), "k", new byte[31]));
  }

  @Test
  void specExamplesParse() throws LogVerificationException {
    // C2SP signed-note's example note (no key is published for it: parsed only)
    SignedNote poem = SignedNote.parse("Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\n"
        + "ed \u00e8 subito sera.\n\n\u2014 quasimodo.example/salvatore "
        + "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n");
    assertTrue(poem.text().endsWith("\n\ned \u00e8 subito sera.\n"), "the text keeps its inner blank line");
    assertEquals("quasimodo.example/salvatore", poem.signatures().get(0).keyName());
    assertEquals(64, poem.signatures().get(0).signature().length);
  }

  interface Verification {
    void run() throws LogVerificationException;
  }

  static void assertRejected(Reason reason, Verification v) {
    LogVerificationException e = assertThrows(LogVerificationException.class, v::run);
    assertEquals(reason, e.reason(), e.getMessage());
  }

  private static void assertMalformed(String note, String messageStart) {
    LogVerificationException e = assertThrows(LogVerificationException.class, () -> SignedNote.parse(note));
    assertEquals(Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().startsWith(messageStart), "message: " + e.getMessage() + "\nexpected: " + messageStart);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static List<String> lines(String s) {
    return List.of(s.split("\n"));
  }
}
