package io.packtrail.server.domain;

import java.util.List;
import java.util.stream.Collectors;

/** The request is well-formed but the system is not in a state that allows it. */
public final class FailedPreconditionException extends DomainException {
  private final List<PreconditionViolation> violations;

  public FailedPreconditionException(List<PreconditionViolation> violations) {
    super(violations.stream().map(PreconditionViolation::description)
        .collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public FailedPreconditionException(String type, String subject, String description) {
    this(List.of(new PreconditionViolation(type, subject, description)));
  }

  public List<PreconditionViolation> violations() {
    return violations;
  }
}
