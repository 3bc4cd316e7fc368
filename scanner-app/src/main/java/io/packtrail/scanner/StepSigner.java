package io.packtrail.scanner;

import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.device.DeviceSigner;
import io.packtrail.v1.RecordEventRequest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Signs a step before the outbox stores it, so the stored bytes (sent as often as needed, never
 * changed) carry the device's signature (docs/formats.md section 10).
 */
@FunctionalInterface
interface StepSigner {
  /** The request as it will be stored and sent; its event id and event time are final. */
  RecordEventRequest sign(RecordEventRequest request);

  /** Leaves the request as it is: for tools (the sync benchmark) that record without a device. */
  StepSigner NONE = request -> request;

  /**
   * The signer of the device enrolled under {@code home} (`enroll`): the SDK's
   * {@link DeviceSigner} with the key saved there. The key is read at the first signature, so
   * commands that record nothing (status, trace, label verify) work on a device that is not
   * enrolled; signing on such a device fails with the words that say how to enroll it.
   */
  static StepSigner forDevice(Path home) {
    return new StepSigner() {
      private DeviceSigner signer;

      @Override
      public synchronized RecordEventRequest sign(RecordEventRequest request) {
        if (signer == null) {
          signer = load(home);
        }
        return signer.sign(request);
      }
    };
  }

  /**
   * The enrolled device's signer, read now.
   *
   * @throws IllegalStateException when the device is not enrolled or its key cannot be used,
   *     saying what to do
   */
  static DeviceSigner load(Path home) {
    DeviceIdentity device = DeviceIdentity.of(home).orElseThrow(() ->
        new IllegalStateException(DeviceIdentity.NOT_ENROLLED));
    try {
      return new DeviceSigner(DeviceKey.load(device.keyFile()), device.name());
    } catch (IOException e) {
      throw new IllegalStateException("this device's key cannot be used: " + e.getMessage()
          + "; steps cannot be signed (if the key is lost, enroll again: 'packtrail-scanner "
          + "enroll --code CODE --device-id NEW-ID --force')");
    }
  }
}
