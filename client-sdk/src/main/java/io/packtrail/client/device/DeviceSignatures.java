package io.packtrail.client.device;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.v1.RecordEventRequest;

/**
 * Device step signatures (docs/formats.md, Device signatures): a signature is Ed25519 (RFC 8032)
 * over {@code "packtrail/device-step/v1" || 0x00 || statement}, the statement being
 * {@link StepStatement#of}.
 */
public final class DeviceSignatures {
  /** The domain tag: a step signature verifies as nothing else, and nothing else as one. */
  public static final String TAG = "packtrail/device-step/v1";
  public static final int SIGNATURE_SIZE = Ed25519Keys.SIGNATURE_SIZE;

  private DeviceSignatures() {}

  /** Whether {@code signature} is the device's signature of {@code statement}. */
  public static boolean verify(byte[] statement, byte[] signature, byte[] publicKey) {
    return Ed25519Keys.verify(TAG, statement, signature, publicKey);
  }

  /** As {@link #verify(byte[], byte[], byte[])}, under a key decoded once. */
  public static boolean verify(byte[] statement, byte[] signature, Ed25519Keys.PublicKey key) {
    return key.verifies(TAG, statement, signature);
  }

  /** Whether a request carries a valid signature of its own device under {@code publicKey}. */
  public static boolean verify(RecordEventRequest signed, byte[] publicKey) {
    return !signed.getDevice().isEmpty() && verify(StepStatement.of(signed, signed.getDevice()),
        signed.getDeviceSignature().toByteArray(), publicKey);
  }
}
