package io.packtrail.server.domain;

import java.util.Map;

/**
 * The one place of the 2024 industry conditions for recovery from used traction batteries
 * (standard conditions for their comprehensive utilisation, 2024 edition, as issue 7 states
 * them): lithium at least 90 %, nickel, cobalt and manganese at least 98 %, copper and aluminium
 * at least 98 %, each a percent of the element fed in.
 */
public final class RecoveryTargets {
  /** Target percent per element key of {@link ElementMasses#KEYS}. */
  public static final Map<String, Double> PERCENT = Map.of(
      "li", 90.0, "ni", 98.0, "co", 98.0, "mn", 98.0, "cu", 98.0, "al", 98.0);

  private RecoveryTargets() {}

  public static double percent(String element) {
    Double p = PERCENT.get(element);
    if (p == null) {
      throw new IllegalArgumentException("no recovery target for " + element);
    }
    return p;
  }
}
