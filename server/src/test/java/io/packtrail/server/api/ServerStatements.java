package io.packtrail.server.api;

import io.packtrail.client.label.LabelCodec;
import io.packtrail.server.domain.Submission;
import io.packtrail.v1.RecordEventRequest;

/**
 * The statement the server verifies a device signature against, for tests outside this package:
 * the request mapped by {@link Requests} ,
 * the scanned label's serial, and the device.
 */
public final class ServerStatements {
  private static final Requests REQUESTS =
      new Requests();

  private ServerStatements() {}

  public static byte[] of(RecordEventRequest request, String device) {
    Submission s = REQUESTS.submission(request.toBuilder().setDevice(device)
        .setDeviceSignature(com.google.protobuf.ByteString.copyFrom(new byte[64])).build(), "");
    if (!request.getLabelText().isEmpty()) {
      s = s.withLabelSerial(
          LabelCodec.decodeWithPayload(request.getLabelText()).payload().getSerial());
    }
    return s.statement();
  }
}
