package io.packtrail.client.label;

/**
 * A signed trust list that must not be used; {@link #reason()} says why. Checked, so a scanner
 * cannot forget that fetching a list can fail and keep verifying against nothing.
 */
public final class TrustListException extends Exception {

  /** The reasons, in the order {@link TrustLists#verify} checks them. */
  public enum Reason {
    /** The list names another root key than the one the scanner trusts. */
    ROOT_KEY_MISMATCH,
    /** The signature is missing, the wrong size, or does not verify under the root key. */
    BAD_SIGNATURE,
    /** The signed bytes are not a TrustList, or the list contradicts itself (see message). */
    MALFORMED,
    /** The verification time is after the list's expires_at. */
    EXPIRED,
    /** An older version than one already trusted under the same root (a rollback). */
    ROLLED_BACK
  }

  private final Reason reason;

  public TrustListException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
