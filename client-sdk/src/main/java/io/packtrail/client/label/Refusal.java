package io.packtrail.client.label;

/** Why a label was refused, in the order {@link LabelVerifier#verify} checks. */
public enum Refusal {
  /** The trust list's expires_at has passed: fetch a new list before verifying anything. */
  TRUST_LIST_EXPIRED,
  /** The text is not a well-formed label (too long, prefix, Base45, envelope, sizes, payload). */
  MALFORMED,
  /** The label names a key id that the trust list does not hold. */
  UNKNOWN_KEY,
  /** The signature does not verify under the named key: forged or altered. */
  BAD_SIGNATURE,
  /** The key is revoked: every label under it is refused. */
  REVOKED_KEY,
  /** The label's issued_at lies outside the key's [not_before, not_after]. */
  KEY_NOT_VALID_AT_ISSUE,
  /** The label names another issuer than the key belongs to. */
  ISSUER_MISMATCH,
  /** The label's serial was revoked. */
  REVOKED_LABEL,
  /** The label's serial was replaced by a reissued label. */
  SUPERSEDED_LABEL
}
