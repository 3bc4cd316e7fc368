package io.packtrail.scanner;

import io.packtrail.v1.RecordEventRequest;
import java.nio.file.Path;

/**
 * Signs a step before the outbox stores it, so the stored bytes (sent as often as needed) carry
 * the device's signature. The one place where device identity plugs in: {@link #forDevice}.
 */
@FunctionalInterface
interface StepSigner {
  /** The request as it will be stored and sent; its event id and event time are final. */
  RecordEventRequest sign(RecordEventRequest request);

  /** Leaves the request as it is (no enrolled device). */
  StepSigner NONE = request -> request;

  /**
   * The signer of the device enrolled under {@code home}. Until device enrollment lands this is
   * {@link #NONE}; then: the SDK's device signer with the key pair `enroll` saved in home.
   */
  static StepSigner forDevice(Path home) {
    return NONE;
  }
}
