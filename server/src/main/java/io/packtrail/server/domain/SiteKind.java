package io.packtrail.server.domain;

/** What happens at a site. */
public enum SiteKind {
  FACTORY,
  DEALERSHIP,
  SERVICE_CENTER,
  COLLECTION_OUTLET,
  WAREHOUSE,
  DISMANTLING_LINE,
  CASCADE_PLANT,
  RECYCLING_PLANT,
  TESTING_CENTER,
  /** Second-life sites: where repurposed units are commissioned. */
  MICROGRID_STORAGE,
  BACKUP_POWER,
  CHARGING_STATION_STORAGE;

  /**
   * Whether units may be dismantled and recycled here: the plants whose figures the regional
   * overview sums (a recycling recorded elsewhere would be missing from them).
   */
  public boolean plant() {
    return this == DISMANTLING_LINE || this == RECYCLING_PLANT;
  }

  /** Whether repurposed units may be commissioned here. */
  public boolean secondLife() {
    return this == MICROGRID_STORAGE || this == BACKUP_POWER || this == CHARGING_STATION_STORAGE;
  }
}
