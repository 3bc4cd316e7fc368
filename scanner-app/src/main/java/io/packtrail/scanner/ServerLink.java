package io.packtrail.scanner;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the server with two clients over it: short deadlines for looking a unit up
 * while the worker waits (offline is noticed in seconds), longer ones for delivering batches.
 */
final class ServerLink implements AutoCloseable {
  private final ManagedChannel channel;
  private final PacktrailClient lookups;
  private final PacktrailClient deliveries;
  final String target;

  /** Over {@code channel} (ScannerCli.link builds it with the TLS material). */
  ServerLink(String target, ManagedChannel channel) {
    this.target = target;
    this.channel = channel;
    this.lookups = PacktrailClient.over(channel, Duration.ofSeconds(3));
    this.deliveries = PacktrailClient.over(channel, Duration.ofSeconds(60));
  }

  PacktrailClient lookups() {
    return lookups;
  }

  PacktrailClient deliveries() {
    return deliveries;
  }

  /** Trouble that passes (network, overload, a restart): try again later, nothing is wrong. */
  static boolean passing(StatusRuntimeException e) {
    // a refused TLS handshake comes as UNAVAILABLE, but no wait mends it
    return passing(e.getStatus().getCode())
        && !io.packtrail.client.tls.TlsFailures.handshakeRefused(e);
  }

  static boolean passing(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, CANCELLED, UNKNOWN,
          INTERNAL -> true;
      default -> false;
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
