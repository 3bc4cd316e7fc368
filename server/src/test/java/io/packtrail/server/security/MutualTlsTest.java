package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.tls.Pem;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.IssuedCertificates;
import io.packtrail.server.pki.PkiFiles;
import io.packtrail.server.testing.Credentials;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.EnrollDeviceRequest;
import io.packtrail.v1.EnrollDeviceResponse;
import io.packtrail.v1.ListUnitsRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS end to end over Netty, with the real CA, resolver and revocation table: a valid
 * certificate is the principal it names; a revoked one is refused on the next call (also on an
 * open connection) without a restart; expired, foreign and missing certificates are refused by
 * the handshake; the SDK refuses a server the deployment CA did not certify; a device gets its
 * certificate by enrolling, and loses it when retired.
 */
class MutualTlsTest {
  static final Clock CLOCK = Clock.systemUTC();
  static TestDatabases.Fresh db;
  static Jdbi jdbi;
  static KeySealer sealer = KeySealer.random();
  static DeploymentCa ca;
  static byte[] caPem;
  static PacktrailServer server;
  /** Every caller the server's resolver accepted, in order. */
  static final Queue<Caller> accepted = new ConcurrentLinkedQueue<>();
  static Credentials operator;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabases.create("MutualTlsTest");
    jdbi = db.database().jdbi();
    ca = DeploymentCa.loadOrCreate(jdbi, sealer, CLOCK);
    caPem = Pem.certificate(ca.certificate()).getBytes(StandardCharsets.US_ASCII);
    server = tlsServer(ca, observing(new CertificateCallerResolver(ca.certificate(),
        new IssuedCertificates(jdbi, CLOCK), CLOCK)));
    operator = issue(new Principal(Principal.Kind.OPERATOR, null, null, null, null));
    try (PacktrailClient client = operator.builder(target()).build()) {
      Fixtures.network(client);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
    db.close();
  }

  @BeforeEach
  void forget() {
    accepted.clear();
  }

  static CallerResolver observing(CallerResolver real) {
    return (transport, headers) -> {
      Caller c = real.resolve(transport, headers);
      accepted.add(c);
      return c;
    };
  }

  /** A server on loopback whose certificate {@code issuer} made, trusting the deployment CA. */
  static PacktrailServer tlsServer(DeploymentCa issuer, CallerResolver resolver)
      throws Exception {
    KeyPair keys = TlsKeys.generate();
    IssuedCertificate cert = issuer.issueServer(PkiFiles.LOOPBACK_NAMES, keys.getPublic(),
        DeploymentCa.SERVER_VALIDITY);
    return PacktrailServer.start(NettyServerBuilder.forAddress(
            new InetSocketAddress("127.0.0.1", 0))
            .sslContext(ServerTls.context(ca.certificate(), DeploymentCa.x509(cert.der()),
                keys.getPrivate())),
        jdbi, PacktrailServer.Settings.defaults().withSealer(sealer)
            .withLog(null, Duration.ZERO).withCallerResolver(resolver));
  }

  static String target() {
    return "127.0.0.1:" + server.port();
  }

  static Credentials issue(Principal p) {
    return issue(ca, p);
  }

  static Credentials issue(DeploymentCa by, Principal p) {
    KeyPair keys = TlsKeys.generate();
    return new Credentials(by.issue(p, "test " + p.kind(), keys.getPublic(),
        DeploymentCa.CLIENT_VALIDITY), keys.getPrivate(), caPem);
  }

  static void call(PacktrailClient client) {
    client.listUnits(ListUnitsRequest.newBuilder().setPageSize(1).build());
  }

