package io.packtrail.client.audit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.Anomaly;
import io.packtrail.v1.Checkpoint;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.LineageDirection;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.LogEntryKind;
import io.packtrail.v1.Organization;
import io.packtrail.v1.Site;
import io.packtrail.v1.Unit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an auditor reads from a deployment to check and present a unit's history: the unit, its
 * events, its lineage, the registry's names, and the verifiable log. Bundles
 * ({@link BundleBuilder}), reports and exports are built from it, so the scanner (over gRPC,
 * {@link #of(PacktrailClient)}) and the server (over its own services) build them with the same
 * code. Messages are the API's; an unknown unit throws what the source throws for one (a
 * NOT_FOUND status, or the server's own not-found exception).
 */
public interface AuditSource {
  /** The unit, {@code code} without {@code units/}. */
  Unit unit(String code);

  /** Every event of the unit, in sequence order. */
  List<Event> events(String code);

  /** Ancestors and descendants of a unit or lot to any depth, as many as one answer holds. */
  GetLineageResponse lineage(String name);

  /** The organisation {@code organizations/{o}}, empty when the registry does not know it. */
  Optional<Organization> organization(String name);

  /** The site {@code organizations/{o}/sites/{s}}, empty when the registry does not know it. */
  Optional<Site> site(String name);

  /** A checkpoint signed now, covering every entry committed so far. */
  Checkpoint createCheckpoint();

  /**
   * The latest checkpoint carrying at least {@code minCosignatures} (at least 1) witness
   * cosignatures, served with them; empty when the log has none yet.
   */
  Optional<Checkpoint> latestCosignedCheckpoint(int minCosignatures);

  /**
   * The checkpoint of tree size {@code treeSize} with its cosignatures; empty when none. The
   * default knows none (a source written before this method): a trace then anchors only in the
   * latest cosigned checkpoint.
   */
  default Optional<Checkpoint> checkpoint(long treeSize) {
    return Optional.empty();
  }

  /** The audit path of the entry at {@code logIndex} in the tree of {@code treeSize}. */
  List<byte[]> inclusionProof(long logIndex, long treeSize);

  /** The registry entries below {@code treeSize} whose subject is one of {@code subjects}, in log order. */
  List<LogEntry> registryEntries(Set<String> subjects, long treeSize);

  /** A label's text as issued (its signed payload and signature), by serial. */
  String labelText(long serial);

  /** The most subjects one ListLogEntries filter holds. */
  int TERMS_PER_CALL = 100;

  /** The log's note verifier key. */
  String logVerifierKey();

  /**
   * What the deployment's anomaly service found about the unit, or empty when it has no such
   * service (then reports say so in their place for it, beside the anomalies flagged on the
   * unit itself, {@code Unit.anomalies}).
   */
  Optional<List<Anomaly>> anomalyFindings(String code);

  /** The source of a server reached through the API. */
  static AuditSource of(PacktrailClient client) {
    return new AuditSource() {
      @Override
      public Unit unit(String code) {
        return client.getUnit(code);
      }

      @Override
      public List<Event> events(String code) {
        return client.listEvents(code);
      }

      @Override
      public GetLineageResponse lineage(String name) {
        return client.getLineage(name, LineageDirection.LINEAGE_DIRECTION_BOTH);
      }

      @Override
      public Optional<Organization> organization(String name) {
        return notFoundAsEmpty(() -> client.getOrganization(name));
      }

      @Override
      public Optional<Site> site(String name) {
        return notFoundAsEmpty(() -> client.getSite(name));
      }

      @Override
      public Checkpoint createCheckpoint() {
        return client.createCheckpoint();
      }

      @Override
      public Optional<Checkpoint> latestCosignedCheckpoint(int minCosignatures) {
        return notFoundAsEmpty(() -> client.latestCosignedCheckpoint(minCosignatures));
      }

      @Override
      public Optional<Checkpoint> checkpoint(long treeSize) {
        return notFoundAsEmpty(() -> client.getCheckpoint(treeSize));
      }

      @Override
      public List<byte[]> inclusionProof(long logIndex, long treeSize) {
        return client.getInclusionProof(logIndex, treeSize).getHashesList().stream()
            .map(com.google.protobuf.ByteString::toByteArray).toList();
      }

      /**
       * The registry entries about the subjects, through ListLogEntries' subject filter (the
       * server reads them by index, never the whole log), at most {@link #TERMS_PER_CALL}
       * subjects a call.
       */
      @Override
      public List<LogEntry> registryEntries(Set<String> subjects, long treeSize) {
        List<LogEntry> found = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>(subjects);
        for (int from = 0; from < names.size(); from += TERMS_PER_CALL) {
          List<String> terms = new java.util.ArrayList<>();
          for (String name : names.subList(from, Math.min(names.size(), from + TERMS_PER_CALL))) {
            terms.add("subject = \"" + name.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"");
          }
          for (LogEntry e : client.listAllLogEntries(0, String.join(" OR ", terms))) {
            if (e.getKind() == LogEntryKind.LOG_ENTRY_KIND_REGISTRY
                && e.getLogIndex() < treeSize) {
              found.add(e);
            }
          }
        }
        return found;
      }

      @Override
      public String labelText(long serial) {
        return client.getLabel(serial).getText();
      }

      @Override
      public String logVerifierKey() {
        return client.getLogKey().getVerifierKey();
      }

      @Override
      public Optional<List<Anomaly>> anomalyFindings(String code) {
        try {
          return Optional.of(client.listAllAnomalies(io.packtrail.v1.ListAnomaliesRequest
              .newBuilder().setUnit("units/" + code).setPageSize(1000).build()));
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED
              || e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
            return Optional.empty(); // an older server, or a caller without access to them
          }
          throw e;
        }
      }
    };
  }

  private static <T> Optional<T> notFoundAsEmpty(java.util.function.Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
