package io.packtrail.server.api;

import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Registry;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.Violations;
import io.packtrail.v1.CreateOrganizationRequest;
import io.packtrail.v1.CreateOrganizationResponse;
import io.packtrail.v1.CreateSiteRequest;
import io.packtrail.v1.CreateSiteResponse;
import io.packtrail.v1.GetOrganizationRequest;
import io.packtrail.v1.GetOrganizationResponse;
import io.packtrail.v1.GetSiteRequest;
import io.packtrail.v1.GetSiteResponse;
import io.packtrail.v1.ListOrganizationsRequest;
import io.packtrail.v1.ListOrganizationsResponse;
import io.packtrail.v1.ListSitesRequest;
import io.packtrail.v1.ListSitesResponse;
import io.packtrail.v1.RegistryServiceGrpc;
import java.time.Clock;

/** Organisations and sites: checks and maps the requests, the {@link Registry} does the rest. */
final class RegistryGrpcService extends RegistryServiceGrpc.RegistryServiceImplBase {
  private final Registry registry;
  private final Clock clock;

  RegistryGrpcService(Registry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void createOrganization(CreateOrganizationRequest request,
      StreamObserver<CreateOrganizationResponse> response) {
    Organization wanted = Requests.organization(request.getOrganizationId(),
        request.getOrganization(), clock.instant());
    Organization stored = registry.createOrganization(wanted);
    response.onNext(CreateOrganizationResponse.newBuilder()
        .setOrganization(ProtoMapper.toProto(stored)).build());
    response.onCompleted();
  }

  @Override
  public void getOrganization(GetOrganizationRequest request,
      StreamObserver<GetOrganizationResponse> response) {
    String name = request.getName();
    if (!ResourceNames.isOrganization(name)) {
      throw new InvalidArgumentException("name", "must be organizations/{id}");
    }
    Organization o = registry.organization(ResourceNames.organizationId(name));
    response.onNext(GetOrganizationResponse.newBuilder()
        .setOrganization(ProtoMapper.toProto(o)).build());
    response.onCompleted();
  }

  @Override
  public void listOrganizations(ListOrganizationsRequest request,
      StreamObserver<ListOrganizationsResponse> response) {
    int size = Paging.pageSize(request.getPageSize());
    OrganizationRole role = ProtoMapper.role(request.getRole());
    Violations v = new Violations();
    Requests.checkKnown(v, "role", request.getRole(), request.getRoleValue());
    v.throwIfAny();
    String region = ProtoMapper.emptyToNull(request.getRegionCode());
    if (region != null && !region.matches("[0-9]{1,6}")) {
      throw new InvalidArgumentException("region_code", "must be 1 to 6 digits (a prefix)");
    }
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(),
        "organizations|" + role + "|" + region);
    Paging.Page<Organization> page = cursor.page(
        registry.listOrganizations(role, region, cursor.after(), cursor.fetchLimit()),
        Organization::id);
    ListOrganizationsResponse.Builder b = ListOrganizationsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(o -> b.addOrganizations(ProtoMapper.toProto(o)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void createSite(CreateSiteRequest request, StreamObserver<CreateSiteResponse> response) {
    String parent = request.getParent();
    if (!ResourceNames.isOrganization(parent)) {
      throw new InvalidArgumentException("parent", "must be organizations/{id}");
    }
    String organizationId = ResourceNames.organizationId(parent);
    Site wanted = Requests.site(organizationId, request.getSiteId(), request.getSite(),
        clock.instant());
    Site stored = registry.createSite(wanted);
    response.onNext(CreateSiteResponse.newBuilder().setSite(ProtoMapper.toProto(stored)).build());
    response.onCompleted();
  }

  @Override
  public void getSite(GetSiteRequest request, StreamObserver<GetSiteResponse> response) {
    String name = request.getName();
    if (!ResourceNames.isSite(name)) {
      throw new InvalidArgumentException("name", "must be organizations/{id}/sites/{id}");
    }
    Site s = registry.site(name);
    response.onNext(GetSiteResponse.newBuilder().setSite(ProtoMapper.toProto(s)).build());
    response.onCompleted();
  }

  @Override
  public void listSites(ListSitesRequest request, StreamObserver<ListSitesResponse> response) {
    String parent = request.getParent();
    String organizationId;
    if (parent.equals("organizations/-")) {
      organizationId = null;
    } else if (ResourceNames.isOrganization(parent)) {
      organizationId = ResourceNames.organizationId(parent);
    } else {
      throw new InvalidArgumentException("parent", "must be organizations/{id} or organizations/-");
    }
    int size = Paging.pageSize(request.getPageSize());
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), "sites|" + parent);
    Paging.Page<Site> page = cursor.page(
        registry.listSites(organizationId, cursor.after(), cursor.fetchLimit()), Site::name);
    ListSitesResponse.Builder b = ListSitesResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(s -> b.addSites(ProtoMapper.toProto(s)));
    response.onNext(b.build());
    response.onCompleted();
  }
}