  @Test
  void aValidCertificateIsThePrincipalItNamesWithItsSerial() {
    List<Principal> principals = List.of(
        new Principal(Principal.Kind.OPERATOR, null, null, null, null),
        new Principal(Principal.Kind.ORGANIZATION_SYSTEM, Fixtures.RECYCLER, null, null, null),
        new Principal(Principal.Kind.WORKER, Fixtures.DEALER, Fixtures.STATION, null, null),
        new Principal(Principal.Kind.DEVICE, Fixtures.DEALER, Fixtures.STATION,
            Fixtures.STATION + "/devices/dock-9", null),
        new Principal(Principal.Kind.AUDITOR, null, null, null, null),
        new Principal(Principal.Kind.REGULATOR, Fixtures.REGULATOR, null, null, null));
    for (Principal p : principals) {
      Credentials credentials = issue(p);
      accepted.clear();
      try (PacktrailClient client = credentials.builder(target()).build()) {
        call(client);
      }
      Principal expected = new Principal(p.kind(), p.organization(), p.site(), p.device(),
          credentials.serial());
      assertEquals(List.of(new Caller(expected)), List.copyOf(accepted), p.kind().name());
      assertTrue(credentials.serial().matches("[4-7][0-9a-f]{31}"), credentials.serial());
    }
  }

