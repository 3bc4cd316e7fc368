package io.packtrail.server.domain;

/** Why a unit left its vehicle. */
public enum RemovalReason {
  SERVICE,
  RETIREMENT,
  TRADE_IN
}
