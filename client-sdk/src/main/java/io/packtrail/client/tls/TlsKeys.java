package io.packtrail.client.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * Key pairs for the deployment's TLS certificates: ECDSA on P-256 (secp256r1), which every TLS
 * stack (the JDK's, BoringSSL in gRPC's Netty, Go's, openssl) supports for client and server
 * certificates. A device's TLS key is not its Ed25519 step-signing key: the two jobs keep their
 * own keys.
 */
public final class TlsKeys {
  private static final java.math.BigInteger P256_ORDER = new java.math.BigInteger(
      "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private TlsKeys() {}

  /**
   * The P-256 public key of a DER SubjectPublicKeyInfo (what {@code PublicKey.getEncoded()}
   * gives, as EnrollDeviceRequest.tls_public_key carries it).
   *
   * @throws IllegalArgumentException saying what it is instead
   */
  public static java.security.interfaces.ECPublicKey publicKey(byte[] subjectPublicKeyInfo) {
    java.security.PublicKey key;
    try {
      key = java.security.KeyFactory.getInstance("EC")
          .generatePublic(new java.security.spec.X509EncodedKeySpec(subjectPublicKeyInfo));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("is not the DER SubjectPublicKeyInfo of an EC public "
          + "key");
    }
    if (!(key instanceof java.security.interfaces.ECPublicKey ec)
        || !ec.getParams().getOrder().equals(P256_ORDER)) {
      throw new IllegalArgumentException("must be a key on the P-256 curve (secp256r1)");
    }
    return ec;
  }

  /** The public key of a P-256 private key (a device re-reading its saved TLS key). */
  public static java.security.interfaces.ECPublicKey publicOf(
      java.security.interfaces.ECPrivateKey privateKey) {
    if (!privateKey.getParams().getOrder().equals(P256_ORDER)) {
      throw new IllegalArgumentException("not a P-256 key");
    }
    org.bouncycastle.math.ec.ECPoint q = org.bouncycastle.asn1.x9.ECNamedCurveTable
        .getByName("secp256r1").getG().multiply(privateKey.getS()).normalize();
    try {
      return (java.security.interfaces.ECPublicKey) java.security.KeyFactory.getInstance("EC")
          .generatePublic(new java.security.spec.ECPublicKeySpec(new java.security.spec.ECPoint(
              q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
              privateKey.getParams()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }
}
