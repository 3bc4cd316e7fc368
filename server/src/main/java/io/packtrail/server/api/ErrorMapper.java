package io.packtrail.server.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import com.google.rpc.ResourceInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.packtrail.server.app.Failures;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.LimitExceededException;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.FieldViolation;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.ingest.IngestUnavailableException;
import io.packtrail.server.ingest.StepNotStoredException;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.PermissionDeniedException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from failures to gRPC statuses with google.rpc details. Anything unexpected
 * becomes INTERNAL with a generic message (the cause goes to the log, never to the caller).
 */
public final class ErrorMapper {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);
  /**
   * An error travels in HTTP/2 trailers, which clients cap (grpc-java at 8 KiB): beyond that the
   * call breaks instead of failing cleanly. So the message and the details are bounded whatever
   * the input; these leave room for percent-encoding and base64.
   */
  static final int MAX_MESSAGE = 500;
  static final int MAX_DETAIL_BYTES = 3000;
  private static final int MAX_DETAIL_TEXT = 500;

  /** google.rpc.ErrorInfo.domain of Packtrail's own refusals. */
  public static final String ERROR_DOMAIN = "packtrail.io";

  private ErrorMapper() {}

  public static StatusRuntimeException toStatusException(Throwable failure) {
    return StatusProto.toStatusRuntimeException(toStatus(failure));
  }

  /** The google.rpc.Status for a failure; batch RPCs put it in their per-item results. */
  public static com.google.rpc.Status toStatus(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof InvalidArgumentException e) {
      BadRequest.Builder details = BadRequest.newBuilder();
      capped(e.violations(), v -> BadRequest.FieldViolation.newBuilder()
          .setField(cut(v.field(), MAX_DETAIL_TEXT))
          .setDescription(cut(v.description(), MAX_DETAIL_TEXT)).build(),
          more -> BadRequest.FieldViolation.newBuilder().setDescription(more).build(),
          details::addFieldViolations);
      return status(Code.INVALID_ARGUMENT, e.getMessage(), Any.pack(details.build()));
    }
    if (t instanceof FailedPreconditionException e) {
      PreconditionFailure.Builder details = PreconditionFailure.newBuilder();
      capped(e.violations(), v -> PreconditionFailure.Violation.newBuilder()
          .setType(cut(v.type(), MAX_DETAIL_TEXT)).setSubject(cut(v.subject(), MAX_DETAIL_TEXT))
          .setDescription(cut(v.description(), MAX_DETAIL_TEXT)).build(),
          more -> PreconditionFailure.Violation.newBuilder().setDescription(more).build(),
          details::addViolations);
      com.google.rpc.Status.Builder status = status(Code.FAILED_PRECONDITION, e.getMessage(),
          Any.pack(details.build())).toBuilder();
      // the first violation, machine-readable: its type as the reason, its facts as metadata
      // (in key order, so the same refusal is the same bytes: a re-send is answered with them)
      PreconditionViolation first = e.violations().get(0);
      status.addDetails(Any.pack(ErrorInfo.newBuilder().setReason(first.type())
          .setDomain(ERROR_DOMAIN).putMetadata("subject", first.subject())
          .putAllMetadata(new java.util.TreeMap<>(first.metadata())).build()));
      return status.build();
    }
    if (t instanceof NotFoundException e) {
      return status(Code.NOT_FOUND, e.getMessage(), Any.pack(ResourceInfo.newBuilder()
          .setResourceName(cut(e.resourceName(), MAX_DETAIL_TEXT))
          .setDescription(cut(e.getMessage(), MAX_DETAIL_TEXT)).build()));
    }
    if (t instanceof AlreadyExistsException e) {
      return status(Code.ALREADY_EXISTS, e.getMessage(), Any.pack(ResourceInfo.newBuilder()
          .setResourceName(cut(e.resourceName(), MAX_DETAIL_TEXT))
          .setDescription(cut(e.getMessage(), MAX_DETAIL_TEXT)).build()));
    }
    if (t instanceof IngestUnavailableException e) {
      return status(Code.UNAVAILABLE, e.getMessage(), null);
    }
    if (t instanceof StepNotStoredException e) {
      ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason("STEP_NOT_STORED")
          .setDomain(ERROR_DOMAIN);
      if (e.sqlState() != null) {
        info.putMetadata("sql_state", e.sqlState());
      }
      return status(Code.INTERNAL, e.getMessage(), Any.pack(info.build()));
    }
    if (t instanceof PermissionDeniedException e) {
      return denied(e);
    }
    if (t instanceof Authorization.Denied e) {
      return denied(Caller.current().denied(e));
    }
    if (t instanceof LimitExceededException e) {
      com.google.rpc.Status.Builder status = status(Code.RESOURCE_EXHAUSTED, e.getMessage(),
          Any.pack(QuotaFailure.newBuilder().addViolations(QuotaFailure.Violation.newBuilder()
              .setSubject(cut(e.subject(), MAX_DETAIL_TEXT))
              .setDescription(cut(e.getMessage(), MAX_DETAIL_TEXT))).build())).toBuilder();
      if (e.retryAfter() != null) {
        status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(
            com.google.protobuf.Duration.newBuilder().setSeconds(e.retryAfter().getSeconds())
                .setNanos(e.retryAfter().getNano())).build()));
      }
      return status.build();
    }
    if (Failures.isStorageUnreachable(t)) {
      log.debug("database unreachable: {}", t.toString()); // the health probe logs the outage
      return status(Code.UNAVAILABLE, "the database is unreachable; retry later", null);
    }
    if (t instanceof StatusRuntimeException e) {
      com.google.rpc.Status s = StatusProto.fromThrowable(e);
      return s != null ? s : com.google.rpc.Status.newBuilder()
          .setCode(e.getStatus().getCode().value())
          .setMessage(String.valueOf(e.getStatus().getDescription())).build();
    }
    if (io.grpc.Context.current().isCancelled()) {
      // the caller gave up (cancelled, or its deadline passed) and its statement was cancelled
      // with it (CallCancelsStatements): nobody reads this answer, and nothing is wrong here
      log.debug("call ended by its caller: {}", t.toString());
      return status(Code.CANCELLED, "the call was cancelled or passed its deadline", null);
    }
    log.error("unexpected failure", t);
    return status(Code.INTERNAL, "internal error; the request was not completed", null);
  }

  /**
   * PERMISSION_DENIED with the broken rule as ErrorInfo reason; every denial passes here once,
   * so this is where it is logged: one line, who, what, which rule.
   */
  private static com.google.rpc.Status denied(PermissionDeniedException e) {
    Caller caller = e.caller();
    log.warn("permission denied: {} calling {}: rule {}: {}", caller.principal(),
        caller.method(), e.rule(), e.getMessage());
    return status(Code.PERMISSION_DENIED, e.getMessage(), Any.pack(ErrorInfo.newBuilder()
        .setReason(e.rule()).setDomain(ERROR_DOMAIN).build()));
  }

  private static com.google.rpc.Status status(Code code, String message, Any detail) {
    com.google.rpc.Status.Builder s =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber())
            .setMessage(cut(message, MAX_MESSAGE));
    if (detail != null) {
      s.addDetails(detail);
    }
    return s.build();
  }

  /**
   * Adds each violation's detail until they would pass {@link #MAX_DETAIL_BYTES}, then one
   * saying how many more there are: clients cap the trailers the details travel in (grpc-java
   * at 8 KiB), and a dismantling into 500 children can break 500 rules.
   */
  private static <V, D extends com.google.protobuf.Message> void capped(List<V> violations,
      java.util.function.Function<V, D> detail, java.util.function.Function<String, D> more,
      java.util.function.Consumer<D> add) {
    int size = 0;
    int added = 0;
    for (V v : violations) {
      D d = detail.apply(v);
      size += d.getSerializedSize() + 4;
      if (size > MAX_DETAIL_BYTES) {
        add.accept(more.apply("and " + (violations.size() - added)
            + " more violations not listed"));
        return;
      }
      add.accept(d);
      added++;
    }
  }

  /** The text, cut to at most {@code max} characters (never inside a surrogate pair). */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 3;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "...";
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
