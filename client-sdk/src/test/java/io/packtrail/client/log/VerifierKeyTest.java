package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VerifierKeyTest {

  @Test
  void goReferenceVerifierKey() throws LogVerificationException {
    VerifierKey peter = VerifierKey.parse(SignedNoteTest.PETER_VKEY);
    assertEquals("PeterNeumann", peter.name());
    assertEquals(VerifierKey.TYPE_ED25519, peter.type());
    assertEquals("c74f20a3", HexFormat.of().formatHex(peter.keyHash()));
    assertEquals(SignedNoteTest.PETER_VKEY, peter.encode());
    assertEquals(peter, VerifierKey.of("PeterNeumann", peter.publicKey()));
    assertEquals(SignedNoteTest.ENOCH_VKEY, VerifierKey.parse(SignedNoteTest.ENOCH_VKEY).encode());
  }

  /** As golang.org/x/mod/sumdb/note's TestNewVerifier: every proper substring and every byte + 1 is refused. */
  @Test
  void everyManglingOfTheKeyIsRefused() throws LogVerificationException {
    byte[] b = SignedNoteTest.PETER_VKEY.getBytes(StandardCharsets.US_ASCII);
    int refused = 0;
    for (int i = 0; i <= b.length; i++) {
      for (int j = i + 1; j <= b.length; j++) {
        if (i != 0 || j != b.length) {
          String k = new String(b, i, j - i, StandardCharsets.US_ASCII);
          assertThrows(LogVerificationException.class, () -> VerifierKey.parse(k), k);
          refused++;
        }
      }
    }
    for (int i = 0; i < b.length; i++) {
      b[i]++;
      String k = new String(b, StandardCharsets.US_ASCII);
      assertThrows(LogVerificationException.class, () -> VerifierKey.parse(k), k);
      b[i]--;
    }
    assertTrue(refused > 2000);
    // the key hash only in lower case: one key has one verifier-key string
    String[] parts = SignedNoteTest.PETER_VKEY.split("\\+");
    String upper = parts[0] + "+" + parts[1].toUpperCase(java.util.Locale.ROOT) + "+" + parts[2];
    assertThrows(LogVerificationException.class, () -> VerifierKey.parse(upper), upper);
    // golang's two with adjusted key hashes: a key of the wrong length, an unknown algorithm
    // (golang's wrong-length key ends in non-canonical base64, which this parser refuses first;
    // RFC 4648 section 3.5 lets decoders refuse it)
    assertMessage("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "verifier key is not canonical padded base64");
    byte[] longer = new byte[36];
    longer[0] = 1;
    System.arraycopy(VerifierKey.parse(SignedNoteTest.PETER_VKEY).publicKey(), 0, longer, 1, 32);
    String longerHash = HexFormat.of().formatHex(
        VerifierKey.keyHash("PeterNeumann", 1, java.util.Arrays.copyOfRange(longer, 1, 36)));
    assertMessage("PeterNeumann+" + longerHash + "+" + Base64.getEncoder().encodeToString(longer),
        "verifier key has a 35-byte public key, not 32");
    assertMessage("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key has signature type 0x65; only 0x01 (Ed25519) and 0x04 (Ed25519 cosignature) are supported");
  }

  @Test
  void refusalsSayWhy() {
    assertMessage("PeterNeumann+c74f20a3", "verifier key has 2 parts separated by '+', not 3 (name+hash+key)");
    assertMessage("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key hash c74f20a4 does not match its name and key (expected c74f20a3)");
    assertMessage("PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key hash 'c74f20' is not 8 hex digits");
    assertMessage("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key: key name 'Peter Neumann' contains a space (U+0020)");
    assertMessage("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "verifier key: key name is empty");
    assertMessage("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "verifier key is not canonical padded base64");
    assertMessage("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy1*TW", "verifier key is not base64");
    assertMessage("PeterNeumann+c74f20a3+", "verifier key has no signature type byte");
    // the identity point is of small order: not a valid key, whatever its hash
    byte[] identity = new byte[33];
    identity[0] = 1;
    identity[1] = 1;
    String name = "small.example";
    byte[] pk = java.util.Arrays.copyOfRange(identity, 1, 33);
    String hash = HexFormat.of().formatHex(VerifierKey.keyHash(name, 1, pk));
    assertMessage(name + "+" + hash + "+" + Base64.getEncoder().encodeToString(identity),
        "verifier key's public key is not a valid Ed25519 public key");
    assertThrows(IllegalArgumentException.class, () -> VerifierKey.of(name, pk));
    assertThrows(IllegalArgumentException.class, () -> VerifierKey.of("a+b", Ed25519Keys.generate().publicKey()));
    assertMessage("x".repeat(400), "verifier key is longer than 320 characters");
  }

  @Test
  void cosignerKeysUseType4AndAnotherKeyHash() throws LogVerificationException {
    byte[] pk = Ed25519Keys.generate().publicKey();
    VerifierKey log = VerifierKey.of("witness.example/w1", pk);
    VerifierKey cosigner = VerifierKey.ofCosigner("witness.example/w1", pk);
    assertEquals(VerifierKey.TYPE_COSIGNATURE, cosigner.type());
    assertTrue(!java.util.Arrays.equals(log.keyHash(), cosigner.keyHash()), "the type byte is in the key hash");
    assertEquals(cosigner, VerifierKey.parse(cosigner.encode()));
    assertEquals(0x04, Base64.getDecoder().decode(cosigner.encode().split("\\+", 3)[2])[0]);
    assertArrayEquals(pk, VerifierKey.parse(cosigner.encode()).publicKey());
  }

  private static void assertMessage(String vkey, String message) {
    LogVerificationException e = assertThrows(LogVerificationException.class, () -> VerifierKey.parse(vkey));
    assertEquals(Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().startsWith(message), "message: " + e.getMessage() + "\nexpected: " + message);
  }
}
