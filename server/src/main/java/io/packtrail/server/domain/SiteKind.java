package io.packtrail.server.domain;

/** What happens at a site. */
public enum SiteKind {
  FACTORY,
  DEALERSHIP,
  SERVICE_CENTER,
  COLLECTION_OUTLET,
  WAREHOUSE,
  DISMANTLING_LINE,
  CASCADE_PLANT,
  RECYCLING_PLANT,
  TESTING_CENTER
}
