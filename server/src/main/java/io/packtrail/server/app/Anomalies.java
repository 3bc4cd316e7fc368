package io.packtrail.server.app;

import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.AnomalyRecord;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.store.AnomalyDao;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Reading and acknowledging anomalies. The scope rule {@link Authorization.Scope#INVOLVED} is
 * checked here: an organisation's system or worker reads and acknowledges the anomalies that
 * involve its organisation; authorities all of them. An anomaly is denied alike whether it
 * exists or not.
 */
public final class Anomalies {
  /** The earliest and latest times a period may span when the request gives none. */
  public static final Instant BEGINNING = Instant.parse("0001-01-01T00:00:00Z");
  public static final Instant END = Instant.parse("9999-12-31T00:00:00Z");

  private final Jdbi jdbi;
  private final Clock clock;
  private final AnomalyScan scan;

  public Anomalies(Jdbi jdbi, Clock clock, AnomalyScan scan) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.scan = scan;
  }

  /** The scan (the background one's on-demand trigger). */
  public AnomalyScan scan() {
    return scan;
  }

  /** What a listing asks for; empty strings and a null state: any. */
  public record Filter(String kind, String organization, String unitCode, String regionPrefix,
      AnomalyRecord.State state, Instant start, Instant end) {}

  /**
   * Up to {@code limit} anomalies matching the filter after the one with id {@code afterId}
   * (null: from the first), in the order found. A scoped caller lists only its organisation's:
   * an organisation filter naming another one is denied.
   */
  public List<AnomalyRecord> list(Principal p, Filter f, String afterId, int limit) {
    String organization = f.organization();
    if (!Authorization.unscoped(p)) {
      String own = String.valueOf(p.organization());
      if (!organization.isEmpty() && !organization.equals(own)) {
        throw new Authorization.Denied(Authorization.Scope.INVOLVED, "the caller lists only the "
            + "anomalies of its own organisation " + own + ", not of "
            + ResourceNames.abbreviate(organization));
      }
      organization = own;
    }
    String org = organization;
    return jdbi.withHandle(h -> {
      AnomalyDao dao = h.attach(AnomalyDao.class);
      // a token resumes only after an anomaly this listing shows: one naming another
      // organisation's anomaly is refused as one naming none, so it cannot tell the two apart
      long afterSeq = afterId == null ? 0 : dao.seq(afterId, org).orElseThrow(() ->
          new InvalidArgumentException("page_token", "is not a page token of this listing"));
      List<AnomalyRecord> found = dao.list(afterSeq, f.kind(), org, f.unitCode(),
          f.regionPrefix(), f.state() == null ? "" : f.state().name(), f.start(), f.end(),
          limit);
      return withAcknowledgements(dao, found);
    });
  }

  /** One anomaly with its acknowledgements. */
  public AnomalyRecord get(Principal p, String id) {
    return jdbi.withHandle(h -> {
      AnomalyDao dao = h.attach(AnomalyDao.class);
      requireInvolved(p, dao, id);
      AnomalyRecord a = dao.find(id).orElseThrow(() -> new NotFoundException(
          ResourceNames.ANOMALY_PREFIX + id, "anomaly"));
      return withAcknowledgements(dao, List.of(a)).get(0);
    });
  }

  /**
   * Adds an acknowledgement with a note, once per request id: a retry with the same anomaly and
   * note answers the anomaly as it is; the request id reused for another anomaly or note is
   * ALREADY_EXISTS. Never changes or removes what was found.
   */
  public AnomalyRecord acknowledge(Principal p, String id, UUID requestId, String note) {
    jdbi.useTransaction(h -> {
      AnomalyDao dao = h.attach(AnomalyDao.class);
      requireInvolved(p, dao, id);
      if (dao.find(id).isEmpty()) {
        throw new NotFoundException(ResourceNames.ANOMALY_PREFIX + id, "anomaly");
      }
      Optional<AnomalyRecord.Acknowledgement> before = dao.acknowledgement(requestId);
      if (before.isEmpty()) {
        dao.acknowledge(new AnomalyRecord.Acknowledgement(requestId, id, p.kind().name(),
            p.name(), p.organization(), note, clock.instant()));
        before = dao.acknowledgement(requestId); // a concurrent one with the same id may have won
      }
      AnomalyRecord.Acknowledgement kept = before.orElseThrow();
      if (!kept.anomalyId().equals(id) || !kept.note().equals(note)) {
        throw new AlreadyExistsException(ResourceNames.ANOMALY_PREFIX + kept.anomalyId(),
            "request_id " + requestId + " was already used to acknowledge "
                + ResourceNames.ANOMALY_PREFIX + kept.anomalyId() + " with another note; "
                + "choose a new request_id for a new acknowledgement");
      }
    });
    return get(p, id);
  }

  /**
   * The open anomalies (neither acknowledged nor resolved) with a site in the region that
   * happened before {@code end}: counted by kind and by organisation, and the first {@code
   * limit} of them in the order found.
   */
  public record Open(long total, Map<String, Long> byKind, Map<String, Long> byOrganization,
      List<AnomalyRecord> first) {}

  public Open open(String regionPrefix, Instant end, int limit) {
    return jdbi.withHandle(h -> {
      AnomalyDao dao = h.attach(AnomalyDao.class);
      Map<String, Long> byKind = counts(dao.openByKind(regionPrefix, end));
      Map<String, Long> byOrganization = counts(dao.openByOrganization(regionPrefix, end));
      List<AnomalyRecord> first = dao.list(0, "", "", "", regionPrefix,
          AnomalyRecord.State.OPEN.name(), BEGINNING, end, limit);
      return new Open(byKind.values().stream().mapToLong(Long::longValue).sum(), byKind,
          byOrganization, first);
    });
  }

  private static Map<String, Long> counts(List<AnomalyDao.KindCount> rows) {
    return rows.stream().collect(Collectors.toMap(AnomalyDao.KindCount::kind,
        AnomalyDao.KindCount::count, Long::sum, java.util.TreeMap::new));
  }

  private static void requireInvolved(Principal p, AnomalyDao dao, String id) {
    if (Authorization.unscoped(p)) {
      return;
    }
    String[] orgs = dao.organizations(id).orElse(new String[0]);
    if (p.organization() == null || !List.of(orgs).contains(p.organization())) {
      throw new Authorization.Denied(Authorization.Scope.INVOLVED, ResourceNames.ANOMALY_PREFIX
          + id + " is for the organisations it involves and authorities; "
          + p.organization() + " is not one of them");
    }
  }

  private static List<AnomalyRecord> withAcknowledgements(AnomalyDao dao,
      List<AnomalyRecord> found) {
    if (found.isEmpty()) {
      return found;
    }
    Map<String, List<AnomalyRecord.Acknowledgement>> acks = dao.acknowledgements(
        found.stream().map(AnomalyRecord::id).toArray(String[]::new)).stream()
        .collect(Collectors.groupingBy(AnomalyRecord.Acknowledgement::anomalyId));
    List<AnomalyRecord> out = new ArrayList<>();
    for (AnomalyRecord a : found) {
      out.add(a.withAcknowledgements(acks.getOrDefault(a.id(), List.of())));
    }
    return out;
  }
}
