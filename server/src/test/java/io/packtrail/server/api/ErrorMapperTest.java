package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.rpc.Code;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.ingest.IngestUnavailableException;
import io.packtrail.server.security.PermissionDeniedException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
  @Test
  void eachDomainFailureHasItsCode() {
    assertEquals(Code.INVALID_ARGUMENT_VALUE,
        ErrorMapper.toStatus(new InvalidArgumentException("f", "bad")).getCode());
    assertEquals(Code.FAILED_PRECONDITION_VALUE,
        ErrorMapper.toStatus(new FailedPreconditionException("STATE", "units/x", "no")).getCode());
    assertEquals(Code.NOT_FOUND_VALUE,
        ErrorMapper.toStatus(new NotFoundException("units/x", "unit")).getCode());
    assertEquals(Code.ALREADY_EXISTS_VALUE,
        ErrorMapper.toStatus(new AlreadyExistsException("units/x", "taken")).getCode());
    assertEquals(Code.UNAVAILABLE_VALUE,
        ErrorMapper.toStatus(new IngestUnavailableException("queue full")).getCode());
    assertEquals(Code.PERMISSION_DENIED_VALUE,
        ErrorMapper.toStatus(new PermissionDeniedException(
            io.packtrail.server.security.Caller.UNAUTHENTICATED, "KIND", "not here")).getCode());
    assertEquals(Code.RESOURCE_EXHAUSTED_VALUE, ErrorMapper.toStatus(
        new io.packtrail.server.domain.LimitExceededException("requests", "too many", null))
        .getCode());
  }

  @Test
  void notReachingTheDatabaseIsUnavailableAndAFailingStatementIsNot() {
    var poolTimedOut = new org.jdbi.v3.core.ConnectionException(
        new java.sql.SQLTransientConnectionException("Connection is not available"));
    assertEquals(Code.UNAVAILABLE_VALUE, ErrorMapper.toStatus(poolTimedOut).getCode());
    var connectionBroke = new IllegalStateException(new org.postgresql.util.PSQLException(
        "An I/O error occurred", org.postgresql.util.PSQLState.CONNECTION_FAILURE));
    assertEquals(Code.UNAVAILABLE_VALUE, ErrorMapper.toStatus(connectionBroke).getCode());
    var serverStopping = new java.sql.SQLException("terminating connection", "57P01");
    assertEquals(Code.UNAVAILABLE_VALUE, ErrorMapper.toStatus(serverStopping).getCode());
    var constraint = new java.sql.SQLException("duplicate key value", "23505");
    assertEquals(Code.INTERNAL_VALUE, ErrorMapper.toStatus(constraint).getCode());
  }

  @Test
  void failuresArriveUnwrappedFromFutures() {
    assertEquals(Code.NOT_FOUND_VALUE, ErrorMapper.toStatus(
        new CompletionException(new NotFoundException("units/x", "unit"))).getCode());
  }

  @Test
  void anUnexpectedFailureIsInternalAndTellsTheCallerNothingOfIt() {
    var status = ErrorMapper.toStatus(new IllegalStateException(
        "password=hunter2 at org.postgresql.Driver"));
    assertEquals(Code.INTERNAL_VALUE, status.getCode());
    assertFalse(status.getMessage().contains("hunter2"), status.getMessage());
    assertFalse(status.getMessage().contains("Exception"), status.getMessage());
    assertEquals(0, status.getDetailsCount());
  }

  @Test
  void aFailureOfACallItsCallerGaveUpIsCancelledNotInternal() throws Exception {
    // the statement of a call whose caller went away is cancelled with it (CallCancelsStatements)
    // and fails: that is the caller's doing, not a server fault to log as INTERNAL
    var failure = new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
        new java.sql.SQLException("canceling statement due to user request", "57014"), null);
    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    assertEquals(Code.INTERNAL_VALUE, call.call(() -> ErrorMapper.toStatus(failure)).getCode(),
        "a call still wanted: the same failure is the server's");
    call.cancel(null);
    var status = call.call(() -> ErrorMapper.toStatus(failure));
    assertEquals(Code.CANCELLED_VALUE, status.getCode());
    assertEquals("the call was cancelled or passed its deadline", status.getMessage());
    assertEquals(0, status.getDetailsCount());
  }
}
