package io.packtrail.server.api;

import io.packtrail.client.audit.AuditSource;
import io.packtrail.server.app.Services;
import io.packtrail.server.label.LabelIssuer;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.log.AuditLog;
import io.packtrail.v1.Anomaly;
import io.packtrail.v1.Checkpoint;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.Organization;
import io.packtrail.v1.Site;
import io.packtrail.v1.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The SDK's {@link AuditSource} over this server's own application services and log, mapped to
 * the API's messages exactly as the gRPC services map them: the report and export calls build
 * their pages and files with the SDK's code, from what the API would answer.
 */
final class ServerAuditSource implements AuditSource {
  private static final int PAGE = 1000;

  private final Services app;
  private final AuditLog log;
  private final LabelIssuer labels;

  ServerAuditSource(Services app, AuditLog log, LabelIssuer labels) {
    this.app = app;
    this.log = log;
    this.labels = labels;
  }

  /** The report's caller: it sees what its own calls would show it (access tiers). */
  private static io.packtrail.server.domain.Principal reader() {
    return io.packtrail.server.security.Caller.current().principal();
  }

  @Override
  public String labelText(long serial) {
    return ProtoMapper.toProto(labels.get(serial)).getText();
  }

  @Override
  public Unit unit(String code) {
    return UnitGrpcService.toProto(app.units().unit(code));
  }

  @Override
  public List<io.packtrail.v1.Event> events(String code) {
    List<io.packtrail.v1.Event> out = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page = app.history().events(reader(), code, after, PAGE);
      page.forEach(e -> out.add(ProtoMapper.toProto(e)));
      if (page.size() < PAGE) {
        return out;
      }
      after = page.get(page.size() - 1).sequence();
    }
  }

  @Override
  public GetLineageResponse lineage(String name) {
    LineageGraph.Ref root = name.startsWith("materialLots/")
        ? LineageGraph.Ref.lot(name.substring("materialLots/".length()))
        : LineageGraph.Ref.unit(ResourceNames.unitCode(name));
    return LineageGrpcService.toProto(app.lineage().graph(reader(), root, LineageGraph.Direction.BOTH, 0,
        LineageGraph.MAX_NODES));
  }

  @Override
  public Optional<Organization> organization(String name) {
    return found(() -> ProtoMapper.toProto(app.registry().organization(
        ResourceNames.organizationId(name))));
  }

  @Override
  public Optional<Site> site(String name) {
    return found(() -> ProtoMapper.toProto(app.registry().site(name)));
  }

  @Override
  public Checkpoint createCheckpoint() {
    return AuditGrpcService.toProto(log.createCheckpoint(), log.key().origin());
  }

  @Override
  public Optional<Checkpoint> latestCosignedCheckpoint(int minCosignatures) {
    return found(() -> AuditGrpcService.toProto(log.latestCosigned(minCosignatures),
        log.key().origin()));
  }

  @Override
  public Optional<Checkpoint> checkpoint(long treeSize) {
    return found(() -> AuditGrpcService.toProto(log.checkpoint(treeSize), log.key().origin()));
  }

  @Override
  public List<byte[]> inclusionProof(long logIndex, long treeSize) {
    return log.inclusion(logIndex, treeSize, "log_index").hashes();
  }

  @Override
  public List<LogEntry> registryEntries(Set<String> subjects, long treeSize) {
    return log.registryEntries(subjects, treeSize).stream().map(AuditGrpcService::toProto)
        .toList();
  }

  @Override
  public String logVerifierKey() {
    return log.key().verifierKey();
  }

  @Override
  public Optional<List<Anomaly>> anomalyFindings(String code) {
    // what ListAnomalies would answer the caller for the unit, and nothing to a caller whose kind
    // may not call it (a scanner device): the report must not be a way around that rule
    boolean admitted = io.packtrail.server.domain.Authorization
        .rule("packtrail.v1.AnomalyService/ListAnomalies")
        .map(r -> r.admits(reader().kind())).orElse(false);
    if (!admitted) {
      return Optional.empty();
    }
    io.packtrail.server.app.Anomalies.Filter filter = new io.packtrail.server.app.Anomalies
        .Filter("", "", code, "", null, io.packtrail.server.app.Anomalies.BEGINNING,
        io.packtrail.server.app.Anomalies.END);
    List<Anomaly> out = new ArrayList<>();
    String after = null;
    while (true) {
      var page = app.anomalies().list(reader(), filter, after, PAGE);
      page.forEach(a -> out.add(AnomalyGrpcService.toProto(a)));
      if (page.size() < PAGE) {
        return Optional.of(out);
      }
      after = page.get(page.size() - 1).id();
    }
  }

  private static <T> Optional<T> found(Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (NotFoundException | InvalidArgumentException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
