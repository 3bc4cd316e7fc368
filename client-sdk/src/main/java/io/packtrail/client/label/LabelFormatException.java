package io.packtrail.client.label;

/** A label text that is not a well-formed signed label; {@link #check()} says which check failed. */
public final class LabelFormatException extends IllegalArgumentException {

  /** The decoding checks, in the order {@link LabelCodec#decode} applies them. */
  public enum Check {
    TOO_LONG,
    PREFIX,
    BASE45,
    ENVELOPE,
    SIGNATURE_SIZE,
    PAYLOAD,
    KEY_ID_SIZE
  }

  private final Check check;

  public LabelFormatException(Check check, String message) {
    super(message);
    this.check = check;
  }

  public LabelFormatException(Check check, String message, Throwable cause) {
    super(message, cause);
    this.check = check;
  }

  public Check check() {
    return check;
  }
}
