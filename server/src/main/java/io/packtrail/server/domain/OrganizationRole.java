package io.packtrail.server.domain;

/** What an organisation does in the battery chain. */
public enum OrganizationRole {
  BATTERY_MAKER,
  VEHICLE_MAKER,
  DEALER,
  REPAIRER,
  COLLECTION_OUTLET,
  DISMANTLER,
  CASCADE_USER,
  RECYCLER,
  REGULATOR
}
