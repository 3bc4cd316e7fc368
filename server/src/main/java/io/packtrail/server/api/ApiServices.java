package io.packtrail.server.api;

import io.grpc.BindableService;
import io.packtrail.server.app.Services;
import io.packtrail.server.ingest.WatchHub;
import io.packtrail.server.label.Labels;
import io.packtrail.server.log.AuditLog;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The packtrail.v1 services over the application services. Answers to recorded steps are sent
 * from {@code responders}, never from the sequencer thread (which must get back to the
 * database) nor from the common pool (on a 2-core machine CompletableFuture would start a new
 * thread per task).
 */
public final class ApiServices {
  private ApiServices() {}

  public static List<BindableService> create(Services app, WatchHub hub,
      ExecutorService watchers, int maxWatchers, int watchersPerIdentity, Executor responders,
      Labels labels, AuditLog auditLog, Clock clock) {
    Requests requests = new Requests();
    return List.of(
        new RegistryGrpcService(app.registry(), clock),
        new LabelGrpcService(labels.keys(), labels.issuer(), labels.trustList()),
        new UnitGrpcService(app.units(), app.recorder(), requests, responders),
        new EventGrpcService(app.history(), app.recorder(), requests, hub, watchers, maxWatchers,
            watchersPerIdentity, responders),
        new LineageGrpcService(app.lineage()),
        new DeviceGrpcService(app.devices()),
        new AuditGrpcService(auditLog, app.parties()),
        new ReportGrpcService(app, auditLog, labels.issuer(), clock),
        new AnomalyGrpcService(app.anomalies()),
        new ComplianceGrpcService(app.compliance()));
  }
}
