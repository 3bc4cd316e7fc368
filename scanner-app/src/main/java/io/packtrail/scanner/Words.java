package io.packtrail.scanner;

import io.grpc.StatusRuntimeException;

/** What the scanner tells a worker: plain words, and always what to do next. */
final class Words {
  private Words() {}

  static final String SAVED_OFFLINE = "saved, will send when online";

  /** A gRPC failure in a line: what went wrong, without a stack trace. */
  static String status(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE -> "the server cannot be reached"
          + (description == null ? "" : " (" + description + ")");
      case DEADLINE_EXCEEDED -> "the server did not answer in time";
      default -> e.getStatus().getCode() + (description == null ? "" : ": " + description);
    };
  }

  /** A step the server refused: its reason and what the worker does now. */
  static String refusedStep(Outbox.Entry e, String code, String message) {
    return "!! #" + e.id() + " " + e.step() + " " + e.unitCode() + " REFUSED by the server ("
        + code + "): " + message + "\n   " + nextAfterRefusal(e.id(), code);
  }

  /** What to do about a refused step. */
  static String nextAfterRefusal(long id, String code) {
    String fix = "fix it with 'outbox correct " + id + " --step ... (the right details)', or "
        + "drop it with 'outbox discard " + id + "'";
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
