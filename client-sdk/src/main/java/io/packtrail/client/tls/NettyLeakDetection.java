package io.packtrail.client.tls;

/**
 * Netty's buffer-leak detector, for the programs that start a gRPC transport (the server, the
 * load generator). At its default level it records a stack trace for one buffer in 128; on the
 * server's event loop that was 3.7 % of the loop's CPU per durable step, to watch for a fault
 * that neither the server nor the SDK touches (they never hold Netty buffers). A program's
 * {@code main} turns it off unless the operator chose a level; tests keep Netty's default.
 */
public final class NettyLeakDetection {
  /** The property as grpc-netty-shaded reads it (the shading renames Netty's properties). */
  public static final String SHADED_PROPERTY = "io.grpc.netty.shaded.io.netty.leakDetection.level";

  private NettyLeakDetection() {}

  /**
   * Sets the level to {@code disabled} unless {@link #SHADED_PROPERTY} is set already; call
   * before the first channel or server. (Netty's own {@code io.netty.leakDetection.level} does
   * not reach the shaded copy.)
   */
  public static void offUnlessSet() {
    if (System.getProperty(SHADED_PROPERTY) == null) {
      System.setProperty(SHADED_PROPERTY, "disabled");
    }
  }
}
