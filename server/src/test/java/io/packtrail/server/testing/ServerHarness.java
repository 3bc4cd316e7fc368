package io.packtrail.server.testing;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.tls.Pem;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.PrincipalUri;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.IssuedCertificates;
import io.packtrail.server.pki.PkiFiles;
import io.packtrail.server.security.CertificateCallerResolver;
import io.packtrail.server.security.ServerTls;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.RegistryServiceGrpc;
import io.packtrail.v1.UnitServiceGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real server on a fresh database per test class: in-process gRPC for speed, or Netty on a
 * loopback port for end-to-end tests, with mutual TLS as a deployment runs it (the test
 * database gets its deployment CA, the server a certificate for 127.0.0.1, and {@link #client}
 * is the operator's; {@link #credentials} issues others), or in plaintext on loopback. Closes
 * everything it opened (GrpcCleanupRule is JUnit 4 only).
 */
public final class ServerHarness implements BeforeAllCallback, AfterAllCallback {
  /** The principal of {@link #client} over TLS. */
  public static final Principal OPERATOR =
      new Principal(Principal.Kind.OPERATOR, null, null, null, null);

  private enum Transport { IN_PROCESS, TLS, PLAINTEXT }

  private final Transport transport;
  private final UnaryOperator<PacktrailServer.Settings> configure;
  private TestDatabases.Fresh fresh;
  private PacktrailServer server;
  private ManagedChannel channel;
  private PacktrailClient client;
  private DeploymentCa ca;
  private Credentials operator;

  private ServerHarness(Transport transport,
      UnaryOperator<PacktrailServer.Settings> configure) {
    this.transport = transport;
    this.configure = configure;
  }

  public static ServerHarness inProcess() {
    return new ServerHarness(Transport.IN_PROCESS, UnaryOperator.identity());
  }

  /** In-process, with settings other than the defaults. */
  public static ServerHarness inProcess(UnaryOperator<PacktrailServer.Settings> configure) {
    return new ServerHarness(Transport.IN_PROCESS, configure);
  }

  /** Over Netty with mutual TLS, as {@code serve} runs. */
  public static ServerHarness overNetty() {
    return new ServerHarness(Transport.TLS, UnaryOperator.identity());
  }

  /** Over Netty with mutual TLS, with settings other than the defaults. */
  public static ServerHarness overNetty(UnaryOperator<PacktrailServer.Settings> configure) {
    return new ServerHarness(Transport.TLS, configure);
  }

  /** Over Netty in plaintext on loopback, as {@code serve --plaintext} runs. */
  public static ServerHarness overNettyPlaintext() {
    return new ServerHarness(Transport.PLAINTEXT, UnaryOperator.identity());
  }

  /** Over Netty in plaintext on loopback, with settings other than the defaults. */
  public static ServerHarness overNettyPlaintext(
      UnaryOperator<PacktrailServer.Settings> configure) {
    return new ServerHarness(Transport.PLAINTEXT, configure);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    fresh = TestDatabases.create(context.getRequiredTestClass().getSimpleName());
    PacktrailServer.Settings settings = configure.apply(PacktrailServer.Settings.defaults());
    if (transport == Transport.TLS) {
      // certificates live in real time, whatever clock the settings give the server
      Clock clock = Clock.systemUTC();
      Jdbi jdbi = fresh.database().jdbi();
      ca = DeploymentCa.loadOrCreate(jdbi, settings.sealer(), clock);
      KeyPair serverKeys = TlsKeys.generate();
      var serverCertificate = ca.issueServer(PkiFiles.LOOPBACK_NAMES, serverKeys.getPublic(),
          DeploymentCa.SERVER_VALIDITY);
      server = PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .sslContext(ServerTls.context(ca.certificate(),
                  DeploymentCa.x509(serverCertificate.der()), serverKeys.getPrivate())),
          jdbi, settings.withCallerResolver(new CertificateCallerResolver(ca.certificate(),
              new IssuedCertificates(jdbi, clock), clock)));
      operator = credentials(OPERATOR);
      client = operator.builder(target()).build();
    } else if (transport == Transport.PLAINTEXT) {
      server = PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
          fresh.database().jdbi(), settings);
      client = PacktrailClient.builder(target()).plaintext().build();
    } else {
      String name = InProcessServerBuilder.generateName();
      server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          fresh.database().jdbi(), settings);
      channel = InProcessChannelBuilder.forName(name).build();
      client = PacktrailClient.over(channel, Duration.ofSeconds(20));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    partyClients.values().forEach(PacktrailClient::close);
    if (client != null) {
      client.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  /**
   * The network's parties: over mutual TLS a client per organisation with its system's
   * certificate (made on first use, closed with the harness), chosen by the site a step is
   * recorded at; otherwise {@link #client()}, the one local developer.
   */
  public Fixtures.Parties parties() {
    if (transport != Transport.TLS) {
      return site -> client;
    }
    return site -> partyClients.computeIfAbsent(
        site.substring(0, site.indexOf("/sites/")),
        organization -> credentials(new Principal(Principal.Kind.ORGANIZATION_SYSTEM,
            organization, null, null, null)).builder(target()).build());
  }

  private final java.util.Map<String, PacktrailClient> partyClients =
      new java.util.concurrent.ConcurrentHashMap<>();

  public PacktrailClient client() {
    return client;
  }


  /** The harness's fresh database. */
  public TestDatabases.Fresh database() {
    return fresh;
  }

  public Jdbi jdbi() {
    return fresh.database().jdbi();
  }

  public RegistryServiceGrpc.RegistryServiceBlockingStub registry() {
    return RegistryServiceGrpc.newBlockingStub(rawChannel());
  }

  public UnitServiceGrpc.UnitServiceBlockingStub units() {
    return UnitServiceGrpc.newBlockingStub(rawChannel());
  }

  public EventServiceGrpc.EventServiceBlockingStub events() {
    return EventServiceGrpc.newBlockingStub(rawChannel());
  }

  public io.packtrail.v1.LabelServiceGrpc.LabelServiceBlockingStub labels() {
    return io.packtrail.v1.LabelServiceGrpc.newBlockingStub(rawChannel());
  }

  public EventServiceGrpc.EventServiceStub eventsAsync() {
    return EventServiceGrpc.newStub(rawChannel());
  }

  /** The in-process channel, for calls the stubs cannot make (raw bytes, any method). */
  public io.grpc.Channel channel() {
    return rawChannel();
  }

  /** The services the server answers, as bound. */
  public java.util.List<io.grpc.ServerServiceDefinition> services() {
    return server.services();
  }

  private io.grpc.Channel rawChannel() {
    if (channel == null) {
      throw new IllegalStateException("raw stubs are for the in-process harness");
    }
    return channel;
  }

  public int port() {
    return server.port();
  }

  /** The running server (its anomaly scan, for one). */
  public PacktrailServer server() {
    return server;
  }

  /** host:port of the Netty server. */
  public String target() {
    return "127.0.0.1:" + server.port();
  }

  /** The test deployment's CA (TLS only). */
  public DeploymentCa ca() {
    if (ca == null) {
      throw new IllegalStateException("the deployment CA is the TLS harness's");
    }
    return ca;
  }

  /** The CA certificate clients trust, PEM. */
  public byte[] caPem() {
    return Pem.certificate(ca().certificate()).getBytes(StandardCharsets.US_ASCII);
  }

  /** A fresh client certificate and key for {@code principal} (its serial is ignored). */
  public Credentials credentials(Principal principal) {
    KeyPair keys = TlsKeys.generate();
    return new Credentials(ca().issue(principal, PrincipalUri.word(principal.kind()),
        keys.getPublic(), DeploymentCa.CLIENT_VALIDITY), keys.getPrivate(), caPem());
  }

  /** The operator's credentials, those of {@link #client}. */
  public Credentials operator() {
    ca();
    return operator;
  }
}
