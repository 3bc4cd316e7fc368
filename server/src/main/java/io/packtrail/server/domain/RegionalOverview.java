package io.packtrail.server.domain;

import java.time.Instant;
import java.util.List;

/**
 * What happened in a region over [start, end): units per kind of step at its sites, tonnage per
 * city, recovery per element of its plants together, and each plant's throughput.
 */
public record RegionalOverview(String regionCode, String regionName, Instant start, Instant end,
    StepCounts steps, List<CityTonnage> cities, List<PlantFigures.Recovery> recoveries,
    List<Plant> plants) {

  public RegionalOverview {
    cities = List.copyOf(cities);
    recoveries = List.copyOf(recoveries);
    plants = List.copyOf(plants);
  }

  public record StepCounts(long sold, long removed, long collected, long shipped, long received,
      long graded, long dismantled, long repurposed, long deployed, long recycled) {}

  public record CityTonnage(String regionCode, String name, double collectedKg,
      double receivedKg, double recycledKg) {}

  /** A region's step counts and the tonnage of each city with a site, read together. */
  public record Steps(StepCounts counts, List<CityTonnage> cities) {
    public Steps {
      cities = List.copyOf(cities);
    }
  }

  public record Plant(Site site, PlantFigures figures) {}
}
