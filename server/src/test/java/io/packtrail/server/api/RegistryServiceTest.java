package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.CreateOrganizationRequest;
import io.packtrail.v1.CreateSiteRequest;
import io.packtrail.v1.GetOrganizationRequest;
import io.packtrail.v1.GetSiteRequest;
import io.packtrail.v1.ListOrganizationsRequest;
import io.packtrail.v1.ListOrganizationsResponse;
import io.packtrail.v1.ListSitesRequest;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  static Organization recycler(String name) {
    return Organization.newBuilder().setDisplayName(name).setRegionCode("620300")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER).build();
  }

  @Test
  void createIsIdempotentOnTheClientChosenId() {
    Organization first = harness.client().createOrganization("jinchang-a", recycler("Jinchang A"));
    assertEquals("organizations/jinchang-a", first.getName());
    assertTrue(first.hasCreateTime());
    Organization again = harness.client().createOrganization("jinchang-a", recycler("Jinchang A"));
    assertEquals(first, again, "a retry returns the stored organisation unchanged");

    var status = assertFails(Code.ALREADY_EXISTS,
        () -> harness.client().createOrganization("jinchang-a", recycler("Someone else")));
    assertTrue(status.getMessage().contains("organizations/jinchang-a"), status.getMessage());
    assertEquals("Jinchang A", harness.registry().getOrganization(GetOrganizationRequest
        .newBuilder().setName("organizations/jinchang-a").build()).getOrganization()
        .getDisplayName(), "nothing stored was changed");
  }

  @Test
  void malformedOrganizationsNameEachBrokenField() {
    var status = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().createOrganization(
        CreateOrganizationRequest.newBuilder().setOrganizationId("Bad Id")
            .setOrganization(Organization.newBuilder().setRegionCode("62")
                .addRoles(OrganizationRole.ORGANIZATION_ROLE_UNSPECIFIED)
                .setManufacturerCode("toolong")).build()));
    assertViolation(status, "organization_id", "[a-z]");
    assertViolation(status, "organization.display_name", "required");
    assertViolation(status, "organization.region_code", "six-digit");
    assertViolation(status, "organization.roles[0]", "UNSPECIFIED");
    assertViolation(status, "organization.manufacturer_code", "3 upper-case");
  }

  @Test
  void getUnknownOrMalformedNames() {
    assertFails(Code.NOT_FOUND, () -> harness.registry().getOrganization(
        GetOrganizationRequest.newBuilder().setName("organizations/nobody").build()));
    var status = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().getOrganization(
        GetOrganizationRequest.newBuilder().setName("orgs/x").build()));
    assertViolation(status, "name", "organizations/{id}");
    assertFails(Code.NOT_FOUND, () -> harness.registry().getSite(GetSiteRequest.newBuilder()
        .setName("organizations/nobody/sites/none").build()));
  }

  @Test
  void listPagesThroughEveryOrganisationOnceWithFilters() {
    for (int i = 0; i < 5; i++) {
      harness.client().createOrganization("paged-" + i, recycler("Paged " + i));
    }
    harness.client().createOrganization("paged-dealer", Organization.newBuilder()
        .setDisplayName("Dealer").setRegionCode("620200")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_DEALER).build());
    List<String> names = new ArrayList<>();
    String token = "";
    ListOrganizationsRequest query = ListOrganizationsRequest.newBuilder().setPageSize(2)
        .setRole(OrganizationRole.ORGANIZATION_ROLE_RECYCLER).setRegionCode("6203").build();
    int pages = 0;
    do {
      ListOrganizationsResponse page = harness.registry().listOrganizations(
          query.toBuilder().setPageToken(token).build());
      page.getOrganizationsList().forEach(o -> names.add(o.getName()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertTrue(names.containsAll(List.of("organizations/paged-0", "organizations/paged-4")));
    assertTrue(!names.contains("organizations/paged-dealer"), "role filter applies");
    assertEquals(names.size(), names.stream().distinct().count(), "no organisation twice");
    assertTrue(pages >= 3, "page_size is honoured");

    String firstToken = harness.registry().listOrganizations(query).getNextPageToken();
    var status = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listOrganizations(
        ListOrganizationsRequest.newBuilder().setPageSize(2).setPageToken(firstToken).build()));
    assertViolation(status, "page_token", "other filters");
    assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listOrganizations(
        ListOrganizationsRequest.newBuilder().setPageToken("%%%not-base64").build()));
    assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().listOrganizations(
        ListOrganizationsRequest.newBuilder().setPageSize(-1).build()));
  }

  @Test
  void sitesBelongToAnExistingOrganisation() {
    harness.client().createOrganization("site-owner", recycler("Owner"));
    Site site = Site.newBuilder().setDisplayName("Testing platform")
        .setKind(SiteKind.SITE_KIND_TESTING_CENTER).setRegionCode("620300")
        .setLatitude(38.5).setLongitude(102.17).build();
    Site created = harness.client().createSite("organizations/site-owner", "testing", site);
    assertEquals("organizations/site-owner/sites/testing", created.getName());
    assertEquals(created, harness.client().createSite("organizations/site-owner", "testing", site));
    assertFails(Code.ALREADY_EXISTS, () -> harness.client().createSite(
        "organizations/site-owner", "testing", site.toBuilder().setDisplayName("Other").build()));

    assertFails(Code.NOT_FOUND, () -> harness.client().createSite("organizations/ghost",
        "testing", site));
    var status = assertFails(Code.INVALID_ARGUMENT, () -> harness.registry().createSite(
        CreateSiteRequest.newBuilder().setParent("organizations/site-owner").setSiteId("x")
            .setSite(site.toBuilder().setKind(SiteKind.SITE_KIND_UNSPECIFIED).setLatitude(91))
            .build()));
    assertViolation(status, "site_id", "[a-z]");
    assertViolation(status, "site.kind", "required");
    assertViolation(status, "site.latitude", "-90");

    var sites = harness.registry().listSites(ListSitesRequest.newBuilder()
        .setParent("organizations/site-owner").build()).getSitesList();
    assertEquals(List.of(created), sites);
    assertTrue(harness.registry().listSites(ListSitesRequest.newBuilder()
        .setParent("organizations/-").build()).getSitesList().contains(created));
  }
}
