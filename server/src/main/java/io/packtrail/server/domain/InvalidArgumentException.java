package io.packtrail.server.domain;

import java.util.List;
import java.util.stream.Collectors;

/** Malformed input: every broken rule at once, so a client can fix them in one go. */
public final class InvalidArgumentException extends DomainException {
  private final List<FieldViolation> violations;

  public InvalidArgumentException(List<FieldViolation> violations) {
    super(violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; ")));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidArgumentException needs a violation");
    }
    this.violations = List.copyOf(violations);
  }

  public InvalidArgumentException(String field, String description) {
    this(List.of(new FieldViolation(field, description)));
  }

  public List<FieldViolation> violations() {
    return violations;
  }
}
