package io.packtrail.server.app;

import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.DeadlineItems;
import io.packtrail.server.domain.DeadlineItems.ExpectingStep;
import io.packtrail.server.domain.DeadlineItems.LateReport;
import io.packtrail.server.domain.DeadlineItems.OverdueReport;
import io.packtrail.server.domain.DeadlineItems.StepRecord;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.RegionCodes;
import io.packtrail.server.domain.ReportingDeadlines;
import io.packtrail.server.store.Storage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Late and overdue reports (docs/deadlines.md), derived at query time: the store narrows the
 * candidates by a calendar-day bound, {@link ReportingDeadlines} judges each with the working
 * calendar. Nothing is stored at ingest, so a corrected or newly published calendar applies to
 * every step at once and the write path is untouched.
 */
public final class Compliance {
  /** Candidates read per round trip while filling a page. */
  static final int CHUNK = 500;
  /** Items of each kind listed on a region's overview (the counts cover all). */
  public static final int OVERVIEW_ITEMS = 20;
  private static final Instant EARLIEST = Instant.EPOCH;

  private final Storage storage;
  private final ReportingDeadlines deadlines;
  private final Clock clock;

  public Compliance(Storage storage, ReportingDeadlines deadlines, Clock clock) {
    this.storage = storage;
    this.deadlines = deadlines;
    this.clock = clock;
  }

  public ReportingDeadlines deadlines() {
    return deadlines;
  }

  /**
   * What to list: a region (GB/T 2260 code, null: any), an organisation (null: any) and the
   * period of the steps' event times [start, end).
   */
  public record Filter(String regionCode, String organization, Instant start, Instant end) {}

  /**
   * The organisation a principal may list: an authority any (or all: null); an organisation's
   * system its own only, also when it names none. Denied (OWN_RESOURCE) otherwise.
   */
  public static String scopedOrganization(Principal p, String organization) {
    if (Authorization.unscoped(p)) {
      return organization;
    }
    String wanted = organization == null ? p.organization() : organization;
    Authorization.requireOwn(p, wanted, "organisation");
    return wanted;
  }

  /** Late reports after the step at {@code afterLogIndex}, at most {@code limit}. */
  public List<LateReport> late(Principal p, Filter f, long afterLogIndex, int limit) {
    String org = scopedOrganization(p, f.organization());
    return late(f.regionCode(), org, f.start(), f.end(), afterLogIndex, limit);
  }

  private List<LateReport> late(String regionCode, String org, Instant start, Instant end,
      long after, int limit) {
    List<LateReport> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    eachLate(regionCode, org, start, end, after, l -> {
      out.add(l);
      return out.size() < limit;
    });
    return out;
  }

  /** Hands each late report after {@code after} in log order to {@code more} until it says no. */
  private void eachLate(String regionCode, String org, Instant start, Instant end, long after,
      java.util.function.Predicate<LateReport> more) {
    String prefix = regionCode == null ? null : RegionCodes.prefix(regionCode);
    long cursor = after;
    while (true) {
      List<StepRecord> candidates = storage.lateCandidates(ReportingDeadlines.judgedSteps(),
          prefix, org, start, end, reportingStart(), ReportingDeadlines.MIN_WORKING_DAYS,
          cursor, CHUNK);
      for (StepRecord s : candidates) {
        Optional<LateReport> late = judgeLate(s);
        if (late.isPresent() && !more.test(late.get())) {
          return;
        }
      }
      if (candidates.size() < CHUNK) {
        return;
      }
      cursor = candidates.get(candidates.size() - 1).logIndex();
    }
  }

  /** The step's deadline when it has one and was reported after it. */
  public Optional<LateReport> judgeLate(StepRecord s) {
    if (!deadlines.judged(s.eventTime())) {
      return Optional.empty();
    }
    return ReportingDeadlines.rule(s.type(), s.roles())
        .map(rule -> deadlines.deadline(rule, s.eventTime()))
        .filter(d -> ReportingDeadlines.late(d, s.recordTime()))
        .map(d -> new LateReport(s, d));
  }

  /**
   * Overdue expected steps (as of now) after the step at {@code afterLogIndex}, at most {@code
   * limit}; {@code openOnly}: only those still missing.
   */
  public List<OverdueReport> overdue(Principal p, Filter f, boolean openOnly,
      long afterLogIndex, int limit) {
    String org = scopedOrganization(p, f.organization());
    return overdue(f.regionCode(), org, f.start(), f.end(), openOnly, afterLogIndex, limit);
  }

