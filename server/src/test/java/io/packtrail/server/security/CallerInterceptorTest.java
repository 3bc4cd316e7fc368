package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.packtrail.server.api.ErrorMapper;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * A resolver that fails for another reason than a refused certificate: with mutual TLS the
 * revocation check reads the database once its second-long cache lapses, so an outage reaches
 * the resolver. The call is answered as the services answer an outage, UNAVAILABLE (which the
 * SDK retries and its watches outlast), not grpc's bare UNKNOWN.
 */
class CallerInterceptorTest {
  @Test
  void aDatabaseOutageInTheResolverIsUnavailableAndAnyOtherFaultInternalNeverUnknown()
      throws Exception {
    assertEquals(Status.Code.UNAVAILABLE, healthCheckWith((transport, headers) -> {
      throw new org.jdbi.v3.core.ConnectionException(new SQLTransientConnectionException(
          "packtrail - Connection is not available, request timed out after 1000ms"));
    }).getStatus().getCode());
    StatusRuntimeException fault = healthCheckWith((transport, headers) -> {
      throw new IllegalStateException("a bug");
    });
    assertEquals(Status.Code.INTERNAL, fault.getStatus().getCode());
    assertTrue(!String.valueOf(fault.getStatus().getDescription()).contains("a bug"),
        "no internals: " + fault.getStatus());
  }

  private static StatusRuntimeException healthCheckWith(CallerResolver resolver)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(),
            new CallerInterceptor(resolver, ErrorMapper::toStatusException)))
        .build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      return assertThrows(StatusRuntimeException.class,
          () -> HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()));
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
