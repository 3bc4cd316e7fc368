package io.packtrail.server.domain;

import java.time.Instant;

/** One recorded trade-in: the old unit's event and the unit put into the vehicle instead. */
public record TradeInRecord(String eventName, long logIndex, String vin, String oldUnit,
    String replacementUnit, String actorSite, Instant eventTime) {}
