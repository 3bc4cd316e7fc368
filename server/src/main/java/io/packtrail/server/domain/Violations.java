package io.packtrail.server.domain;

import java.util.ArrayList;
import java.util.List;

/** Collects the broken rules of one request, then throws them together. */
public final class Violations {
  private final List<FieldViolation> list = new ArrayList<>();

  public Violations add(String field, String description) {
    list.add(new FieldViolation(field, description));
    return this;
  }

  public Violations addAll(List<FieldViolation> violations) {
    list.addAll(violations);
    return this;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public List<FieldViolation> list() {
    return List.copyOf(list);
  }

  /** Throws an {@link InvalidArgumentException} holding every violation, if there is any. */
  public void throwIfAny() {
    if (!list.isEmpty()) {
      throw new InvalidArgumentException(list);
    }
  }
}
