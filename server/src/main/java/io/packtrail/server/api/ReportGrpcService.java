package io.packtrail.server.api;

import static io.packtrail.server.api.ProtoMapper.emptyToNull;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.packtrail.client.export.Epcis;
import io.packtrail.client.export.HistoryCsv;
import io.packtrail.client.export.UnitHistory;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.report.ReportPage;
import io.packtrail.client.report.UnitReport;
import io.packtrail.server.app.Services;
import io.packtrail.server.label.LabelIssuer;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.log.AuditLog;
import io.packtrail.v1.ExportFormat;
import io.packtrail.v1.ExportUnitHistoryRequest;
import io.packtrail.v1.ExportUnitHistoryResponse;
import io.packtrail.v1.GetUnitReportRequest;
import io.packtrail.v1.GetUnitReportResponse;
import io.packtrail.v1.ReportServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Unit reports and exports: check the request, build the page or file with the SDK's code over
 * this server's own services ({@link ServerAuditSource}), answer it.
 */
final class ReportGrpcService extends ReportServiceGrpc.ReportServiceImplBase {
  private final Services app;
  private final AuditLog log;
  private final ServerAuditSource source;
  private final Clock clock;

  ReportGrpcService(Services app, AuditLog log, LabelIssuer labels, Clock clock) {
    this.app = app;
    this.log = log;
    this.source = new ServerAuditSource(app, log, labels);
    this.clock = clock;
  }

  @Override
  public void getUnitReport(GetUnitReportRequest request,
      StreamObserver<GetUnitReportResponse> response) {
    Violations v = new Violations();
    String code = ResourceNames.unitCode(v, "unit", emptyToNull(request.getUnit()));
    v.throwIfAny();
    VerifierKey own;
    try {
      own = VerifierKey.parse(log.key().verifierKey());
    } catch (LogVerificationException e) {
      throw new IllegalStateException("the log's own verifier key does not parse", e);
    }
    // checked under the log's own key: the page shows it, for the reader to compare with the
    // key the log publishes
    UnitReport report = UnitReport.collect(source, code, own, clock,
        "the Packtrail server of log " + log.key().origin());
    response.onNext(GetUnitReportResponse.newBuilder()
        .setContentType("text/html; charset=utf-8")
        .setContent(ByteString.copyFrom(ReportPage.render(report), StandardCharsets.UTF_8))
        .setVerified(report.integrity().verified())
        .setTreeSize(report.integrity().checkpoint() == null ? 0
            : report.integrity().checkpoint().size())
        .build());
    response.onCompleted();
  }

