package io.packtrail.server.domain;

import java.util.Locale;

/**
 * The part a unit plays in a step. A single-unit step has one SUBJECT; a step that touches several
 * units gives each a part, and the lifecycle table has one rule per step and part.
 */
public enum Part {
  SUBJECT,
  /** Trade-in: the unit leaving the vehicle. */
  OLD,
  /** Trade-in: the unit installed in its place. */
  REPLACEMENT,
  /** Dismantling: the unit taken apart. */
  PARENT,
  /** Dismantling: a named child, registered by the step when new. */
  CHILD,
  /** Assembly: a unit the new one is built from. */
  SOURCE,
  /** Assembly: the new unit, registered by the step. */
  PRODUCT,
  /** Recycling: a unit consumed into the lot. */
  INPUT;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
