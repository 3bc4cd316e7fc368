package io.packtrail.server.testing;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.PacktrailServer;
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
 * loopback port for end-to-end tests. Closes everything it opened (GrpcCleanupRule is JUnit 4
 * only).
 */
public final class ServerHarness implements BeforeAllCallback, AfterAllCallback {
  private final boolean netty;
  private final UnaryOperator<PacktrailServer.Settings> configure;
  private TestDatabases.Fresh fresh;
  private PacktrailServer server;
  private ManagedChannel channel;
  private PacktrailClient client;

  private ServerHarness(boolean netty, UnaryOperator<PacktrailServer.Settings> configure) {
    this.netty = netty;
    this.configure = configure;
  }

  public static ServerHarness inProcess() {
    return new ServerHarness(false, UnaryOperator.identity());
  }

  /** In-process, with settings other than the defaults. */
  public static ServerHarness inProcess(UnaryOperator<PacktrailServer.Settings> configure) {
    return new ServerHarness(false, configure);
  }

  public static ServerHarness overNetty() {
    return new ServerHarness(true, UnaryOperator.identity());
  }

  /** Over Netty, with settings other than the defaults. */
  public static ServerHarness overNetty(UnaryOperator<PacktrailServer.Settings> configure) {
    return new ServerHarness(true, configure);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    fresh = TestDatabases.create(context.getRequiredTestClass().getSimpleName());
    if (netty) {
      server = PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
          fresh.database().jdbi(), configure.apply(PacktrailServer.Settings.defaults()));
      client = PacktrailClient.connect("127.0.0.1:" + server.port());
    } else {
      String name = InProcessServerBuilder.generateName();
      server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          fresh.database().jdbi(), configure.apply(PacktrailServer.Settings.defaults()));
      channel = InProcessChannelBuilder.forName(name).build();
      client = PacktrailClient.over(channel, Duration.ofSeconds(20));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
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

  public PacktrailClient client() {
    return client;
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
}
