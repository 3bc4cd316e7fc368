package io.packtrail.scanner;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;

/**
 * The kinds of refusal the scanner has its own words for, read from the server's error details
 * (README, errors; docs/formats.md section 10): the refusals of the signing device, which the
 * server does not remember (section 5: they say who sent the step, not what it says), and a
 * step dated ahead of the server's clock (remembered: its correction is a new step).
 */
final class Refusals {
  /** The device is retired: its steps are refused from then on. */
  static final String DEVICE_RETIRED = "DEVICE:RETIRED";
  /** The server does not know the device. */
  static final String DEVICE_UNKNOWN = "DEVICE:UNKNOWN";
  /** The device is enrolled at another site than the step's. */
  static final String DEVICE_OTHER_SITE = "DEVICE:OTHER_SITE";
  /** The device signature is malformed or does not verify under the device's key. */
  static final String SIGNATURE = "SIGNATURE";
  /** The step's time is ahead of the server's clock: this device's clock ran ahead. */
  static final String CLOCK_AHEAD = "CLOCK_AHEAD";

  private Refusals() {}

  /**
   * Whether a step's refusal is of who sent it, not of what it says (the server does not
   * remember it, and the same step from a certificate of its site may pass): UNAUTHENTICATED, or
   * PERMISSION_DENIED for the acting site or the kind of caller (ErrorInfo reason ACTING_SITE,
   * KIND). A denial of the step's units (UNIT_CUSTODY: the caller's organisation does not hold
   * them) is about the step and stays a refusal.
   */
  static boolean ofTheCaller(com.google.rpc.Status status) {
    if (status.getCode() == Code.UNAUTHENTICATED_VALUE) {
      return true;
    }
    if (status.getCode() != Code.PERMISSION_DENIED_VALUE) {
      return false;
    }
    for (Any any : status.getDetailsList()) {
      try {
        if (any.is(ErrorInfo.class)) {
          String reason = any.unpack(ErrorInfo.class).getReason();
          return reason.equals("ACTING_SITE") || reason.equals("KIND");
        }
      } catch (InvalidProtocolBufferException ignored) {
        // a detail that does not parse says nothing
      }
    }
    return false;
  }

  /** The kind of a refusal, or null when it is not one of the device's. */
  static String kind(com.google.rpc.Status status) {
    for (Any any : status.getDetailsList()) {
      try {
        if (status.getCode() == Code.FAILED_PRECONDITION_VALUE && any.is(ErrorInfo.class)) {
          ErrorInfo info = any.unpack(ErrorInfo.class);
          if (info.getReason().equals("DEVICE")) {
            return "DEVICE:" + info.getMetadataOrDefault("refusal", "");
          }
        }
        if (status.getCode() == Code.INVALID_ARGUMENT_VALUE && any.is(BadRequest.class)) {
          for (BadRequest.FieldViolation v : any.unpack(BadRequest.class)
              .getFieldViolationsList()) {
            if (v.getField().endsWith("device_signature") || v.getField().equals("device")
                || v.getField().endsWith(".device")) {
              return SIGNATURE;
            }
            if ((v.getField().equals("event_time") || v.getField().endsWith(".event_time"))
                && v.getDescription().contains("ahead of the server clock")) {
              return CLOCK_AHEAD;
            }
          }
        }
      } catch (InvalidProtocolBufferException ignored) {
        // a detail that does not parse says nothing we have words for
      }
    }
    return null;
  }
}
