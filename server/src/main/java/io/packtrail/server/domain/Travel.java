package io.packtrail.server.domain;

import java.time.Duration;

/**
 * Whether one physical label can have been at two sites at two times. A signature proves who
 * issued a label, not that it was not copied; a copy shows up as the same serial in places no
 * transport could connect.
 */
public final class Travel {
  /** Faster than any road transport of a battery pack, with margin. */
  public static final double MAX_SPEED_KMH = 150;
  /** Sites without coordinates: two different sites this close in time cannot both be true. */
  public static final Duration MIN_HOP_WITHOUT_COORDINATES = Duration.ofMinutes(10);
  private static final double EARTH_RADIUS_KM = 6371.0088;

  private Travel() {}

  /** A place; (0, 0) means the coordinates are unknown. */
  public record Place(String site, double latitude, double longitude) {
    boolean located() {
      return latitude != 0 || longitude != 0;
    }
  }

  /** Why two sightings cannot both be of the same physical label, or null when they can. */
  public static String impossibility(Place a, Place b, Duration apart) {
    if (a.site().equals(b.site())) {
      return null;
    }
    Duration gap = apart.abs();
    if (!a.located() || !b.located()) {
      return gap.compareTo(MIN_HOP_WITHOUT_COORDINATES) < 0
          ? String.format(java.util.Locale.ROOT, "seen at %s and at %s %d s apart", a.site(), b.site(), gap.toSeconds())
          : null;
    }
    double km = distanceKm(a, b);
    double hours = gap.toMillis() / 3_600_000.0;
    if (km < 1 || (hours > 0 && km / hours <= MAX_SPEED_KMH)) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "seen at %s and at %s, %.0f km apart, %s apart: that needs %s",
        a.site(), b.site(), km, human(gap),
        hours == 0 ? "being in two places at once"
            : String.format(java.util.Locale.ROOT, "%.0f km/h (more than %.0f km/h)", km / hours, MAX_SPEED_KMH));
  }

  /** Great-circle distance (haversine). */
  public static double distanceKm(Place a, Place b) {
    double dLat = Math.toRadians(b.latitude() - a.latitude());
    double dLon = Math.toRadians(b.longitude() - a.longitude());
    double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(a.latitude()))
        * Math.cos(Math.toRadians(b.latitude())) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  private static String human(Duration d) {
    return d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min"
        : d.toMinutes() + " min " + d.toSecondsPart() + " s";
  }
}
