package io.packtrail.server.domain;

/** One broken input rule: the request field (dotted path) and what is wrong with it. */
public record FieldViolation(String field, String description) {
  @Override
  public String toString() {
    return field + ": " + description;
  }
}
