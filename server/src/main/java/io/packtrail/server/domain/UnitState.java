package io.packtrail.server.domain;

import java.time.Instant;

/**
 * What the lifecycle rules need to know of a unit, and what a step changes: its state, who holds
 * it and where, the vehicle it is in, the open shipment, the latest readings, the head of its
 * hash chain, its rated values (readings are bounded by them), when its last step happened and
 * its EU status (Battery Regulation: original, repurposed, ..., waste).
 */
public record UnitState(
    String code,
    UnitLevel level,
    Chemistry chemistry,
    LifecycleState state,
    String custodian,
    String custodianSite,
    String vin,
    String shipmentDestination,
    String shipmentWaybill,
    StateOfHealth stateOfHealth,
    Grade grade,
    long eventCount,
    byte[] headHash,
    double ratedEnergyKwh,
    double ratedCapacityAh,
    Instant lastEventTime,
    EuStatus euStatus) {

  /** A state without an EU status (before a unit's first event; in tests). */
  public UnitState(String code, UnitLevel level, Chemistry chemistry, LifecycleState state,
      String custodian, String custodianSite, String vin, String shipmentDestination,
      String shipmentWaybill, StateOfHealth stateOfHealth, Grade grade, long eventCount,
      byte[] headHash, double ratedEnergyKwh, double ratedCapacityAh, Instant lastEventTime) {
    this(code, level, chemistry, state, custodian, custodianSite, vin, shipmentDestination,
        shipmentWaybill, stateOfHealth, grade, eventCount, headHash, ratedEnergyKwh,
        ratedCapacityAh, lastEventTime, null);
  }

  public static final byte[] GENESIS_HASH = new byte[32];

  /** The state before a unit's first event: nothing recorded yet. */
  public static UnitState unregistered(String code) {
    return new UnitState(code, null, null, null, null, null, null, null, null, null, null, 0,
        GENESIS_HASH, 0, 0, null);
  }

  public String name() {
    return ResourceNames.unit(code);
  }

  UnitState withHead(long count, byte[] hash) {
    return new UnitState(code, level, chemistry, state, custodian, custodianSite, vin,
        shipmentDestination, shipmentWaybill, stateOfHealth, grade, count, hash, ratedEnergyKwh,
        ratedCapacityAh, lastEventTime, euStatus);
  }
}
