package io.packtrail.server.domain;

/** Cell chemistry of a unit. */
public enum Chemistry {
  LFP,
  NCM,
  NCA,
  LMO,
  LTO,
  SODIUM_ION,
  OTHER
}
