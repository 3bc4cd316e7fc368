package io.packtrail.client.device;

import com.google.protobuf.ByteString;
import io.packtrail.client.EventIds;
import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.RecordEventRequest;
import java.time.Instant;

/**
 * Signs the steps an enrolled device records, offline: {@link #sign} fixes the request's
 * {@code event_id} and {@code event_time} (when left empty), names the device and adds the
 * signature of the step's statement. Send the signed request as it is (also on every retry:
 * the signature covers the id and time).
 */
public final class DeviceSigner {
  private final DeviceKey key;
  private final String device;

  /**
   * @param device the device's resource name, {@code organizations/{o}/sites/{s}/devices/{d}},
   *     as EnrollDevice answered it
   */
  public DeviceSigner(DeviceKey key, String device) {
    if (device == null || device.isEmpty()) {
      throw new IllegalArgumentException("the device's name is required");
    }
    this.key = key;
    this.device = device;
  }

  public String device() {
    return device;
  }

  /**
   * The request with its event id and event time fixed (when empty: a fresh time-ordered id,
   * {@link EventIds#newEventId()}, and now), its {@code device} and its
   * {@code device_signature}.
   *
   * @throws IllegalArgumentException when the request has no step or an undecodable label text
   */
  public RecordEventRequest sign(RecordEventRequest request) {
    RecordEventRequest.Builder b = request.toBuilder().setDevice(device);
    if (b.getEventId().isEmpty()) {
      b.setEventId(EventIds.newEventId().toString());
    }
    if (!b.hasEventTime()) {
      b.setEventTime(PacktrailClient.timestamp(Instant.now()));
    }
    b.clearDeviceSignature();
    byte[] statement = StepStatement.of(b.build(), device);
    return b.setDeviceSignature(ByteString.copyFrom(key.sign(statement))).build();
  }
}
