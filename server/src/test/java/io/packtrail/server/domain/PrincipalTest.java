package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a principal is named in refusals and logs. */
class PrincipalTest {
  @Test
  void aPrincipalIsNamedByKindNameAndCertificate() {
    assertEquals("ORGANIZATION_SYSTEM organizations/dealer (certificate 1001)", new Principal(
        Principal.Kind.ORGANIZATION_SYSTEM, "organizations/dealer", null, null, "1001")
        .toString());
    assertEquals("OPERATOR (certificate 7368a1c5)", new Principal(Principal.Kind.OPERATOR, null,
        null, null, "7368a1c5").toString(), "an operator's certificate names no organisation");
    assertEquals("LOCAL", new Principal(Principal.Kind.LOCAL, null, null, null, null)
        .toString());
  }
}
