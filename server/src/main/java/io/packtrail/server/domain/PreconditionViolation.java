package io.packtrail.server.domain;

import java.util.Map;

/**
 * One unmet precondition, shaped like google.rpc.PreconditionFailure.Violation: a type such as
 * "STATE", the subject it concerns (a resource name) and a description for humans. {@code
 * metadata} holds the facts a program needs to react (keys in lowerCamelCase, as in
 * google.rpc.ErrorInfo), e.g. a unit's state and the steps it allows next.
 */
public record PreconditionViolation(String type, String subject, String description,
    Map<String, String> metadata) {

  public PreconditionViolation {
    metadata = Map.copyOf(metadata);
  }

  public PreconditionViolation(String type, String subject, String description) {
    this(type, subject, description, Map.of());
  }
}
