package io.packtrail.server.api;

import static io.packtrail.server.api.ProtoMapper.emptyToNull;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.export.Epcis;
import io.packtrail.client.export.HistoryCsv;
import io.packtrail.client.export.UnitHistory.Recorded;
import io.packtrail.client.export.UnitHistory;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.report.ReportPage;
import io.packtrail.client.report.UnitReport;
import io.packtrail.server.app.Services;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.EventQuery;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.label.LabelIssuer;
import io.packtrail.server.log.AuditLog;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.ExportEventsRequest;
import io.packtrail.v1.ExportEventsResponse;
import io.packtrail.v1.ExportFormat;
import io.packtrail.v1.ExportUnitHistoryRequest;
import io.packtrail.v1.ExportUnitHistoryResponse;
import io.packtrail.v1.GetUnitReportRequest;
import io.packtrail.v1.GetUnitReportResponse;
import io.packtrail.v1.ReportServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

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
        .setOpenAnomalies(AnomalyGrpcService.toProto(app.anomalies().open(
            io.packtrail.server.domain.RegionCodes.prefix(regionCode), end,
            OVERVIEW_ANOMALIES)))
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

  /** How many open anomalies the overview lists (it counts them all). */
  static final int OVERVIEW_ANOMALIES = 50;

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
    // the units it became (or came from) that the caller is no party of are left out
    io.packtrail.server.domain.Principal reader = Caller.current().principal();
    UnitHistory history = UnitHistory.collect(source, code,
        codes -> app.parties().seesUnits(reader, codes));
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

  /** Events of a step fetched at once to finish a page that would split it. */
  private static final int STEP_TAIL = 100;

  @Override
  public void exportEvents(ExportEventsRequest request,
      StreamObserver<ExportEventsResponse> response) {
    Violations v = new Violations();
    EventQuery query = null;
    try {
      query = EventQuery.parse(request.getFilter());
    } catch (InvalidArgumentException e) {
      v.addAll(e.violations());
    }
    Requests.checkKnown(v, "format", request.getFormat(), request.getFormatValue());
    if (request.getFormat() == ExportFormat.EXPORT_FORMAT_UNSPECIFIED) {
      v.add("format", "is required: EPCIS or CSV");
    }
    v.throwIfAny();
    boolean epcis = request.getFormat() == ExportFormat.EXPORT_FORMAT_EPCIS;
    int size = Paging.pageSize(request.getPageSize());
    // the token is bound to the filter (by a digest) and the format; its key is where the page
    // ends: the last log index, the EPCIS events written so far and the last step's id
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), "exportEvents|"
        + request.getFormat().name() + "|" + AuditGrpcService.digest(request.getFilter()));
    ExportPosition from = ExportPosition.parse(cursor.after());
    Principal reader = Caller.current().principal();
    List<Event> fetched = app.history().query(reader, query, from.logIndex(),
        cursor.fetchLimit());
    boolean more = fetched.size() > size;
    List<Event> page = new ArrayList<>(fetched.subList(0, Math.min(size, fetched.size())));
    if (more && fetched.get(size).stepId().equals(page.get(size - 1).stepId())) {
      // finish the step: its events are consecutive in the log
      UUID step = page.get(size - 1).stepId();
      while (true) {
        List<Event> tail = app.history().query(reader, query,
            page.get(page.size() - 1).logIndex(), STEP_TAIL);
        int n = 0;
        while (n < tail.size() && tail.get(n).stepId().equals(step)) {
          page.add(tail.get(n++));
        }
        if (n < tail.size()) {
          break;
        }
        if (tail.size() < STEP_TAIL) {
          more = false;
          break;
        }
      }
    }
    List<Recorded> recorded = new ArrayList<>();
    for (Event e : page) {
      recorded.add(recorded(ProtoMapper.toProto(e)));
    }
    StringBuilder content = new StringBuilder();
    long written = from.written();
    Map<String, String> names = new HashMap<>();
    Function<String, String> displayName = name -> names.computeIfAbsent(name, n ->
        (n.contains("/sites/") ? source.site(n).map(io.packtrail.v1.Site::getDisplayName)
            : source.organization(n).map(io.packtrail.v1.Organization::getDisplayName))
            .orElse(""));
    if (epcis) {
      if (cursor.after() == null) {
        content.append(Epcis.start(clock.instant(), request.getFilter()));
      }
      Set<String> steps = new HashSet<>();
      if (!from.step().isEmpty()) {
        steps.add(from.step());
      }
      var events = Epcis.eventList(recorded, steps, name -> corrected(recorded, name));
      content.append(Epcis.events(events, written));
      written += events.size();
      if (!more) {
        content.append(Epcis.end());
      }
    } else {
      if (cursor.after() == null) {
        content.append(HistoryCsv.header());
      }
      content.append(HistoryCsv.writeRows(HistoryCsv.rows(recorded, displayName)));
    }
    String next = "";
    if (more) {
      Event last = page.get(page.size() - 1);
      next = cursor.tokenAfter(new ExportPosition(last.logIndex(), written,
          last.stepId().toString()).toString());
    }
    response.onNext(ExportEventsResponse.newBuilder()
        .setContentType(epcis ? Epcis.CONTENT_TYPE : HistoryCsv.CONTENT_TYPE)
        .setContent(ByteString.copyFrom(content.toString(), StandardCharsets.UTF_8))
        .setFileName(epcis ? "events.epcis.jsonld" : "events.csv")
        .setEventCount(page.size())
        .setNextPageToken(next)
        .build());
    response.onCompleted();
  }

  private static Recorded recorded(io.packtrail.v1.Event e) {
    return new Recorded(e, Canonical.decode(e.getCanonicalBytes().toByteArray()));
  }

  /**
   * The event a correction of the page corrects: on the page, or read (it is an event of the
   * correction's own unit, which the caller was shown).
   */
  private Recorded corrected(List<Recorded> page, String name) {
    for (var r : page) {
      if (r.event().getName().equals(name)) {
        return r;
      }
    }
    ResourceNames.EventName event = ResourceNames.parseEvent(name);
    if (event == null) {
      return null;
    }
    String unit = ResourceNames.unit(event.unitCode());
    boolean sameUnit = page.stream().anyMatch(r -> r.type().equals("correction")
        && name.equals(r.get("correction.corrects")) && r.event().getUnit().equals(unit));
    if (!sameUnit) {
      return null;
    }
    return app.history().event(event.unitCode(), event.sequence())
        .map(e -> recorded(ProtoMapper.toProto(e))).orElse(null);
  }

  /** Where an export's page ended: the last log index, EPCIS events written, the last step. */
  private record ExportPosition(long logIndex, long written, String step) {
    static ExportPosition parse(String key) {
      if (key == null) {
        return new ExportPosition(-1, 0, "");
      }
      String[] p = key.split("/", 3);
      try {
        if (p.length != 3) {
          throw new NumberFormatException();
        }
        ExportPosition at = new ExportPosition(Long.parseLong(p[0]), Long.parseLong(p[1]), p[2]);
        if (at.logIndex() < 0 || at.written() < 0) {
          throw new NumberFormatException();
        }
        return at;
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("page_token",
            "is not a page token of this listing");
      }
    }

    @Override
    public String toString() {
      return logIndex + "/" + written + "/" + step;
    }
  }
}
