package io.packtrail.server.app;

import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.RegionCodes;
import io.packtrail.server.domain.RegionalOverview;
import io.packtrail.server.domain.Site;
import io.packtrail.server.store.Storage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The regional overview: the region's step counts and city tonnage from the store, each plant's
 * figures as {@link Lineage#plantFigures} computes them, and the region's recovery from the sum
 * of its plants' feeds and lots (through {@link PlantFigures#of}, the one place recovery against
 * the targets is computed).
 */
public final class Overview {
  private final Storage storage;

  public Overview(Storage storage) {
    this.storage = storage;
  }

  public RegionalOverview of(String regionCode, Instant start, Instant end) {
    String prefix = RegionCodes.prefix(regionCode);
    Map<String, RegionalOverview.CityTonnage> cities = new TreeMap<>();
    // a province lists every city it has, with or without sites, so a quiet city shows as such
    for (String city : RegionCodes.knownCities(prefix)) {
      cities.put(city, new RegionalOverview.CityTonnage(city, RegionCodes.name(city), 0, 0, 0));
    }
    RegionalOverview.Steps steps = storage.regionSteps(prefix, start, end);
    steps.cities().forEach(c -> cities.put(c.regionCode(), c));
    List<RegionalOverview.Plant> plants = new ArrayList<>();
    List<PlantFigures.Sums> sums = new ArrayList<>();
    for (Site site : storage.regionPlants(prefix)) {
      PlantFigures.Sums s = storage.plantSums(site.name(), start, end);
      sums.add(s);
      plants.add(new RegionalOverview.Plant(site, PlantFigures.of(s, start, end)));
    }
    double[] feed = new double[ElementMasses.KEYS.length];
    double[] out = new double[ElementMasses.KEYS.length];
    for (PlantFigures.Sums s : sums) {
      for (int i = 0; i < feed.length; i++) {
        feed[i] += s.feed().values()[i];
        out[i] += s.lotElements().values()[i];
      }
    }
    PlantFigures region = PlantFigures.of(new PlantFigures.Sums(List.of(), masses(out), 0,
        masses(feed), 0, 0, null), start, end);
    String name = RegionCodes.name(regionCode);
    return new RegionalOverview(regionCode, name, start, end,
        steps.counts(), new ArrayList<>(cities.values()),
        region.recoveries(), plants);
  }

  private static ElementMasses masses(double[] v) {
    return new ElementMasses(v[0], v[1], v[2], v[3], v[4], v[5]);
  }
}
