package io.packtrail.server.domain;

/**
 * One unmet precondition, shaped like google.rpc.PreconditionFailure.Violation: a type such as
 * "STATE", the subject it concerns (a resource name) and a description for humans.
 */
public record PreconditionViolation(String type, String subject, String description) {}
