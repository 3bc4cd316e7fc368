package io.packtrail.scanner;

import io.grpc.StatusRuntimeException;

/** What the scanner tells a worker: plain words, and always what to do next. */
final class Words {
  private Words() {}

  static final String SAVED_OFFLINE = "saved, will send when online";

  /** A gRPC failure in a line: what went wrong, without a stack trace. */
  static String status(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    if (io.packtrail.client.tls.TlsFailures.refusedByServer(e)) {
      return "the server refused this device's certificate at the TLS handshake ("
          + io.packtrail.client.tls.TlsFailures.handshakeWords(e) + "): it expired, or is not "
          + "of the CA this server trusts; enroll again ('packtrail-scanner enroll --code "
          + "NEW-CODE --device-id NEW-ID --force', which calls with the worker's certificate), "
          + "else ask for a new certificate";
    }
    if (io.packtrail.client.tls.TlsFailures.handshakeRefused(e)) {
      return "this scanner refused the server's certificate at the TLS handshake ("
          + io.packtrail.client.tls.TlsFailures.handshakeWords(e) + "): it expired, is not "
          + "signed by the CA this scanner trusts (--ca-cert), or is not for the name in "
          + "--server; check those, else tell the deployment's operator";
    }
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE -> "the server cannot be reached"
          + (description == null ? "" : " (" + description + ")");
      case DEADLINE_EXCEEDED -> "the server did not answer in time";
      case UNAUTHENTICATED -> "the server does not accept this device's certificate ("
          + description + "); if this device was retired, enroll it again ('packtrail-scanner "
          + "enroll --code NEW-CODE --device-id NEW-ID --force', which calls with the worker's "
          + "certificate), else ask for a new certificate";
      default -> e.getStatus().getCode() + (description == null ? "" : ": " + description);
    };
  }

  /** A step the server refused: its reason and what the worker does now. */
  static String refusedStep(Outbox.Entry e, String code, String message, String refusal) {
    return "!! #" + e.id() + " " + e.step() + " " + e.unitCode() + " REFUSED by the server ("
        + code + "): " + message + "\n   " + nextAfterRefusal(e.id(), code, refusal);
  }

  /** What to do about a refused step; {@code refusal} is its {@link Refusals} kind or null. */
  static String nextAfterRefusal(long id, String code, String refusal) {
    String fix = "fix it with 'outbox correct " + id + " --step ... (the right details)', or "
        + "drop it with 'outbox discard " + id + "'";
    String resign = "'outbox correct " + id + "' then signs the same step again with this "
        + "device's current key and sends it under a new event id";
    if (refusal != null) {
      switch (refusal) {
        case Refusals.DEVICE_RETIRED -> {
          return "this device was retired by your organisation, so the server refuses what it "
              + "signed: ask for a new enrollment code, enroll again under a new device id "
              + "('packtrail-scanner enroll --code NEW-CODE --device-id NEW-ID --force'); "
              + resign;
        }
        case Refusals.DEVICE_UNKNOWN -> {
          return "the server does not know the device that signed this step: enroll this "
              + "device ('packtrail-scanner enroll --code NEW-CODE --device-id NEW-ID "
              + "--force'); " + resign;
        }
        case Refusals.DEVICE_OTHER_SITE -> {
          return "the device that signed this step is enrolled at another site than the "
              + "step's: record steps at the device's own site, or enroll it at this site "
              + "('enroll --code CODE-OF-THIS-SITE --device-id NEW-ID --force'); " + resign
              + "; or 'outbox discard " + id + "'";
        }
        case Refusals.SIGNATURE -> {
          return "the device signature of this step does not verify on the server: the saved "
              + "step or this device's key was altered, or the key is not the enrolled one. "
              + "Tell your supervisor; " + resign + "; if that is refused too, enroll again "
              + "('enroll --code NEW-CODE --device-id NEW-ID --force') and correct it once more";
        }
        case Refusals.CLOCK_AHEAD -> {
          return "this device's clock ran ahead when the step was scanned: set the clock right, "
              + "then 'outbox correct " + id + " --now' dates the step now and sends it, or "
              + "'outbox discard " + id + "'";
        }
        default -> { }
      }
    }
    return switch (code) {
      case "FAILED_PRECONDITION" -> "the unit's state, custody or site does not allow this step "
          + "now: check the unit ('trace CODE'); " + fix + "; if the step before it is still on "
          + "another device, send that first and then 'outbox correct " + id + "' to try again";
      case "INVALID_ARGUMENT" -> "a detail of the step is wrong: " + fix;
      case "NOT_FOUND" -> "the server does not know the unit or a site named in the step: "
          + fix;
      case "ALREADY_EXISTS" -> "this event id was used before with other content: discard it "
          + "and scan again";
      case "PERMISSION_DENIED", "UNAUTHENTICATED" -> "this device or site may not record it: "
          + "ask your supervisor; then discard or correct it";
      default -> fix;
    };
  }

  /** A label refused at scan time, loud, and what to do. */
  static String refusedLabel(String refusal, String detail) {
    return "!!!!!!!! LABEL REFUSED (" + refusal + "): " + detail + "\n"
        + "!!!!!!!! Nothing was recorded. Set this unit aside and tell your supervisor; do not "
        + "ship or process it under this label.";
  }
}
