package io.packtrail.server.domain;

import java.util.Locale;

/** The kinds of recorded step; the lower-case name is the prefix of its canonical fields. */
public enum StepType {
  REGISTRATION,
  SALE,
  REMOVAL,
  COLLECTION,
  SHIPMENT,
  RECEIPT,
  INSPECTION,
  TRADE_IN,
  DISMANTLING,
  ASSEMBLY,
  COMMISSIONING,
  SECOND_LIFE_INSPECTION,
  DECOMMISSIONING,
  RECYCLING,
  SCRAPPING,
  CORRECTION;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StepType fromKey(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
