package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.tls.Pem;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.PrincipalUri;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.testing.FormatsDocument;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/formats.md, Deployment certificates: the principal URI examples and refusals are what
 * PrincipalUri reads, and the test vector's client certificate is the documented principal to
 * the resolver (and not to another CA).
 */
class CertificateVectorsTest {
  static FormatsDocument.Part section() {
    return FormatsDocument.load().whole().subsections(2).stream()
        .filter(p -> p.title().endsWith("Deployment certificates (mutual TLS)")).findFirst()
        .orElseThrow();
  }

  static FormatsDocument.Table table(FormatsDocument.Part part, String firstColumn,
      String second) {
    return part.tables().stream().filter(t -> t.header().get(0).equals(firstColumn)
        && t.header().get(1).equals(second)).findFirst().orElseThrow();
  }

  static String cell(String text) {
    return text.isEmpty() ? null : FormatsDocument.code(text);
  }

  @Test
  void theExamplesAreThePrincipalsTheyName() {
    FormatsDocument.Table examples = table(section(), "URI", "kind");
    assertEquals(6, examples.rows().size());
    for (List<String> row : examples.rows()) {
      String uri = FormatsDocument.code(row.get(0));
      Principal expected = new Principal(Principal.Kind.valueOf(row.get(1)), cell(row.get(2)),
          cell(row.get(3)), cell(row.get(4)), "4a");
      assertEquals(expected, PrincipalUri.parse(uri, "4a"), uri);
      assertEquals(uri, PrincipalUri.of(expected), "the URI a certificate would carry");
    }
    FormatsDocument.Table refused = table(section(), "URI", "why");
    assertEquals(7, refused.rows().size());
    for (List<String> row : refused.rows()) {
      String uri = FormatsDocument.code(row.get(0));
      assertThrows(IllegalArgumentException.class, () -> PrincipalUri.parse(uri, "4a"), uri);
    }
  }

  @Test
  void theVectorCertificateNamesTheDocumentedPrincipalUnderItsCaOnly() throws Exception {
    FormatsDocument.Part vector = section().section("Test vector");
    List<FormatsDocument.CodeBlock> blocks = vector.codeBlocks();
    X509Certificate ca = Pem.parseCertificate(blocks.get(0).text());
    X509Certificate client = Pem.parseCertificate(blocks.get(1).text());
    String body = vector.text();
    Matcher serial = Pattern.compile("Serial: `([0-9a-f]{32})`").matcher(body);
    assertTrue(serial.find(), body);
    Principal expected = new Principal(Principal.Kind.DEVICE,
        "organizations/lanzhou-demo-station", "organizations/lanzhou-demo-station/sites/chengguan",
        "organizations/lanzhou-demo-station/sites/chengguan/devices/dock-2", serial.group(1));
    assertTrue(body.contains("device\n`" + expected.device() + "`"), body);
    assertEquals(expected, CertificateCallerResolver.check(client, ca));
    assertEquals(serial.group(1), CertificateCallerResolver.serial(client));
    client.checkValidity(java.util.Date.from(java.time.Instant.parse("2026-06-01T08:00:00Z")));
    // the CA's own certificate is no client's, and another CA did not issue it
    assertThrows(UnauthenticatedException.class, () -> CertificateCallerResolver.check(ca, ca));
    X509Certificate foreign = DeploymentCa.throwaway(Clock.systemUTC()).certificate();
    UnauthenticatedException e = assertThrows(UnauthenticatedException.class,
        () -> CertificateCallerResolver.check(client, foreign));
    assertTrue(e.getMessage().contains("was not issued by this deployment's CA"),
        e.getMessage());
  }
}
