package io.packtrail.client.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.PacktrailClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's TLS settings say what is missing; keys and PEM round-trip. */
class ClientTlsTest {
  @TempDir
  Path dir;

  @Test
  void withoutTlsMaterialOrPlaintextTheBuilderSaysWhatToSet() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PacktrailClient.builder("127.0.0.1:50051").fromEnvironment(Map.<String, String>of()::get)
            .build());
    assertTrue(e.getMessage().contains("no TLS material for 127.0.0.1:50051")
        && e.getMessage().contains("PACKTRAIL_CA_CERT")
        && e.getMessage().contains("PACKTRAIL_PLAINTEXT=true"), e.getMessage());
  }

  @Test
  void aCertificateWithoutItsKeyInTheEnvironmentIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PacktrailClient.builder("h:1").fromEnvironment(
            Map.of(PacktrailClient.Builder.CLIENT_CERT_ENV, "/x.pem")::get));
    assertTrue(e.getMessage().contains("PACKTRAIL_CLIENT_KEY is not set but "
        + "PACKTRAIL_CLIENT_CERT is"), e.getMessage());
  }

  @Test
  void aFileThatIsNoCertificateIsRefusedNamingIt() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PacktrailClient.builder("h:1").trustedCa(notPem));
    assertTrue(e.getMessage().contains("the CA certificate is not usable PEM: no '-----BEGIN "
        + "CERTIFICATE-----' block"), e.getMessage());
  }

  /** The CA certificate of docs/formats.md section 14's test vector. */
  static final String CA_PEM =
      "-----BEGIN CERTIFICATE-----\n" +
      "MIIBwDCCAWegAwIBAgIQQ0PwOGYHnm8t1i9hpE/tMjAKBggqhkjOPQQDAjA/MRIw\n" +
      "EAYDVQQKDAlQYWNrdHJhaWwxKTAnBgNVBAMMIFBhY2t0cmFpbCBkZXBsb3ltZW50\n" +
      "IENBIDZkMzFkOTZjMB4XDTI2MDYwMTA4MDAwMFoXDTM2MDUyOTA4MDUwMFowPzES\n" +
      "MBAGA1UECgwJUGFja3RyYWlsMSkwJwYDVQQDDCBQYWNrdHJhaWwgZGVwbG95bWVu\n" +
      "dCBDQSA2ZDMxZDk2YzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGSg1WuZlmMj\n" +
      "oPDlxNcWeC/IJKS3qmyozBMOAiZ9RDQx0N/85eGmrhBIPbtYT5jVWjhN2irqMT97\n" +
      "AeUrLdEyeVGjRTBDMBIGA1UdEwEB/wQIMAYBAf8CAQAwDgYDVR0PAQH/BAQDAgEG\n" +
      "MB0GA1UdDgQWBBQXHkh1oeS7D2KE6GSWujx/yIsGuTAKBggqhkjOPQQDAgNHADBE\n" +
      "AiBjPpbvYJosNWXlDE7/sNEczf8xlWllXQvDKsctGekUDgIgKcF/MNZzJznfhiuS\n" +
      "vMDIKB2Pi7COd9bjtwSJm9HctLA=\n" +
      "-----END CERTIFICATE-----\n";

  @Test
  void plaintextAndTlsMaterialTogetherAreRefused() {
    PacktrailClient.Builder b = PacktrailClient.builder("h:1").plaintext()
        .trustedCa(CA_PEM.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    IllegalStateException e = assertThrows(IllegalStateException.class, b::buildChannel);
    assertTrue(e.getMessage().contains("plaintext and TLS material were both given"),
        e.getMessage());
  }

  @Test
  void tlsMaterialGivenInCodeWinsOverPlaintextInTheEnvironment() throws Exception {
    byte[] ca = CA_PEM.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Map<String, String> env = Map.of(PacktrailClient.Builder.PLAINTEXT_ENV, "true");
    // before and after fromEnvironment: the TLS path is taken, so what it misses is named
    // (the client certificate), not a conflict with plaintext
    for (PacktrailClient.Builder b : java.util.List.of(
        PacktrailClient.builder("h:1").trustedCa(ca).fromEnvironment(env::get),
        PacktrailClient.builder("h:1").fromEnvironment(env::get).trustedCa(ca))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, b::buildChannel);
      assertTrue(e.getMessage().startsWith("no client certificate for h:1"), e.getMessage());
    }
    // the variable alone still means plaintext
    io.grpc.ManagedChannel plain = PacktrailClient.builder("h:1").fromEnvironment(env::get)
        .buildChannel();
    plain.shutdownNow();
  }

  @Test
  void plaintextGivenInCodeWinsOverTlsFilesInTheEnvironment() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), CA_PEM);
    io.grpc.ManagedChannel plain = PacktrailClient.builder("h:1").plaintext()
        .fromEnvironment(Map.of(PacktrailClient.Builder.CA_CERT_ENV, ca.toString())::get)
        .buildChannel();
    plain.shutdownNow();
  }

  @Test
  void plaintextAndTlsMaterialBothInTheEnvironmentAreRefusedNamingTheVariables() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), CA_PEM);
    Map<String, String> env = Map.of(PacktrailClient.Builder.PLAINTEXT_ENV, "true",
        PacktrailClient.Builder.CA_CERT_ENV, ca.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        PacktrailClient.builder("h:1").fromEnvironment(env::get)::buildChannel);
    assertTrue(e.getMessage().contains("plaintext and TLS material were both given for h:1 (in "
        + "the environment: PACKTRAIL_PLAINTEXT"), e.getMessage());
  }

  @Test
  void aSavedKeyGivesBackItsPublicKeyAndStaysOwnerOnly() throws Exception {
    KeyPair pair = TlsKeys.generate();
    Path file = dir.resolve("device.tls.key");
    Pem.writePrivateKey(file, pair.getPrivate());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    ECPrivateKey read = (ECPrivateKey) Pem.parsePrivateKey(Files.readString(file));
    assertArrayEquals(pair.getPublic().getEncoded(), TlsKeys.publicOf(read).getEncoded());
    assertArrayEquals(pair.getPublic().getEncoded(),
        TlsKeys.publicKey(pair.getPublic().getEncoded()).getEncoded());
    assertThrows(java.nio.file.FileAlreadyExistsException.class,
        () -> Pem.writePrivateKey(file, pair.getPrivate()));
  }

  @Test
  void aKeyOnAnotherCurveIsNotATlsKeyOfTheDeployment() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsKeys.publicKey(g.generateKeyPair().getPublic().getEncoded()));
    assertTrue(e.getMessage().contains("P-256"), e.getMessage());
  }
}
