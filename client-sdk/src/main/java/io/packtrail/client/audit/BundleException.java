package io.packtrail.client.audit;

/** An audit bundle that does not verify: the first failure found, with its class. */
public final class BundleException extends Exception {
  /** What failed (docs/formats.md section 13, "Verifying a bundle"). */
  public enum Check {
    /** Not the bundle format, or canonical bytes that are not canonical. */
    MALFORMED,
    /** An event at a place of the unit's history that is not its sequence (swapped, doubled). */
    ORDER,
    /** An event of the unit's history absent from the bundle. */
    MISSING_EVENT,
    /** An event whose chain hash does not follow from its canonical bytes and the previous hash. */
    HASH_CHAIN,
    /** A device signature that does not verify, or an event signed by a device not enrolled then. */
    DEVICE_SIGNATURE,
    /**
     * A scanned label whose signature does not verify under its key's entry, or whose key was
     * not valid at the step (created later, revoked before it, not valid at issue), or that is
     * another unit's, or that the bundle does not carry.
     */
    LABEL_SIGNATURE,
    /** A step with a label withdrawn before it. */
    LABEL,
    /** A fact of the registry that contradicts an event (a site of another organisation). */
    REGISTRY,
    /** A lot's bundle without the history of a unit its recycling step consumed. */
    LINEAGE,
    /** The checkpoint is not signed by the log key, or is not a checkpoint. */
    CHECKPOINT_SIGNATURE,
    /**
     * A cosignature line by a trusted witness (name and key hash of a {@code --witness-key})
     * that does not verify over the bundle's checkpoint: forged, edited, or made over another
     * checkpoint.
     */
    COSIGNATURE,
    /**
     * Fewer of the trusted witnesses cosigned the bundle's checkpoint than required ({@code
     * --min-witnesses}); lines by other keys are ignored, not counted.
     */
    TOO_FEW_COSIGNATURES,
    /** An entry whose inclusion proof does not lead to the checkpoint's root. */
    INCLUSION
  }

  private final Check check;

  public BundleException(Check check, String message) {
    super(message);
    this.check = check;
  }

  public Check check() {
    return check;
  }
}
