package io.packtrail.server.domain;

/** Input rules shared by organisations and sites. */
final class Registry {
  private Registry() {}

  static void checkDisplayName(Violations v, String field, String displayName) {
    if (displayName == null || displayName.isBlank()) {
      v.add(field, "is required");
    } else {
      Text.check(v, field, displayName, 200, false);
    }
  }

  /** Six-digit administrative division code (GB/T 2260), e.g. 620100 for Lanzhou. */
  static void checkRegion(Violations v, String field, String regionCode) {
    if (regionCode == null || !regionCode.matches("[0-9]{6}")) {
      v.add(field, "must be a six-digit GB/T 2260 region code such as 620100");
    }
  }
}
