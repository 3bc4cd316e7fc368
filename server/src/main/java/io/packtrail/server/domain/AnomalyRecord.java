package io.packtrail.server.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An anomaly as kept: what was found (kind, description, the unit if it is about one, the
 * evidence events), whom it involves (the organisations and the region codes of the sites of
 * its events), when it happened and was found, whether a later step resolved it, and the
 * acknowledgements people added. Never deleted.
 */
public record AnomalyRecord(String id, String kind, String description, String unitCode,
    List<String> events, List<String> organizations, List<String> regionCodes,
    Instant occurTime, Instant createTime, Instant resolveTime, String resolvingEvent,
    List<Acknowledgement> acknowledgements) {

  /** Open: nobody acknowledged it and nothing resolved it; resolved wins over acknowledged. */
  public enum State { OPEN, ACKNOWLEDGED, RESOLVED }

  /** Most characters of an acknowledgement's note. */
  public static final int MAX_NOTE = 2000;

  public AnomalyRecord {
    events = List.copyOf(events);
    organizations = List.copyOf(organizations);
    regionCodes = List.copyOf(regionCodes);
    acknowledgements = List.copyOf(acknowledgements);
  }

  public String name() {
    return ResourceNames.ANOMALY_PREFIX + id;
  }

  public State state() {
    return resolveTime != null ? State.RESOLVED
        : acknowledgements.isEmpty() ? State.OPEN : State.ACKNOWLEDGED;
  }

  public AnomalyRecord withAcknowledgements(List<Acknowledgement> acks) {
    return new AnomalyRecord(id, kind, description, unitCode, events, organizations,
        regionCodes, occurTime, createTime, resolveTime, resolvingEvent, acks);
  }

  /** Who acknowledged an anomaly, when, and the note; {@code requestId} the client's. */
  public record Acknowledgement(UUID requestId, String anomalyId, String principalKind,
      String principal, String organization, String note, Instant createTime) {}

  /** What the scan found, before it is kept. */
  public record Finding(String kind, String description, String unitCode, List<String> events,
      Long evidenceSequence, List<String> organizations, List<String> regionCodes,
      Instant occurTime) {
    public Finding {
      events = List.copyOf(events);
      organizations = organizations.stream().filter(java.util.Objects::nonNull).distinct()
          .sorted().toList();
      regionCodes = regionCodes.stream().filter(java.util.Objects::nonNull).distinct().sorted()
          .toList();
    }

    public String id() {
      return Anomaly.id(kind, events);
    }
  }
}
