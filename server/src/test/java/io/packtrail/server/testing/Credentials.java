package io.packtrail.server.testing;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.tls.Pem;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.pki.PkiFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;

/** A client certificate the test deployment's CA issued, with its private key. */
public record Credentials(IssuedCertificate certificate, PrivateKey key, byte[] caPem) {
  public Principal principal() {
    return certificate.principal();
  }

  public String serial() {
    return certificate.serial();
  }

  public byte[] certificatePem() {
    return Pem.encode("CERTIFICATE", certificate.der()).getBytes(StandardCharsets.US_ASCII);
  }

  public byte[] keyPem() {
    return Pem.privateKey(key).getBytes(StandardCharsets.US_ASCII);
  }

  /** An SDK builder for {@code target} with these credentials and the CA. */
  public PacktrailClient.Builder builder(String target) {
    return PacktrailClient.builder(target).trustedCa(caPem)
        .clientCertificate(certificatePem(), keyPem());
  }

  /** The files a CLI takes: dir/NAME.pem, dir/NAME.key (mode 600) and dir/ca.pem. */
  public record Files(Path ca, Path certificate, Path key) {}

  public Files write(Path dir, String name) throws IOException {
    Path prefix = dir.resolve(name);
    PkiFiles.writeClient(prefix, certificate, key);
    Path ca = dir.resolve("ca.pem");
    Pem.writePublic(ca, new String(caPem, StandardCharsets.US_ASCII));
    return new Files(ca, PkiFiles.certificateFile(prefix), PkiFiles.keyFile(prefix));
  }
}
