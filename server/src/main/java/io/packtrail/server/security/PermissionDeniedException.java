package io.packtrail.server.security;

/**
 * The caller is known but may not do this: which caller, the rule it broke (a scope of the
 * authorization table, or {@code KIND}) and a reason that names nothing of other organisations.
 */
public final class PermissionDeniedException extends RuntimeException {
  private final Caller caller;
  private final String rule;

  public PermissionDeniedException(Caller caller, String rule, String reason) {
    super(reason, null, false, false);
    this.caller = caller;
    this.rule = rule;
  }

  public Caller caller() {
    return caller;
  }

  /** The broken rule: {@code KIND} or a {@link io.packtrail.server.domain.Authorization.Scope}. */
  public String rule() {
    return rule;
  }
}
