package io.packtrail.server.domain;

/** Where a unit is in its life; only {@link Lifecycle} moves a unit from one state to another. */
public enum LifecycleState {
  REGISTERED,
  INSTALLED,
  REMOVED,
  COLLECTED,
  IN_TRANSIT,
  RECEIVED,
  GRADED,
  /** Taken apart into named children; its life as a unit has ended. */
  DISMANTLED,
  /** Consumed as a source of a repurposed (cascade-use) unit. */
  REPURPOSED,
  /** Commissioned at a second-life site (storage, backup power). */
  IN_SECOND_LIFE,
  /** Consumed into material lots by a recycler. */
  RECYCLED,
  /** Destroyed without recovery. */
  SCRAPPED
}
