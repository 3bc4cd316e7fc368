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

  ReportGrpcService(Services app, AuditLog log, Clock clock) {
    this.app = app;
    this.log = log;
    this.source = new ServerAuditSource(app, log);
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
