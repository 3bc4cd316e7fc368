package io.packtrail.server.api;

import static io.packtrail.server.api.ProtoMapper.timestamp;

import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Compliance;
import io.packtrail.server.domain.DeadlineItems;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.RegionCodes;
import io.packtrail.server.domain.ReportingDeadlines;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.ComplianceServiceGrpc;
import io.packtrail.v1.ListLateReportsRequest;
import io.packtrail.v1.ListLateReportsResponse;
import io.packtrail.v1.ListOverdueReportsRequest;
import io.packtrail.v1.ListOverdueReportsResponse;
import io.packtrail.v1.ReportDeadline;
import io.packtrail.v1.ReportingParty;
import java.time.Instant;

/** Late and overdue reports: check the filters, list through app/Compliance, map. */
final class ComplianceGrpcService extends ComplianceServiceGrpc.ComplianceServiceImplBase {
  private final Compliance compliance;

  ComplianceGrpcService(Compliance compliance) {
    this.compliance = compliance;
  }

  @Override
  public void listLateReports(ListLateReportsRequest request,
      StreamObserver<ListLateReportsResponse> response) {
    int size = Paging.pageSize(request.getPageSize());
    Violations v = new Violations();
    Compliance.Filter f = filter(v, request.getRegionCode(), request.getOrganization(),
        request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    v.throwIfAny();
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), "lateReports|"
        + f.regionCode() + "|" + f.organization() + "|" + f.start() + "|" + f.end());
    Paging.Page<DeadlineItems.LateReport> page = cursor.page(compliance.late(
        Caller.current().principal(), f, after(cursor), cursor.fetchLimit()),
        l -> Long.toString(l.step().logIndex()));
    ListLateReportsResponse.Builder b = ListLateReportsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(l -> b.addLateReports(toProto(l)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void listOverdueReports(ListOverdueReportsRequest request,
      StreamObserver<ListOverdueReportsResponse> response) {
    int size = Paging.pageSize(request.getPageSize());
    Violations v = new Violations();
    Compliance.Filter f = filter(v, request.getRegionCode(), request.getOrganization(),
        request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    v.throwIfAny();
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), "overdueReports|"
        + f.regionCode() + "|" + f.organization() + "|" + f.start() + "|" + f.end() + "|"
        + request.getOpenOnly());
    Paging.Page<DeadlineItems.OverdueReport> page = cursor.page(compliance.overdue(
        Caller.current().principal(), f, request.getOpenOnly(), after(cursor),
        cursor.fetchLimit()), o -> Long.toString(o.trigger().step().logIndex()));
    ListOverdueReportsResponse.Builder b = ListOverdueReportsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(o -> b.addOverdueReports(toProto(o)));
    response.onNext(b.build());
    response.onCompleted();
  }

  private static Compliance.Filter filter(Violations v, String regionCode, String organization,
      boolean hasStart, com.google.protobuf.Timestamp start, boolean hasEnd,
      com.google.protobuf.Timestamp end) {
    String region = null;
    if (!regionCode.isEmpty()) {
      RegionCodes.check(v, "region_code", regionCode);
      region = regionCode;
    }
    String org = null;
    if (!organization.isEmpty()) {
      if (ResourceNames.isOrganization(organization)) {
        org = organization;
      } else {
        v.add("organization", "must be a name of the form organizations/{id}, got '"
            + ResourceNames.abbreviate(organization) + "'");
      }
    }
    Instant s = LineageGrpcService.time(v, "start_time", hasStart, start, true);
    Instant e = LineageGrpcService.time(v, "end_time", hasEnd, end, true);
    LineageGrpcService.checkOrder(v, s, e);
    return new Compliance.Filter(region, org, s, e);
  }

  private static long after(Paging.Cursor cursor) {
    if (cursor.after() == null) {
      return -1;
    }
    try {
      return Long.parseLong(cursor.after());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("page_token", "is not a page token of this listing");
    }
  }

  static ReportDeadline toProto(ReportingDeadlines.Deadline d) {
    return ReportDeadline.newBuilder()
        .setParty(ReportingParty.valueOf("REPORTING_PARTY_" + d.rule().party().name()))
        .setWorkingDays(d.rule().workingDays()).setBasis(d.rule().basis())
        .setDueDate(d.dueDate().toString()).setDueTime(timestamp(d.dueTime()))
        .setProvisional(d.provisional()).build();
  }

  static io.packtrail.v1.LateReport toProto(DeadlineItems.LateReport l) {
    DeadlineItems.StepRecord s = l.step();
    return io.packtrail.v1.LateReport.newBuilder().setEvent(s.eventName())
        .setStep(s.type().key()).setOrganization(s.organization()).setSite(s.site())
        .setRegionCode(s.regionCode()).setEventTime(timestamp(s.eventTime()))
        .setRecordTime(timestamp(s.recordTime())).setDeadline(toProto(l.deadline()))
        .setLogIndex(s.logIndex()).build();
  }

  static io.packtrail.v1.OverdueReport toProto(DeadlineItems.OverdueReport o) {
    DeadlineItems.ExpectingStep t = o.trigger();
    io.packtrail.v1.OverdueReport.Builder b = io.packtrail.v1.OverdueReport.newBuilder()
        .setTriggerEvent(t.step().eventName()).setTriggerStep(t.step().type().key())
        .setTriggerTime(timestamp(t.step().eventTime())).setExpected(o.expectation().key())
        .setOrganization(t.partyOrganization()).setSite(t.partySite())
        .setRegionCode(t.partyRegionCode()).setDeadline(toProto(o.deadline()))
        .setLogIndex(t.step().logIndex());
    if (!o.open()) {
      b.setFulfillingEvent(ResourceNames.event(t.step().unitCode(), t.nextSequence()))
          .setFulfillingRecordTime(timestamp(t.nextRecordTime()));
    }
    return b.build();
  }
}
