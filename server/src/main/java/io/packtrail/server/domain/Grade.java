package io.packtrail.server.domain;

/** Outcome of testing: A whole-unit second life, B second life after rework, C dismantle, D recycle. */
public enum Grade {
  A,
  B,
  C,
  D
}
