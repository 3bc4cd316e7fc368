package io.packtrail.server.domain;

/** Where a unit is in its life; only {@link Lifecycle} moves a unit from one state to another. */
public enum LifecycleState {
  REGISTERED,
  INSTALLED,
  REMOVED,
  COLLECTED,
  IN_TRANSIT,
  RECEIVED,
  GRADED
}
