package io.packtrail.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** Assertions on gRPC failures and their google.rpc details. */
public final class Statuses {
  private Statuses() {}

  /** Runs the call, asserts it fails with the code, and returns the rich status. */
  public static com.google.rpc.Status assertFails(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    String description = String.valueOf(e.getStatus().getDescription());
    assertFalse(description.contains("Exception") || description.contains("\tat "),
        "no stack trace or exception names reach the client: " + description);
    com.google.rpc.Status rich = StatusProto.fromThrowable(e);
    return rich != null ? rich : com.google.rpc.Status.newBuilder()
        .setCode(code.value()).setMessage(description).build();
  }

  /**
   * Asserts the call is refused with PERMISSION_DENIED by the rule (ErrorInfo reason: KIND or a
   * scope of the authorization table) and returns the status.
   */
  public static com.google.rpc.Status assertDenied(String rule, Executable call) {
    com.google.rpc.Status status = assertFails(Status.Code.PERMISSION_DENIED, call);
    assertEquals(rule, unpack(status, com.google.rpc.ErrorInfo.class).getReason(),
        status.getMessage());
    return status;
  }

  public static List<BadRequest.FieldViolation> fieldViolations(com.google.rpc.Status status) {
    return unpack(status, BadRequest.class).getFieldViolationsList();
  }

  public static List<PreconditionFailure.Violation> preconditions(com.google.rpc.Status status) {
    return unpack(status, PreconditionFailure.class).getViolationsList();
  }

  /** Asserts a BadRequest names the field, and the description contains the text. */
  public static void assertViolation(com.google.rpc.Status status, String field, String text) {
    List<BadRequest.FieldViolation> violations = fieldViolations(status);
    assertTrue(violations.stream().anyMatch(v -> v.getField().equals(field)
            && v.getDescription().contains(text)),
        "expected a violation of " + field + " mentioning '" + text + "' in " + violations);
  }

  /** The first detail of the type; fails when there is none. */
  public static <T extends com.google.protobuf.Message> T unpack(com.google.rpc.Status status,
      Class<T> type) {
    for (Any detail : status.getDetailsList()) {
      if (detail.is(type)) {
        try {
          return detail.unpack(type);
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + status);
  }
}
