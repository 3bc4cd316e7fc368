package io.packtrail.server.domain;

import java.time.Instant;

/**
 * A place of an organisation where steps are recorded. {@code annualCapacityTonnes} is the
 * declared input capacity of a recycling or dismantling site per year, null when not declared.
 */
public record Site(String organizationId, String id, String displayName, SiteKind kind,
    String regionCode, String address, double latitude, double longitude, Instant createTime,
    Double annualCapacityTonnes) {
  /** The most a site may declare: ten times the largest plants of the industry. */
  public static final double MAX_ANNUAL_CAPACITY_TONNES = 10_000_000;

  /** A site without a declared capacity. */
  public Site(String organizationId, String id, String displayName, SiteKind kind,
      String regionCode, String address, double latitude, double longitude, Instant createTime) {
    this(organizationId, id, displayName, kind, regionCode, address, latitude, longitude,
        createTime, null);
  }

  public String name() {
    return ResourceNames.site(organizationId, id);
  }

  public String organizationName() {
    return ResourceNames.organization(organizationId);
  }

  public boolean sameContent(Site o) {
    return name().equals(o.name()) && displayName.equals(o.displayName) && kind == o.kind
        && regionCode.equals(o.regionCode) && address.equals(o.address)
        && latitude == o.latitude && longitude == o.longitude
        && java.util.Objects.equals(annualCapacityTonnes, o.annualCapacityTonnes);
  }

  public void validate(Violations v) {
    if (!ResourceNames.isId(id)) {
      v.add("site_id", "must match " + ResourceNames.ID_RULE);
    }
    Registry.checkDisplayName(v, "site.display_name", displayName);
    if (kind == null) {
      v.add("site.kind", "is required");
    }
    Registry.checkRegion(v, "site.region_code", regionCode);
    Text.check(v, "site.address", address, 500, true);
    if (!(latitude >= -90 && latitude <= 90)) {
      v.add("site.latitude", "must be between -90 and 90");
    }
    if (!(longitude >= -180 && longitude <= 180)) {
      v.add("site.longitude", "must be between -180 and 180");
    }
    if (annualCapacityTonnes != null && !(annualCapacityTonnes > 0
        && annualCapacityTonnes <= MAX_ANNUAL_CAPACITY_TONNES)) {
      v.add("site.annual_capacity_tonnes", "must be greater than 0 and at most "
          + (long) MAX_ANNUAL_CAPACITY_TONNES + " (0: not declared)");
    }
  }
}
