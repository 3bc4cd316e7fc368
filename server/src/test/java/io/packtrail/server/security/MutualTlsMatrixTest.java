package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.IssuedCertificates;
import io.packtrail.server.testing.Credentials;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The authorization matrix over real mutual TLS: every RPC called with a certificate of every
 * kind of principal, issued by the deployment CA, has the outcome the table gives it (the same
 * cases as {@link AuthorizationMatrixTest}, which runs them in process). And every RPC refuses a
 * revoked certificate (UNAUTHENTICATED, from the resolver) and an expired one, another CA's and
 * none at all (UNAVAILABLE: the TLS handshake refuses them before any call, the deployment's
 * choice, see docs/decisions.md).
 */
class MutualTlsMatrixTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  static final Map<Principal, ManagedChannel> channels = new ConcurrentHashMap<>();

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @AfterAll
  static void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }

  /** One certificate and one connection per principal of the matrix. */
  static Channel over(Principal p) {
    return channels.computeIfAbsent(p,
        k -> harness.credentials(k).builder(harness.target()).buildChannel());
  }

  @TestFactory
  Stream<DynamicTest> everyRpcForACertificateOfEveryKind() {
    return AuthorizationMatrixTest.cases(harness.services(), MutualTlsMatrixTest::over,
        TestPrincipals.oneOfEachKind());
  }

  @TestFactory
  Stream<DynamicTest> everyRpcRefusesRevokedExpiredForeignAndMissingCertificates() {
    Principal operator = new Principal(Principal.Kind.OPERATOR, null, null, null, null);
    // revoked as 'pki revoke' does it; running servers see it within their cache time
    Credentials revoked = harness.credentials(operator);
    new IssuedCertificates(harness.jdbi(), Clock.systemUTC()).revoke(revoked.serial(), "test");
    ManagedChannel revokedChannel = keep(revoked);
    MutualTlsTest.eventually(Status.Code.UNAUTHENTICATED, () -> {
      io.packtrail.v1.LabelServiceGrpc.newBlockingStub(revokedChannel)
          .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
          .getTrustList(io.packtrail.v1.GetTrustListRequest.getDefaultInstance());
      return null;
    });

    KeyPair keys = TlsKeys.generate();
    IssuedCertificate old = harness.ca().withClock(Clock.fixed(Instant.now().minus(
        Duration.ofDays(730)), ZoneOffset.UTC)).issue(operator, "expired", keys.getPublic(),
        Duration.ofDays(30));
    Map<String, Channel> refused = Map.of(
        "a revoked certificate", revokedChannel,
        "an expired certificate", keep(new Credentials(old, keys.getPrivate(),
            harness.caPem())),
        "a certificate of another CA", keep(foreign(operator)),
        "no certificate", keep(null));

    List<DynamicTest> tests = new ArrayList<>();
    for (ServerServiceDefinition service : harness.services()) {
      if (!service.getServiceDescriptor().getName().startsWith("packtrail.v1.")) {
        continue;
      }
      for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
        MethodDescriptor<?, ?> method = m.getMethodDescriptor();
        refused.forEach((what, channel) -> {
          Status.Code expected = what.equals("a revoked certificate")
              ? Status.Code.UNAUTHENTICATED : Status.Code.UNAVAILABLE;
          tests.add(DynamicTest.dynamicTest(method.getFullMethodName() + " with " + what
              + ": " + expected, () -> assertEquals(expected,
                  // a refused stream ends at once; the wait only bounds a wrong answer
                  AuthorizationMatrixTest.call(channel, method, new byte[0], 10_000))));
        });
      }
    }
    return tests.stream();
  }

  /**
   * A connection with these credentials (null: none) that trusts the deployment CA, without the
   * SDK's retries of UNAVAILABLE (a refused handshake is final here); closed after the class.
   */
  private static ManagedChannel keep(Credentials credentials) {
    io.grpc.TlsChannelCredentials.Builder tls = io.grpc.TlsChannelCredentials.newBuilder();
    try {
      tls.trustManager(new java.io.ByteArrayInputStream(harness.caPem()));
      if (credentials != null) {
        tls.keyManager(new java.io.ByteArrayInputStream(credentials.certificatePem()),
            new java.io.ByteArrayInputStream(credentials.keyPem()));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(harness.target(), tls.build())
        .disableRetry().build();
    channels.put(new Principal(Principal.Kind.OPERATOR, null, null, null,
        "kept-" + channels.size()), channel);
    return channel;
  }

  private static Credentials foreign(Principal principal) {
    DeploymentCa other = DeploymentCa.throwaway(Clock.systemUTC());
    KeyPair keys = TlsKeys.generate();
    return new Credentials(other.issue(principal, "foreign", keys.getPublic(),
        DeploymentCa.CLIENT_VALIDITY), keys.getPrivate(), harness.caPem());
  }
}
