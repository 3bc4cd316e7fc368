package io.packtrail.client.label;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 signing with domain separation: the signed bytes are an ASCII tag, one 0x00 byte, then
 * the message, so a signature made for one purpose (a label) never verifies for another (a trust
 * list). Keys are raw 32-byte encodings (RFC 8032).
 */
public final class Ed25519Keys {

  public static final String LABEL_TAG = "packtrail/label/v1";
  public static final String TRUST_LIST_TAG = "packtrail/trust-list/v1";

  public static final int KEY_SIZE = 32;
  public static final int SIGNATURE_SIZE = 64;
  public static final int KEY_ID_SIZE = 4;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A raw private key (the 32-byte RFC 8032 seed) and its raw public key. */
  public record KeyPair(byte[] privateKey, byte[] publicKey) {}

  private Ed25519Keys() {}

  public static KeyPair generate() {
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
    return new KeyPair(key.getEncoded(), key.generatePublicKey().getEncoded());
  }

  public static byte[] publicKeyOf(byte[] privateKey) {
    return privateKeyParameters(privateKey).generatePublicKey().getEncoded();
  }

  /** Signs {@code tag || 0x00 || message}; returns the 64-byte signature. */
  public static byte[] sign(String tag, byte[] message, byte[] privateKey) {
    byte[] signed = signedBytes(tag, ByteString.copyFrom(message));
    byte[] signature = new byte[SIGNATURE_SIZE];
    privateKeyParameters(privateKey)
        .sign(Ed25519.Algorithm.Ed25519, null, signed, 0, signed.length, signature, 0);
    return signature;
  }

  /** Whether {@code signature} is a valid signature of {@code tag || 0x00 || message}; false for keys or signatures of the wrong size or an invalid key. */
  public static boolean verify(String tag, byte[] message, byte[] signature, byte[] publicKey) {
    Ed25519PublicKeyParameters key = publicKeyParameters(publicKey);
    return key != null && verify(tag, ByteString.copyFrom(message), ByteString.copyFrom(signature), key);
  }

  /** As above, for a public key decoded once up front (decoding the curve point is costly). */
  static boolean verify(String tag, ByteString message, ByteString signature, Ed25519PublicKeyParameters publicKey) {
    if (signature.size() != SIGNATURE_SIZE) {
      return false;
    }
    byte[] signed = signedBytes(tag, message);
    return publicKey.verify(Ed25519.Algorithm.Ed25519, null, signed, 0, signed.length, signature.toByteArray(), 0);
  }

  /**
   * A public key decoded once (decoding the curve point is a large part of a verification), to
   * verify many signatures under it: a verifier of many steps of one device, or many labels of
   * one key, decodes it once ({@link #decode}).
   */
  public static final class PublicKey {
    private final Ed25519PublicKeyParameters key;

    private PublicKey(Ed25519PublicKeyParameters key) {
      this.key = key;
    }

    /** Whether {@code signature} is a valid signature of {@code tag || 0x00 || message}. */
    public boolean verifies(String tag, byte[] message, byte[] signature) {
      return Ed25519Keys.verify(tag, ByteString.copyFrom(message), ByteString.copyFrom(signature),
          key);
    }
  }

  /** The decoded public key, or empty when it is not a valid one (wrong size, not a point). */
  public static java.util.Optional<PublicKey> decode(byte[] publicKey) {
    return java.util.Optional.ofNullable(publicKeyParameters(publicKey)).map(PublicKey::new);
  }

  /**
   * Whether {@code publicKey} is a valid public key: 32 bytes, a canonical encoding of a curve
   * point, not of small order (docs/formats.md section 7).
   */
  public static boolean isValidPublicKey(byte[] publicKey) {
    return publicKeyParameters(publicKey) != null;
  }

  /** The decoded public key, or null if it has the wrong size or is not a valid curve point. */
  static Ed25519PublicKeyParameters publicKeyParameters(byte[] publicKey) {
    if (publicKey.length != KEY_SIZE) {
      return null;
    }
    try {
      return new Ed25519PublicKeyParameters(publicKey);
    } catch (IllegalArgumentException notAPoint) {
      return null;
    }
  }

  /** The key id: the first 4 bytes of SHA-256 of the raw public key. */
  public static byte[] keyId(byte[] publicKey) {
    if (publicKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + publicKey.length);
    }
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), KEY_ID_SIZE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Ed25519PrivateKeyParameters privateKeyParameters(byte[] privateKey) {
    if (privateKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 private key has 32 bytes, not " + privateKey.length);
    }
    return new Ed25519PrivateKeyParameters(privateKey);
  }

  private static byte[] signedBytes(String tag, ByteString message) {
    byte[] tagBytes = tag.getBytes(StandardCharsets.US_ASCII);
    byte[] signed = new byte[tagBytes.length + 1 + message.size()];
    System.arraycopy(tagBytes, 0, signed, 0, tagBytes.length);
    // signed[tagBytes.length] stays 0x00: the separator.
    message.copyTo(signed, tagBytes.length + 1);
    return signed;
  }
}