  private List<OverdueReport> overdue(String regionCode, String org, Instant start,
      Instant end, boolean openOnly, long after, int limit) {
    List<OverdueReport> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    eachOverdue(regionCode, org, start, end, openOnly, after, o -> {
      out.add(o);
      return out.size() < limit;
    });
    return out;
  }

  /** Hands each overdue report after {@code after} in log order to {@code more} until it says no. */
  private void eachOverdue(String regionCode, String org, Instant start, Instant end,
      boolean openOnly, long after, java.util.function.Predicate<OverdueReport> more) {
    String prefix = regionCode == null ? null : RegionCodes.prefix(regionCode);
    Instant asOf = clock.instant();
    long cursor = after;
    while (true) {
      List<ExpectingStep> candidates = storage.expectingCandidates(prefix, org, start, end,
          reportingStart(), asOf, openOnly, ReportingDeadlines.MIN_WORKING_DAYS, cursor, CHUNK);
      for (ExpectingStep s : candidates) {
        Optional<OverdueReport> overdue = judgeOverdue(s, asOf);
        if (overdue.isPresent() && !more.test(overdue.get())) {
          return;
        }
      }
      if (candidates.size() < CHUNK) {
        return;
      }
      cursor = candidates.get(candidates.size() - 1).step().logIndex();
    }
  }

  /**
   * The expectation a step made, when its expected step was not recorded by the due time: still
   * missing at {@code asOf} after it, or recorded after it.
   */
  public Optional<OverdueReport> judgeOverdue(ExpectingStep s, Instant asOf) {
    if (!deadlines.judged(s.step().eventTime())) {
      return Optional.empty();
    }
    return ReportingDeadlines.expectation(s.step().type(), s.step().roles()).flatMap(e -> {
      ReportingDeadlines.Deadline d = deadlines.deadline(
          ReportingDeadlines.expectedRule(e, s.partyRoles()), s.step().eventTime());
      Instant recorded = s.nextRecordTime() == null ? asOf : s.nextRecordTime();
      return ReportingDeadlines.late(d, recorded) ? Optional.of(new OverdueReport(s, e, d))
          : Optional.empty();
    });
  }

  /**
   * The region's late and overdue items over [start, end) for its overview: counts in all and
   * per organisation (the reporting party), and the first {@link #OVERVIEW_ITEMS} of each kind.
   */
  public DeadlineItems.RegionSummary region(String regionCode, Instant start, Instant end) {
    return summary(regionCode, null, start, end);
  }

  /**
   * As {@link #region}, for one organisation (null: any; the recording organisation of late
   * steps, the party expected to report overdue ones). The database counts (a province's year
   * may hold millions of steps, docs/decisions.md "The deadline summary counts in SQL") with
   * tables generated from {@link ReportingDeadlines}; the first items are judged here, as the
   * listings judge every item.
   */
  public DeadlineItems.RegionSummary summary(String regionCode, String organization,
      Instant start, Instant end) {
    String prefix = regionCode == null ? null : RegionCodes.prefix(regionCode);
    Instant asOf = clock.instant();
    DeadlineItems.Counted counted = storage.deadlineCounts(prefix, organization, start, end,
        deadlines, asOf, OVERVIEW_ITEMS);
    long late = 0;
    long open = 0;
    long recordedLate = 0;
    for (DeadlineItems.OrganizationCounts c : counted.organizations()) {
      late += c.late();
      open += c.overdueOpen();
      recordedLate += c.overdueFulfilledLate();
    }
    List<LateReport> firstLate = new ArrayList<>();
    counted.firstLate().forEach(s -> judgeLate(s).ifPresent(firstLate::add));
    List<OverdueReport> firstOverdue = new ArrayList<>();
    counted.firstOverdue().forEach(s -> judgeOverdue(s, asOf).ifPresent(firstOverdue::add));
    return new DeadlineItems.RegionSummary(late, open, recordedLate, counted.organizations(),
        firstLate, firstOverdue,
        deadlines.calendar().source() + ", years " + deadlines.calendar().years(),
        deadlines.reportingStart());
  }

  private Instant reportingStart() {
    return deadlines.reportingStart() == null ? EARLIEST : deadlines.reportingStart();
  }
}
