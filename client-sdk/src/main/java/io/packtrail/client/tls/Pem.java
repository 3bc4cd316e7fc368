package io.packtrail.client.tls;

import io.packtrail.client.DurableFiles;
import io.packtrail.client.device.DeviceKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text (RFC 7468) of the deployment's certificates and keys: {@code CERTIFICATE} (X.509
 * DER) and {@code PRIVATE KEY} (PKCS#8 DER), the forms gRPC, Netty, grpcurl and openssl read.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private Pem() {}

  /** One PEM block of {@code der} under {@code label}, base64 in lines of 64. */
  public static String encode(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  public static String certificate(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a certificate that cannot be encoded", e);
    }
  }

  /** The PKCS#8 {@code PRIVATE KEY} block of a key. */
  public static String privateKey(PrivateKey key) {
    return encode("PRIVATE KEY", key.getEncoded());
  }

  /** The DER of the first block with {@code label}. */
  public static byte[] decode(String label, String text) throws IOException {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(label)) {
        try {
          return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
          throw new IOException("the " + label + " block is not valid base64", e);
        }
      }
    }
    throw new IOException("no '-----BEGIN " + label + "-----' block");
  }

  /** The first certificate of PEM text. */
  public static X509Certificate parseCertificate(String text) throws IOException {
    byte[] der = decode("CERTIFICATE", text);
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IOException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** The certificate in a PEM file; the message names the file when it is not one. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    try {
      return parseCertificate(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** An EC (or, failing that, RSA or Ed25519) PKCS#8 private key from PEM text. */
  public static PrivateKey parsePrivateKey(String text) throws IOException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(decode("PRIVATE KEY", text));
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // another algorithm's key
      }
    }
    throw new IOException("not a PKCS#8 EC, RSA or Ed25519 private key");
  }

  /**
   * Writes a private key's PEM to a new file with mode 600 (created so, renamed into place, as
   * {@link DeviceKey#save} does); refuses to overwrite one.
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "a private key is there already; remove it on purpose to make a new one");
    }
    DurableFiles.createPrivate(file, privateKey(key).getBytes(StandardCharsets.US_ASCII));
  }

  /** Writes public PEM text (a certificate) through a temporary file renamed into place. */
  public static void writePublic(Path file, String pem) throws IOException {
    DurableFiles.replace(file, pem.getBytes(StandardCharsets.US_ASCII));
  }
}