  @Test
  void aCertificateRevokedWhileTheServerRunsIsRefusedOnTheNextCallsWithoutARestart() {
    Credentials worker = issue(new Principal(Principal.Kind.WORKER, Fixtures.DEALER,
        Fixtures.STATION, null, null));
    try (PacktrailClient open = worker.builder(target()).build()) {
      call(open);
      // revoked as 'pki revoke' does it: another process, the same table
      new IssuedCertificates(jdbi, CLOCK).revoke(worker.serial(), "laptop stolen");
      StatusRuntimeException refused = eventually(Status.Code.UNAUTHENTICATED, () -> {
        call(open);
        return null;
      });
      assertTrue(refused.getStatus().getDescription().contains("certificate " + worker.serial()
          + " was revoked at") && refused.getStatus().getDescription()
          .contains("(laptop stolen)"), refused.getStatus().toString());
      // a new connection with it fares no better
      try (PacktrailClient fresh = worker.builder(target()).build()) {
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
            () -> call(fresh));
        assertEquals(Status.Code.UNAUTHENTICATED, again.getStatus().getCode());
      }
    }
    // the operator's certificate is not affected
    try (PacktrailClient client = operator.builder(target()).build()) {
      call(client);
    }
  }

  /**
   * A watch stream opened before its certificate was revoked ends UNAUTHENTICATED within about
   * a second or two (the status cache's second, and the stream's wake-up): before, it went on
   * sending the organisation's events for as long as the client kept it open.
   */
  @Test
  void anOpenWatchEndsWhenItsCertificateIsRevoked() throws Exception {
    Credentials worker = issue(new Principal(Principal.Kind.WORKER, Fixtures.DEALER,
        Fixtures.STATION, null, null));
    io.grpc.ManagedChannel channel = worker.builder(target()).buildChannel();
    try {
      java.util.Iterator<io.packtrail.v1.WatchEventsResponse> stream =
          io.packtrail.v1.EventServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
              .watchEvents(io.packtrail.v1.WatchEventsRequest.newBuilder().setFromHead(true)
                  .build());
      java.util.concurrent.CompletableFuture<StatusRuntimeException> ended =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              while (stream.hasNext()) {
                stream.next();
              }
              return null;
            } catch (StatusRuntimeException e) {
              return e;
            }
          });
      Thread.sleep(300); // the stream is open
      new IssuedCertificates(jdbi, CLOCK).revoke(worker.serial(), "laptop stolen");
      StatusRuntimeException e = ended.get(40, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAUTHENTICATED, e == null ? null : e.getStatus().getCode(),
          String.valueOf(e));
      assertTrue(e.getStatus().getDescription().contains("certificate " + worker.serial()
          + " was revoked at"), e.getStatus().toString());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void anExpiredCertificateIsRefusedByTheHandshake() {
    Clock twoYearsAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(730)), ZoneOffset.UTC);
    KeyPair keys = TlsKeys.generate();
    IssuedCertificate old = ca.withClock(twoYearsAgo).issue(new Principal(
        Principal.Kind.OPERATOR, null, null, null, null), "expired", keys.getPublic(),
        Duration.ofDays(30));
    assertTrue(old.notAfter().isBefore(Instant.now()));
    Credentials expired = new Credentials(old, keys.getPrivate(), caPem);
    // the SDK connects with it (its own clock may be the wrong one); the server refuses it
    expired.builder(target()).build().close();
    assertHandshakeRefused(caPem, expired.certificatePem(), expired.keyPem(),
        "ALERT_CERTIFICATE_EXPIRED");
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedByTheHandshake() {
    DeploymentCa foreign = DeploymentCa.throwaway(CLOCK);
    // the server asks for a certificate of the deployment CA; a client holding only another
    // CA's sends none (CERTIFICATE_REQUIRED), one that sends it anyway gets UNKNOWN_CA
    Credentials other = issue(foreign, new Principal(Principal.Kind.OPERATOR, null, null,
        null, null));
    IllegalStateException sdk = assertThrows(IllegalStateException.class,
        () -> other.builder(target()).build());
    assertTrue(sdk.getMessage().contains("was not issued by the CA certificate given"),
        sdk.getMessage());
    assertHandshakeRefused(caPem, other.certificatePem(), other.keyPem(),
        "ALERT_(CERTIFICATE_REQUIRED|UNKNOWN_CA|BAD_CERTIFICATE)");
  }

  @Test
  void aClientWithoutACertificateIsRefusedByTheHandshake() {
    IllegalStateException sdk = assertThrows(IllegalStateException.class,
        () -> PacktrailClient.builder(target()).trustedCa(caPem).build());
    assertTrue(sdk.getMessage().startsWith("no client certificate for "), sdk.getMessage());
    assertHandshakeRefused(caPem, null, null, "ALERT_CERTIFICATE_REQUIRED");
  }

  @Test
  void aWatchWhoseHandshakeIsRefusedEndsAndSaysSoInsteadOfRetryingForEver() throws Exception {
    Credentials other = issue(DeploymentCa.throwaway(CLOCK), new Principal(
        Principal.Kind.OPERATOR, null, null, null, null));
    io.grpc.TlsChannelCredentials.Builder tls = io.grpc.TlsChannelCredentials.newBuilder();
    tls.trustManager(new java.io.ByteArrayInputStream(caPem));
    tls.keyManager(new java.io.ByteArrayInputStream(other.certificatePem()),
        new java.io.ByteArrayInputStream(other.keyPem()));
    io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(target(), tls.build())
        .build();
    try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
      java.util.concurrent.CompletableFuture<StatusRuntimeException> failed =
          new java.util.concurrent.CompletableFuture<>();
      PacktrailClient.EventSubscription watch = client.watchEvents(0, e -> { },
          failed::complete);
      StatusRuntimeException e = failed.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), causes(e));
      assertTrue(watch.isClosed());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void theSdkRefusesAClientKeyThatIsNotItsCertificates() {
    Credentials one = issue(new Principal(Principal.Kind.OPERATOR, null, null, null, null));
    Credentials two = issue(new Principal(Principal.Kind.OPERATOR, null, null, null, null));
    IllegalStateException sdk = assertThrows(IllegalStateException.class,
        () -> PacktrailClient.builder(target()).trustedCa(caPem)
            .clientCertificate(one.certificatePem(), two.keyPem()).build());
    assertTrue(sdk.getMessage().startsWith("the client key is not the key of the client "
        + "certificate"), sdk.getMessage());
  }

  /**
   * A client that is not the SDK (which refuses such material before it connects) presents
   * {@code certPem} (or nothing): the call fails as unavailable with the server's TLS alert (a
   * regular expression), the handshake refused; no call reached the resolver.
   */
  static void assertHandshakeRefused(byte[] ca, byte[] certPem, byte[] keyPem, String alert) {
    io.grpc.TlsChannelCredentials.Builder tls = io.grpc.TlsChannelCredentials.newBuilder();
    try {
      tls.trustManager(new java.io.ByteArrayInputStream(ca));
      if (certPem != null) {
        tls.keyManager(new java.io.ByteArrayInputStream(certPem),
            new java.io.ByteArrayInputStream(keyPem));
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(target(), tls.build())
        .build();
    try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(client));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(java.util.regex.Pattern.compile(alert).matcher(causes(e)).find(),
          "the server's TLS alert " + alert + " in " + causes(e));
    } finally {
      channel.shutdownNow();
    }
    assertEquals(List.of(), List.copyOf(accepted), "no call reached the resolver");
  }

  @Test
  void theSdkRefusesAServerWhoseCertificateTheDeploymentCaDidNotSign() throws Exception {
    Queue<Caller> impostorSaw = new ConcurrentLinkedQueue<>();
    PacktrailServer impostor = tlsServer(DeploymentCa.throwaway(CLOCK), (t, h) -> {
      impostorSaw.add(Caller.UNAUTHENTICATED);
      return Caller.UNAUTHENTICATED;
    });
    try (PacktrailClient client = operator.builder("127.0.0.1:" + impostor.port()).build()) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(client));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertTrue(causes(e).contains("SSLHandshakeException"), causes(e));
      assertTrue(impostorSaw.isEmpty(), "the client sent nothing to the impostor");
    } finally {
      impostor.close();
    }
  }

  /** A new enrollment code of the station, made by the operator. */
  static String enrollmentCode() {
    try (PacktrailClient client = operator.builder(target()).build()) {
      return client.createEnrollmentCode(Fixtures.STATION, UUID.randomUUID().toString())
          .getCode();
    }
  }

  /** A worker of the dealer at the station, with a certificate of its own. */
  static Credentials stationWorker() {
    return issue(new Principal(Principal.Kind.WORKER, Fixtures.DEALER, Fixtures.STATION, null,
        null));
  }

  static String causes(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
    }
    return s.toString();
  }

  /**
   * A device enrolled without a TLS key has no certificate; the used code, its id and its
   * (public) signing key sent again with a TLS key of someone else's must not get one: the
   * enrollment that used the code asked for none. Before, the "retry" was answered with a client
   * certificate naming the device, to anyone holding the used code.
   */
  @Test
  void aRetryCannotAddATlsKeyTheEnrollmentNeverSent() throws Exception {
    String code = enrollmentCode();
    Credentials worker = stationWorker();
    EnrollDeviceRequest plain = EnrollDeviceRequest.newBuilder().setParent(Fixtures.STATION)
        .setDeviceId("dock-11").setEnrollmentCode(code)
        .setPublicKey(ByteString.copyFrom(DeviceKey.generate().publicKey()))
        .setDisplayName("Dock 11 handheld").build();
    try (PacktrailClient asWorker = worker.builder(target()).build()) {
      assertTrue(asWorker.enrollDevice(plain).getClientCertificate().isEmpty());
      assertTrue(asWorker.enrollDevice(plain).getClientCertificate().isEmpty(), "a retry");
      var status = io.packtrail.server.testing.Statuses.assertFails(
          Status.Code.FAILED_PRECONDITION, () -> asWorker.enrollDevice(plain.toBuilder()
              .setTlsPublicKey(ByteString.copyFrom(TlsKeys.generate().getPublic().getEncoded()))
              .build()));
      assertTrue(status.getMessage().contains("with another tls_public_key, or none"),
          status.getMessage());
    }
    assertEquals(0, new IssuedCertificates(jdbi, CLOCK).list().stream()
        .filter(c -> c.principal() != null
            && (Fixtures.STATION + "/devices/dock-11").equals(c.principal().device())).count());
  }

  /**
   * A long display name of characters outside the BMP is cut for the certificate without
   * splitting one (it failed INTERNAL after the enrollment committed, on every retry).
   */
  @Test
  void aLongNameOfSupplementaryCharactersGetsItsCertificate() throws Exception {
    String code = enrollmentCode();
    Credentials worker = stationWorker();
    String name = "\uD842\uDFB7".repeat(70); // 70 characters, 140 UTF-16 units
    EnrollDeviceRequest request = EnrollDeviceRequest.newBuilder().setParent(Fixtures.STATION)
        .setDeviceId("dock-10").setEnrollmentCode(code)
        .setPublicKey(ByteString.copyFrom(DeviceKey.generate().publicKey()))
        .setDisplayName(name)
        .setTlsPublicKey(ByteString.copyFrom(TlsKeys.generate().getPublic().getEncoded())).build();
    try (PacktrailClient asWorker = worker.builder(target()).build()) {
      X509Certificate cert = DeploymentCa.x509(asWorker.enrollDevice(request)
          .getClientCertificate().toByteArray());
      String cn = cert.getSubjectX500Principal().getName();
      // 64 UTF-16 units (RFC 5280's bound as BouncyCastle counts it), no half character
      assertTrue(cn.contains("\uD842\uDFB7".repeat(32)) && !cn.contains(
          "\uD842\uDFB7".repeat(33)) && cn.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF), cn);
    }
  }

  @Test
  void aDeviceGetsItsCertificateByEnrollingAndLosesItWhenRetired() throws Exception {
    String code = enrollmentCode();
    Credentials worker = stationWorker();
    KeyPair tls = TlsKeys.generate();
    EnrollDeviceRequest request = EnrollDeviceRequest.newBuilder().setParent(Fixtures.STATION)
        .setDeviceId("dock-7").setEnrollmentCode(code)
        .setPublicKey(ByteString.copyFrom(DeviceKey.generate().publicKey()))
        .setDisplayName("Dock 7 handheld")
        .setTlsPublicKey(ByteString.copyFrom(tls.getPublic().getEncoded())).build();
    EnrollDeviceResponse enrolled;
    try (PacktrailClient asWorker = worker.builder(target()).build()) {
      enrolled = asWorker.enrollDevice(request);
      // a retry (the answer was lost) answers the same certificate
      assertArrayEquals(enrolled.getClientCertificate().toByteArray(),
          asWorker.enrollDevice(request).getClientCertificate().toByteArray());
    }
    // the used code, the device's id and its (public) signing key with a TLS key of another:
    // no certificate naming the device for that key
    try (PacktrailClient asWorker = worker.builder(target()).build()) {
      var status = io.packtrail.server.testing.Statuses.assertFails(
          Status.Code.FAILED_PRECONDITION, () -> asWorker.enrollDevice(request.toBuilder()
              .setTlsPublicKey(ByteString.copyFrom(TlsKeys.generate().getPublic().getEncoded()))
              .build()));
      assertTrue(status.getMessage().contains("with another tls_public_key, or none"),
          status.getMessage());
    }
    X509Certificate cert = DeploymentCa.x509(enrolled.getClientCertificate().toByteArray());
    cert.verify(ca.certificate().getPublicKey());
    String deviceName = Fixtures.STATION + "/devices/dock-7";
    assertEquals(List.of("packtrail:principal:device:" + deviceName),
        cert.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList());

    IssuedCertificate issued = new IssuedCertificates(jdbi, CLOCK)
        .find(CertificateCallerResolver.serial(cert)).orElseThrow();
    Credentials device = new Credentials(issued, tls.getPrivate(), caPem);
    accepted.clear();
    try (PacktrailClient asDevice = device.builder(target()).build()) {
      call(asDevice);
      assertEquals(new Principal(Principal.Kind.DEVICE, Fixtures.DEALER, Fixtures.STATION,
          deviceName, issued.serial()), accepted.peek().principal());

      try (PacktrailClient client = operator.builder(target()).build()) {
        client.retireDevice(deviceName);
      }
      StatusRuntimeException refused = eventually(Status.Code.UNAUTHENTICATED, () -> {
        call(asDevice);
        return null;
      });
      assertTrue(refused.getStatus().getDescription().contains("(device retired)"),
          refused.getStatus().toString());
    }

    // the enrollment sent again, as a retry is, with a new TLS key: the retired device gets
    // no new certificate (it was answered with a fresh, unrevoked one)
    IssuedCertificates certificates = new IssuedCertificates(jdbi, CLOCK);
    long before = certificates.list().stream()
        .filter(c -> c.principal() != null && deviceName.equals(c.principal().device())).count();
    EnrollDeviceRequest again = request.toBuilder().setTlsPublicKey(ByteString.copyFrom(
        TlsKeys.generate().getPublic().getEncoded())).build();
    try (PacktrailClient asWorker = worker.builder(target()).build()) {
      var status = io.packtrail.server.testing.Statuses.assertFails(
          Status.Code.FAILED_PRECONDITION, () -> asWorker.enrollDevice(again));
      assertTrue(status.getMessage().contains(deviceName + " was retired at"),
          status.getMessage());
    }
    assertEquals(before, certificates.list().stream()
        .filter(c -> c.principal() != null && deviceName.equals(c.principal().device())).count());
  }

  @Test
  void enrollmentsOfOneDeviceWithNewKeysAtTheSameMomentGetOneCertificate() throws Exception {
    // the used code sent by several holders at once, each with a TLS key of its own: the
    // look for the device's certificate and the insert are one step, so one of them wins
    String deviceName = Fixtures.STATION + "/devices/race-1";
    int racers = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(racers);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(racers);
    List<java.util.concurrent.Future<IssuedCertificate>> tries = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        KeyPair key = TlsKeys.generate();
        tries.add(pool.submit(() -> {
          start.await();
          return ca.deviceCertificate(deviceName, "racer", key.getPublic(),
              DeploymentCa.CLIENT_VALIDITY);
        }));
      }
      int issued = 0;
      for (var t : tries) {
        try {
          t.get();
          issued++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(e.getCause() instanceof io.packtrail.server.domain.AlreadyExistsException,
              causes(e));
        }
      }
      assertEquals(1, issued, "one certificate issued, the others refused");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, new IssuedCertificates(jdbi, CLOCK).list().stream()
        .filter(c -> c.principal() != null && deviceName.equals(c.principal().device()))
        .count());
  }

  @Test
  void anEnrollmentKeyThatIsNotP256IsABadRequestNamingTheField() {
    try (PacktrailClient client = operator.builder(target()).build()) {
      var status = io.packtrail.server.testing.Statuses.assertFails(
          Status.Code.INVALID_ARGUMENT, () -> client.enrollDevice(EnrollDeviceRequest
              .newBuilder().setParent(Fixtures.STATION).setDeviceId("dock-8")
              .setEnrollmentCode("7KQ2-M9XD-4HTP-W3CA")
              .setPublicKey(ByteString.copyFrom(DeviceKey.generate().publicKey()))
              .setDisplayName("Dock 8").setTlsPublicKey(ByteString.copyFromUtf8("not a key"))
              .build()));
      io.packtrail.server.testing.Statuses.assertViolation(status, "tls_public_key",
          "DER SubjectPublicKeyInfo");
    }
  }

  /**
   * Calls until the call fails with {@code code} (a revocation reaches a running server within
   * its status cache time); fails the test after 20 s.
   */
  static StatusRuntimeException eventually(Status.Code code, Supplier<Void> call)
      throws AssertionError {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        call.get();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == code) {
          return e;
        }
        throw e;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("still accepted after 20 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
