package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The principal URI of client certificates (docs/formats.md section 14): one reading each. */
class PrincipalUriTest {
  static final String ORG = "organizations/lanzhou-demo-station";
  static final String SITE = ORG + "/sites/chengguan";
  static final String DEVICE = SITE + "/devices/dock-2";

  @Test
  void everyKindRoundTrips() {
    List<Principal> all = List.of(
        new Principal(Principal.Kind.ORGANIZATION_SYSTEM, ORG, null, null, "4a"),
        new Principal(Principal.Kind.WORKER, ORG, SITE, null, "4b"),
        new Principal(Principal.Kind.DEVICE, ORG, SITE, DEVICE, "4c"),
        new Principal(Principal.Kind.AUDITOR, null, null, null, "4d"),
        new Principal(Principal.Kind.AUDITOR, ORG, null, null, "4e"),
        new Principal(Principal.Kind.REGULATOR, ORG, null, null, "4f"),
        new Principal(Principal.Kind.OPERATOR, null, null, null, "50"));
    for (Principal p : all) {
      assertEquals(p, PrincipalUri.parse(PrincipalUri.of(p), p.certificateSerial()));
    }
    assertEquals("packtrail:principal:device:" + DEVICE, PrincipalUri.of(all.get(2)));
    assertEquals("packtrail:principal:organization-system:" + ORG, PrincipalUri.of(all.get(0)));
    assertEquals("packtrail:principal:operator", PrincipalUri.of(all.get(6)));
  }

  @Test
  void everyBrokenRuleIsRefusedSayingWhich() {
    refused("urn:packtrail:principal:operator", "starts with 'packtrail:principal:'");
    refused("packtrail:principal:admin", "'admin' is not a kind of principal");
    refused("packtrail:principal:local", "'local' is not a kind of principal");
    refused("packtrail:principal:operator:" + ORG, "an operator's URI has no scope");
    refused("packtrail:principal:worker:" + ORG, "the scope of a worker must be "
        + "organizations/{org}/sites/{site}");
    refused("packtrail:principal:worker", "and is missing");
    refused("packtrail:principal:device:" + SITE, "the scope of a device must be");
    refused("packtrail:principal:organization-system:" + SITE, "the scope of a "
        + "organization-system must be organizations/{org}");
    refused("packtrail:principal:worker:" + SITE + "/", "got");
    refused("packtrail:principal:worker:organizations/Lanzhou/sites/chengguan", "ids matching");
    refused("packtrail:principal:auditor:" + SITE, "organizations/{org} or nothing");
    refused("packtrail:principal:device:" + DEVICE + "\n", "got");
  }

  @Test
  void theLocalPrincipalHasNoUri() {
    assertThrows(IllegalArgumentException.class, () -> PrincipalUri.of(Principal.LOCAL));
  }

  static void refused(String uri, String words) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrincipalUri.parse(uri, "4a"), uri);
    assertTrue(e.getMessage().contains(words), uri + ": " + e.getMessage());
  }
}
