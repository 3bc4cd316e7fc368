package io.packtrail.server.domain;

/** The EU Battery Regulation's status of a battery (Annex XIII): what it is now. */
public enum EuStatus {
  ORIGINAL,
  REPURPOSED,
  REUSED,
  REMANUFACTURED,
  WASTE;

  /**
   * The status a unit has after a step in which it played {@code part}, given its status before.
   * Products of assembly are repurposed; units consumed, scrapped or dismantled become waste;
   * a unit put back into a vehicle by a trade-in after a second life is re-used.
   */
  public static EuStatus after(EuStatus before, StepType step, Part part) {
    EuStatus current = before == null ? ORIGINAL : before;
    return switch (step) {
      case ASSEMBLY -> REPURPOSED;
      case DISMANTLING -> part == Part.PARENT ? WASTE : ORIGINAL;
      case RECYCLING, SCRAPPING -> WASTE;
      case TRADE_IN -> part == Part.REPLACEMENT && current == WASTE ? REUSED : current;
      case REGISTRATION, SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, CORRECTION -> current;
    };
  }
}
