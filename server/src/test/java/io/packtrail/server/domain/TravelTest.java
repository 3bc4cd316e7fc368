package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TravelTest {
  static final Travel.Place LANZHOU = new Travel.Place("organizations/a/sites/lz", 36.06, 103.83);
  static final Travel.Place JINCHANG = new Travel.Place("organizations/b/sites/jc", 38.52, 102.19);
  static final Travel.Place UNKNOWN = new Travel.Place("organizations/c/sites/x", 0, 0);

  @Test
  void distancesAreGreatCircle() {
    assertEquals(311, Travel.distanceKm(LANZHOU, JINCHANG), 5);
  }

  @Test
  void tooFastIsImpossibleAndRoadSpeedIsNot() {
    assertNotNull(Travel.impossibility(LANZHOU, JINCHANG, Duration.ofHours(1)));
    assertNull(Travel.impossibility(LANZHOU, JINCHANG, Duration.ofHours(4)));
    assertNotNull(Travel.impossibility(LANZHOU, JINCHANG, Duration.ZERO));
    assertNull(Travel.impossibility(LANZHOU, LANZHOU, Duration.ZERO), "same site");
  }

  @Test
  void withoutCoordinatesOnlyNearSimultaneousSightingsAreImpossible() {
    assertNotNull(Travel.impossibility(LANZHOU, UNKNOWN, Duration.ofMinutes(5)));
    assertNull(Travel.impossibility(LANZHOU, UNKNOWN, Duration.ofMinutes(30)));
  }
}
