package io.packtrail.client.log;

/**
 * Something about the log that must not be trusted: a proof that does not lead to the root, a
 * malformed or unsigned checkpoint, a signature that does not verify. The message names the
 * failure precisely (which check, which values); {@link #reason()} classifies it. Checked, so a
 * verifier cannot forget that a proof or a note can be false.
 */
public final class LogVerificationException extends Exception {

  /** The classes of failure. */
  public enum Reason {
    /** An index or size outside what the proof or tree allows (index beyond size, first > second). */
    OUT_OF_RANGE,
    /** A proof of the wrong length or with a hash of the wrong size. */
    MALFORMED_PROOF,
    /** A well-formed proof that does not lead to the expected root (or roots). */
    ROOT_MISMATCH,
    /** Text that is not a well-formed signed note, checkpoint body, verifier key or signature line. */
    MALFORMED,
    /** A note with no signature by the trusted key (signatures by other keys are ignored). */
    NOT_SIGNED,
    /** A signature by the trusted key (name and key hash match) that does not verify. */
    BAD_SIGNATURE,
    /** Fewer valid cosignatures by the trusted witnesses than a {@link WitnessPolicy} requires. */
    TOO_FEW_COSIGNATURES
  }

  private final Reason reason;

  public LogVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
