package io.packtrail.server.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Input and output figures of a recycling or dismantling site over a period [start, end).
 *
 * <p>Input is what the site consumed (dismantled or recycled) in the period, less the children
 * it had itself dismantled out of them in the period, which would count the same material twice.
 * Output is the lots made, the residue declared by dismantlings, and the children dismantled in
 * the period and not consumed in it (intermediate: on stock or shipped on). What is left is
 * unaccounted for.
 */
public record PlantFigures(List<InputMass> inputs, double inputMassKg, ElementMasses output,
    List<Recovery> recoveries, double lotMassKg, double residueKg, double intermediateKg,
    double unaccountedKg, double throughputTonnesPerYear, double annualCapacityTonnes,
    double capacityUsedPercent) {

  private static final double SECONDS_PER_YEAR = 365.25 * 24 * 3600;

  /** Mass consumed of one chemistry and level. */
  public record InputMass(Chemistry chemistry, UnitLevel level, double massKg) {}

  /** Recovery of one element against its target ({@link RecoveryTargets}). */
  public record Recovery(String element, double feedKg, double recoveredKg,
      double recoveryPercent, double targetPercent, boolean meetsTarget) {}

  /** What the store sums up for a site and period. */
  public record Sums(List<InputMass> inputs, ElementMasses lotElements, double lotMassKg,
      ElementMasses feed, double residueKg, double intermediateKg,
      Double annualCapacityTonnes) {}

  public static PlantFigures of(Sums s, Instant start, Instant end) {
    double input = s.inputs().stream().mapToDouble(InputMass::massKg).sum();
    List<Recovery> recoveries = new ArrayList<>();
    double[] feed = s.feed().values();
    double[] out = s.lotElements().values();
    for (int i = 0; i < ElementMasses.KEYS.length; i++) {
      String element = ElementMasses.KEYS[i];
      double target = RecoveryTargets.percent(element);
      double percent = feed[i] > 0 ? 100 * out[i] / feed[i] : 0;
      recoveries.add(new Recovery(element, feed[i], out[i], percent, target,
          feed[i] > 0 && percent >= target));
    }
    double years = Duration.between(start, end).toMillis() / 1000.0 / SECONDS_PER_YEAR;
    double throughput = years > 0 ? input / 1000 / years : 0;
    double capacity = s.annualCapacityTonnes() == null ? 0 : s.annualCapacityTonnes();
    return new PlantFigures(s.inputs(), input, s.lotElements(), recoveries, s.lotMassKg(),
        s.residueKg(), s.intermediateKg(),
        input - s.lotMassKg() - s.residueKg() - s.intermediateKg(), throughput, capacity,
        capacity > 0 ? 100 * throughput / capacity : 0);
  }
}