  @Override
  public void getRegionalOverview(io.packtrail.v1.GetRegionalOverviewRequest request,
      StreamObserver<io.packtrail.v1.GetRegionalOverviewResponse> response) {
    io.packtrail.v1.RegionalOverview overview = overview(request.getRegionCode(),
        request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    response.onNext(io.packtrail.v1.GetRegionalOverviewResponse.newBuilder()
        .setOverview(overview).build());
    response.onCompleted();
  }

  @Override
  public void getRegionalOverviewPage(io.packtrail.v1.GetRegionalOverviewPageRequest request,
      StreamObserver<io.packtrail.v1.GetRegionalOverviewPageResponse> response) {
    io.packtrail.v1.RegionalOverview overview = overview(request.getRegionCode(),
        request.hasStartTime(), request.getStartTime(), request.hasEndTime(),
        request.getEndTime());
    response.onNext(io.packtrail.v1.GetRegionalOverviewPageResponse.newBuilder()
        .setContentType("text/html; charset=utf-8")
        .setContent(ByteString.copyFrom(io.packtrail.client.report.OverviewPage.render(overview,
            clock.instant(), "the Packtrail server of log " + log.key().origin()),
            StandardCharsets.UTF_8))
        .build());
    response.onCompleted();
  }

  private io.packtrail.v1.RegionalOverview overview(String regionCode, boolean hasStart,
      com.google.protobuf.Timestamp startTime, boolean hasEnd,
      com.google.protobuf.Timestamp endTime) {
    Violations v = new Violations();
    io.packtrail.server.domain.RegionCodes.check(v, "region_code", regionCode);
    java.time.Instant start = LineageGrpcService.time(v, "start_time", hasStart, startTime, true);
    java.time.Instant end = LineageGrpcService.time(v, "end_time", hasEnd, endTime, true);
    LineageGrpcService.checkOrder(v, start, end);
    v.throwIfAny();
    return toProto(app.overview().of(regionCode, start, end)).toBuilder()
        .setDeadlines(toProto(app.compliance().region(regionCode, start, end))).build();
  }

  /** The region's late and overdue reports, the overview's own section. */
  static io.packtrail.v1.RegionDeadlines toProto(
      io.packtrail.server.domain.DeadlineItems.RegionSummary d) {
    io.packtrail.v1.RegionDeadlines.Builder b = io.packtrail.v1.RegionDeadlines.newBuilder()
        .setLate(d.late()).setOverdueOpen(d.overdueOpen())
        .setOverdueRecordedLate(d.overdueFulfilledLate()).setCalendar(d.calendar());
    if (d.reportingStart() != null) {
      b.setReportingStart(ProtoMapper.timestamp(d.reportingStart()));
    }
    for (var o : d.organizations()) {
      b.addOrganizations(io.packtrail.v1.OrganizationDeadlines.newBuilder()
          .setOrganization(o.organization()).setLate(o.late()).setOverdueOpen(o.overdueOpen())
          .setOverdueRecordedLate(o.overdueFulfilledLate()));
    }
    d.latest().forEach(l -> b.addLateReports(ComplianceGrpcService.toProto(l)));
    d.overdue().forEach(o -> b.addOverdueReports(ComplianceGrpcService.toProto(o)));
    return b.build();
  }

  static io.packtrail.v1.RegionalOverview toProto(
      io.packtrail.server.domain.RegionalOverview o) {
    var s = o.steps();
    io.packtrail.v1.RegionalOverview.Builder b = io.packtrail.v1.RegionalOverview.newBuilder()
        .setRegionCode(o.regionCode()).setRegionName(o.regionName())
        .setStartTime(ProtoMapper.timestamp(o.start())).setEndTime(ProtoMapper.timestamp(o.end()))
        .setSteps(io.packtrail.v1.RegionStepCounts.newBuilder().setSold(s.sold())
            .setRemoved(s.removed()).setCollected(s.collected()).setShipped(s.shipped())
            .setReceived(s.received()).setGraded(s.graded()).setDismantled(s.dismantled())
            .setRepurposed(s.repurposed()).setDeployed(s.deployed()).setRecycled(s.recycled()));
    for (var c : o.cities()) {
      b.addCities(io.packtrail.v1.CityTonnage.newBuilder().setRegionCode(c.regionCode())
          .setName(c.name()).setCollectedTonnes(c.collectedKg() / 1000)
          .setReceivedTonnes(c.receivedKg() / 1000).setRecycledTonnes(c.recycledKg() / 1000));
    }
    for (var r : o.recoveries()) {
      b.addRecoveries(io.packtrail.v1.ElementRecovery.newBuilder().setElement(r.element())
          .setFeedKg(r.feedKg()).setRecoveredKg(r.recoveredKg())
          .setRecoveryPercent(r.recoveryPercent()).setTargetPercent(r.targetPercent())
          .setMeetsTarget(r.meetsTarget()));
    }
    for (var p : o.plants()) {
      b.addPlants(io.packtrail.v1.PlantThroughput.newBuilder().setSite(p.site().name())
          .setDisplayName(p.site().displayName()).setRegionCode(p.site().regionCode())
          .setInputTonnes(p.figures().inputMassKg() / 1000)
          .setThroughputTonnesPerYear(p.figures().throughputTonnesPerYear())
          .setAnnualCapacityTonnes(p.figures().annualCapacityTonnes())
          .setCapacityUsedPercent(p.figures().capacityUsedPercent()));
    }
    return b.build();
  }

  @Override
  public void exportUnitHistory(ExportUnitHistoryRequest request,
      StreamObserver<ExportUnitHistoryResponse> response) {
    Violations v = new Violations();
    String code = ResourceNames.unitCode(v, "unit", emptyToNull(request.getUnit()));
    Requests.checkKnown(v, "format", request.getFormat(), request.getFormatValue());
    if (request.getFormat() == ExportFormat.EXPORT_FORMAT_UNSPECIFIED) {
      v.add("format", "is required: EPCIS or CSV");
    }
    v.throwIfAny();
    app.units().unit(code); // NOT_FOUND before any work for an unknown unit
    UnitHistory history = UnitHistory.collect(source, code);
    boolean epcis = request.getFormat() == ExportFormat.EXPORT_FORMAT_EPCIS;
    String content = epcis ? Epcis.document(history, clock.instant())
        : HistoryCsv.write(HistoryCsv.rows(history));
    response.onNext(ExportUnitHistoryResponse.newBuilder()
        .setContentType(epcis ? Epcis.CONTENT_TYPE : HistoryCsv.CONTENT_TYPE)
        .setContent(ByteString.copyFrom(content, StandardCharsets.UTF_8))
        .setFileName(code + (epcis ? ".epcis.jsonld" : ".csv"))
        .build());
    response.onCompleted();
  }
}
