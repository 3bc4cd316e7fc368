/**
 * Verifying Packtrail's append-only log with public keys only, offline (docs/formats.md, "The
 * log: leaves, tree, checkpoints and cosignatures").
 *
 * <ul>
 *   <li>{@link io.packtrail.client.log.Merkle}: RFC 6962 / RFC 9162 hashing, reference proof
 *       generation, and verification of inclusion and consistency proofs.
 *   <li>{@link io.packtrail.client.log.Checkpoint}: the C2SP tlog-checkpoint body (origin, size,
 *       root hash).
 *   <li>{@link io.packtrail.client.log.SignedNote} and {@link io.packtrail.client.log.VerifierKey}:
 *       C2SP signed notes with Ed25519 and verifier key strings.
 *   <li>{@link io.packtrail.client.log.Cosignature}: C2SP tlog-cosignature, Ed25519
 *       cosignature/v1, for witnesses.
 * </ul>
 *
 * Every check throws a checked {@link io.packtrail.client.log.LogVerificationException} whose
 * message names the failed check.
 */
package io.packtrail.client.log;
