package io.packtrail.server.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the deadline checks read and find: recorded steps with their reporting organisation,
 * the steps that make another expected, and the late and overdue items judged from them by
 * {@link ReportingDeadlines}.
 */
public final class DeadlineItems {
  private DeadlineItems() {}

  /**
   * A recorded step as the checks need it: its event (log index, unit, sequence), kind, event
   * and record times, and the organisation (with its roles) and site that recorded it.
   */
  public record StepRecord(long logIndex, String unitCode, long sequence, StepType type,
      Instant eventTime, Instant recordTime, String organization, Set<OrganizationRole> roles,
      String site, String regionCode) {
    public StepRecord {
      roles = Set.copyOf(roles);
    }

    /** {@code units/{code}/events/{sequence}}. */
    public String eventName() {
      return ResourceNames.unit(unitCode) + "/events/" + sequence;
    }
  }

  /**
   * A step that may make another expected, the party expected to report the next step (the
   * destination's organisation and site for a shipment, else the recording one), and the unit's
   * next step other than a correction, if any (its sequence, kind and record time).
   */
  public record ExpectingStep(StepRecord step, String partyOrganization,
      Set<OrganizationRole> partyRoles, String partySite, String partyRegionCode,
      Long nextSequence, StepType nextType, Instant nextRecordTime) {
    public ExpectingStep {
      partyRoles = Set.copyOf(partyRoles);
    }
  }

  /** A step reported after its due time. */
  public record LateReport(StepRecord step, ReportingDeadlines.Deadline deadline) {}

  /**
   * An expected step not recorded by its due time: still missing ({@link #open()}) or recorded
   * late ({@code trigger.nextSequence()} names it).
   */
  public record OverdueReport(ExpectingStep trigger, ReportingDeadlines.Expectation expectation,
      ReportingDeadlines.Deadline deadline) {
    public boolean open() {
      return trigger.nextSequence() == null;
    }
  }

  /** The late and overdue items of a region over a period, for its overview. */
  public record RegionSummary(long late, long overdueOpen, long overdueFulfilledLate,
      List<OrganizationCounts> organizations, List<LateReport> latest,
      List<OverdueReport> overdue, String calendar, Instant reportingStart) {
    public RegionSummary {
      organizations = List.copyOf(organizations);
      latest = List.copyOf(latest);
      overdue = List.copyOf(overdue);
    }
  }

  /**
   * The late and overdue items of a period as counted by the store: per organisation, and the
   * candidates of the first items of each kind in log order (to judge and list).
   */
  public record Counted(List<OrganizationCounts> organizations, List<StepRecord> firstLate,
      List<ExpectingStep> firstOverdue) {
    public Counted {
      organizations = List.copyOf(organizations);
      firstLate = List.copyOf(firstLate);
      firstOverdue = List.copyOf(firstOverdue);
    }
  }

  /** One organisation's counts in a region summary. */
  public record OrganizationCounts(String organization, long late, long overdueOpen,
      long overdueFulfilledLate) {}
}
