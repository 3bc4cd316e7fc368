package io.packtrail.server.domain;

import java.time.Instant;
import java.util.List;

/**
 * A lot of recovered material; {@code eventName} is the recycling step's event on the unit it
 * was recorded against, {@code inputUnits} the codes of every input.
 */
public record MaterialLot(String id, MaterialProduct product, double massKg,
    ElementMasses elements, String plantSite, String organization, String eventName,
    Instant eventTime, List<String> inputUnits) {

  public String name() {
    return ResourceNames.materialLot(id);
  }
}
