package io.packtrail.server.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The thresholds of the anomaly scan and the checks that need no database: a dismantling's mass
 * balance, a recycling's element balance and its recovery against {@link RecoveryTargets}.
 *
 * <p>Defaults: a shipment not received after 14 days, a removal not collected after 30 days, a
 * unit with no step for 90 days while neither in use nor finished; a dismantling whose children
 * and residue differ from the parent by more than 1 % (the ingest refuses beyond its own mass
 * tolerance, 2 % by default: between the two a step is recorded and flagged); a recycling whose
 * lots hold less than 90 % of the element mass fed in (more than 10 % lost).
 */
public record AnomalyRules(Duration shipmentNotReceived, Duration removalNotCollected,
    Duration vanished, double dismantlingTolerancePercent, double recyclingLossPercent) {

  /** The states a unit may idle in without being a vanished one: in use, or finished. */
  public static final List<LifecycleState> IDLE_STATES = List.of(LifecycleState.REGISTERED,
      LifecycleState.REMOVED, LifecycleState.COLLECTED, LifecycleState.IN_TRANSIT,
      LifecycleState.RECEIVED, LifecycleState.GRADED);

  public AnomalyRules {
    positive("the time after which a shipment not received is an anomaly", shipmentNotReceived);
    positive("the time after which a removal not collected is an anomaly", removalNotCollected);
    positive("the time without a step after which a unit has vanished", vanished);
    percent("the dismantling mass tolerance", dismantlingTolerancePercent);
    percent("the recycling loss tolerance", recyclingLossPercent);
  }

  public static AnomalyRules defaults() {
    return new AnomalyRules(Duration.ofDays(14), Duration.ofDays(30), Duration.ofDays(90), 1.0,
        10.0);
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }

  private static void percent(String what, double p) {
    if (!Double.isFinite(p) || p < 0 || p > 100) {
      throw new IllegalArgumentException(what + " must be 0 to 100 percent, got " + p);
    }
  }

  /**
   * The description of a dismantling whose children and residue do not account for the
   * parent's mass within the tolerance, or null.
   */
  public String dismantling(String parent, double parentKg, double childrenKg,
      double residueKg) {
    double accounted = childrenKg + residueKg;
    double off = parentKg - accounted;
    if (Math.abs(off) <= parentKg * dismantlingTolerancePercent / 100 + 1e-9) {
      return null;
    }
    return String.format(Locale.ROOT, "dismantling of %s: children %.3f kg + residue %.3f kg "
        + "= %.3f kg of %.3f kg; %.3f kg (%.2f %%) %s, beyond the tolerance of %.2f %%",
        parent, childrenKg, residueKg, accounted, parentKg, Math.abs(off),
        parentKg > 0 ? 100 * Math.abs(off) / parentKg : 0,
        off > 0 ? "unaccounted for" : "more than the parent weighed",
        dismantlingTolerancePercent);
  }

  /**
   * The description of a recycling whose lots hold less of the fed element mass than the loss
   * tolerance allows, or null.
   */
  public String recyclingBalance(ElementMasses feed, ElementMasses recovered) {
    double fed = feed.total();
    double out = recovered.total();
    if (fed <= 0 || fed - out <= fed * recyclingLossPercent / 100 + 1e-9) {
      return null;
    }
    return String.format(Locale.ROOT, "recycling: the lots hold %.3f kg of the %.3f kg of "
        + "Li, Ni, Co, Mn, Cu and Al fed in; %.3f kg (%.2f %%) unaccounted for, beyond the "
        + "tolerance of %.2f %%", out, fed, fed - out, 100 * (fed - out) / fed,
        recyclingLossPercent);
  }

  /** The elements a recycling recovered below their targets, described, or null when none. */
  public static String recoveryBelowTarget(ElementMasses feed, ElementMasses recovered) {
    List<String> below = new ArrayList<>();
    double[] in = feed.values();
    double[] out = recovered.values();
    for (int i = 0; i < ElementMasses.KEYS.length; i++) {
      if (in[i] <= 0) {
        continue;
      }
      double percent = 100 * out[i] / in[i];
      double target = RecoveryTargets.percent(ElementMasses.KEYS[i]);
      if (percent < target) {
        below.add(String.format(Locale.ROOT, "%s %.2f %% (target %.0f %%)",
            ElementMasses.KEYS[i], percent, target));
      }
    }
    return below.isEmpty() ? null : "recycling recovered below the industry targets: "
        + String.join(", ", below);
  }
}
