package io.packtrail.server.api;

import io.grpc.stub.StreamObserver;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.SiteDao;
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
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Organisations and sites. Creation is idempotent on the client-chosen id. */
final class RegistryGrpcService extends RegistryServiceGrpc.RegistryServiceImplBase {
  private final Jdbi jdbi;
  private final Clock clock;

  RegistryGrpcService(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  @Override
  public void createOrganization(CreateOrganizationRequest request,
      StreamObserver<CreateOrganizationResponse> response) {
    Organization wanted = ProtoMapper.organization(request.getOrganizationId(),
        request.getOrganization(), clock.instant());
    Organization stored = jdbi.inTransaction(h -> {
      OrganizationDao dao = h.attach(OrganizationDao.class);
      dao.insertIfAbsent(wanted);
      return dao.find(wanted.id()).orElseThrow();
    });
    if (!stored.sameContent(wanted)) {
      throw new AlreadyExistsException(stored.name(), stored.name()
          + " already exists with different content; choose another organization_id");
    }
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
    Organization o = jdbi.withExtension(OrganizationDao.class,
            dao -> dao.find(ResourceNames.organizationId(name)))
        .orElseThrow(() -> new NotFoundException(name, "organization"));
    response.onNext(GetOrganizationResponse.newBuilder()
        .setOrganization(ProtoMapper.toProto(o)).build());
    response.onCompleted();
  }

  @Override
  public void listOrganizations(ListOrganizationsRequest request,
      StreamObserver<ListOrganizationsResponse> response) {
    int size = PageTokens.pageSize(request.getPageSize());
    OrganizationRole role = ProtoMapper.role(request.getRole());
    Violations v = new Violations();
    ProtoMapper.checkKnown(v, "role", request.getRole(), request.getRoleValue());
    v.throwIfAny();
    String region = ProtoMapper.emptyToNull(request.getRegionCode());
    if (region != null && !region.matches("[0-9]{1,6}")) {
      throw new InvalidArgumentException("region_code", "must be 1 to 6 digits (a prefix)");
    }
    String scope = "organizations|" + role + "|" + region;
    String after = PageTokens.decode(request.getPageToken(), scope);
    List<Organization> page = jdbi.withExtension(OrganizationDao.class,
        dao -> dao.list(after, role, region, size + 1));
    ListOrganizationsResponse.Builder b = ListOrganizationsResponse.newBuilder();
    page.stream().limit(size).forEach(o -> b.addOrganizations(ProtoMapper.toProto(o)));
    if (page.size() > size) {
      b.setNextPageToken(PageTokens.encode(scope, page.get(size - 1).id()));
    }
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
    Site wanted = ProtoMapper.site(organizationId, request.getSiteId(), request.getSite(),
        clock.instant());
    Site stored = jdbi.inTransaction(h -> {
      if (h.attach(OrganizationDao.class).find(organizationId).isEmpty()) {
        throw new NotFoundException(parent, "organization (parent)");
      }
      SiteDao dao = h.attach(SiteDao.class);
      dao.insertIfAbsent(wanted);
      return dao.find(wanted.name()).orElseThrow();
    });
    if (!stored.sameContent(wanted)) {
      throw new AlreadyExistsException(stored.name(), stored.name()
          + " already exists with different content; choose another site_id");
    }
    response.onNext(CreateSiteResponse.newBuilder().setSite(ProtoMapper.toProto(stored)).build());
    response.onCompleted();
  }

  @Override
  public void getSite(GetSiteRequest request, StreamObserver<GetSiteResponse> response) {
    String name = request.getName();
    if (!ResourceNames.isSite(name)) {
      throw new InvalidArgumentException("name", "must be organizations/{id}/sites/{id}");
    }
    Site s = jdbi.withExtension(SiteDao.class, dao -> dao.find(name))
        .orElseThrow(() -> new NotFoundException(name, "site"));
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
    int size = PageTokens.pageSize(request.getPageSize());
    String scope = "sites|" + parent;
    String after = PageTokens.decode(request.getPageToken(), scope);
    List<Site> page = jdbi.withExtension(SiteDao.class,
        dao -> dao.list(organizationId, after, size + 1));
    ListSitesResponse.Builder b = ListSitesResponse.newBuilder();
    page.stream().limit(size).forEach(s -> b.addSites(ProtoMapper.toProto(s)));
    if (page.size() > size) {
      b.setNextPageToken(PageTokens.encode(scope, page.get(size - 1).name()));
    }
    response.onNext(b.build());
    response.onCompleted();
  }
}
