package io.packtrail.client.label;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class Ed25519KeysTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] MESSAGE = "a message".getBytes(StandardCharsets.US_ASCII);

  /** RFC 8032 section 7.1, test 1: seed to public key. */
  @Test
  void derivesRfc8032PublicKey() {
    byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        HEX.formatHex(Ed25519Keys.publicKeyOf(seed)));
  }

  @Test
  void keyIdIsFirstFourBytesOfSha256OfPublicKey() {
    // SHA-256(d75a98...511a) = 21fe31df..., computed independently (Python hashlib).
    byte[] rfcPublicKey = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    assertEquals("21fe31df", HEX.formatHex(Ed25519Keys.keyId(rfcPublicKey)));
    assertThrows(IllegalArgumentException.class, () -> Ed25519Keys.keyId(new byte[31]));
  }

  @Test
  void generatesDistinctRawKeyPairs() {
    Ed25519Keys.KeyPair first = Ed25519Keys.generate();
    Ed25519Keys.KeyPair second = Ed25519Keys.generate();
    assertEquals(32, first.privateKey().length);
    assertEquals(32, first.publicKey().length);
    assertArrayEquals(first.publicKey(), Ed25519Keys.publicKeyOf(first.privateKey()));
    assertFalse(Arrays.equals(first.privateKey(), second.privateKey()));
  }

  @Test
  void signsTagZeroByteAndMessage() {
    Ed25519Keys.KeyPair keys = Ed25519Keys.generate();
    byte[] signature = Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, MESSAGE, keys.privateKey());
    assertEquals(64, signature.length);
    assertTrue(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, signature, keys.publicKey()));

    // Checked with BouncyCastle's plain signer over the concatenation spelled out by hand.
    byte[] signed = new byte[Ed25519Keys.LABEL_TAG.length() + 1 + MESSAGE.length];
    System.arraycopy(Ed25519Keys.LABEL_TAG.getBytes(StandardCharsets.US_ASCII), 0, signed, 0, Ed25519Keys.LABEL_TAG.length());
    System.arraycopy(MESSAGE, 0, signed, Ed25519Keys.LABEL_TAG.length() + 1, MESSAGE.length);
    Ed25519Signer plain = new Ed25519Signer();
    plain.init(false, new Ed25519PublicKeyParameters(keys.publicKey()));
    plain.update(signed, 0, signed.length);
    assertTrue(plain.verifySignature(signature));
  }

  @Test
  void tagsSeparateDomains() {
    Ed25519Keys.KeyPair keys = Ed25519Keys.generate();
    byte[] labelSignature = Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, MESSAGE, keys.privateKey());
    assertFalse(Ed25519Keys.verify(Ed25519Keys.TRUST_LIST_TAG, MESSAGE, labelSignature, keys.publicKey()));
  }

  @Test
  void refusesOtherMessagesKeysAndSizes() {
    Ed25519Keys.KeyPair keys = Ed25519Keys.generate();
    byte[] signature = Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, MESSAGE, keys.privateKey());
    assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, "a messagf".getBytes(StandardCharsets.US_ASCII), signature, keys.publicKey()));
    assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, signature, Ed25519Keys.generate().publicKey()));
    assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, Arrays.copyOf(signature, 63), keys.publicKey()));
    assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, Arrays.copyOf(signature, 65), keys.publicKey()));
    assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, signature, Arrays.copyOf(keys.publicKey(), 31)));
    assertThrows(IllegalArgumentException.class, () -> Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, MESSAGE, new byte[31]));
  }

  /**
   * What BouncyCastle's verify refuses, as docs/formats.md section 7 states: S not below the group
   * order L (S + L would verify under a check of the equation alone), and public keys that are
   * not a canonical encoding of a curve point or are of small order.
   */
  @Test
  void refusesNonCanonicalScalarsAndSmallOrderOrNonCanonicalKeys() {
    Ed25519Keys.KeyPair keys = Ed25519Keys.generate();
    byte[] signature = Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, MESSAGE, keys.privateKey());
    BigInteger order = BigInteger.TWO.pow(252)
        .add(new BigInteger("27742317777372353535851937790883648493"));
    byte[] s = reverse(Arrays.copyOfRange(signature, 32, 64));
    byte[] sPlusL = reverse(toBytes32(new BigInteger(1, s).add(order)));
    byte[] malleated = Arrays.copyOf(signature, 64);
    System.arraycopy(sPlusL, 0, malleated, 32, 32);
    assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, malleated, keys.publicKey()));

    String[] badKeys = {
      "0100000000000000000000000000000000000000000000000000000000000000", // identity, y = 1
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2, y = p - 1
      "0000000000000000000000000000000000000000000000000000000000000000", // order 4, y = 0
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1
    };
    for (String key : badKeys) {
      assertEquals(null, Ed25519Keys.publicKeyParameters(HEX.parseHex(key)), key);
      assertFalse(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, MESSAGE, signature, HEX.parseHex(key)));
    }
  }

  private static byte[] reverse(byte[] bytes) {
    byte[] reversed = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      reversed[i] = bytes[bytes.length - 1 - i];
    }
    return reversed;
  }

  private static byte[] toBytes32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
