package io.packtrail.server.domain;

/** What a material lot is: a recovered salt or metal, or black mass for further treatment. */
public enum MaterialProduct {
  MNSO4,
  CO3O4,
  COSO4,
  NISO4,
  LI2CO3,
  LIOH,
  BLACK_MASS,
  COPPER,
  ALUMINIUM
}
