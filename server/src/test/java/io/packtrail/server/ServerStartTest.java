package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.testing.TestDatabases;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A start that fails (its port taken) leaves nothing of itself running. */
class ServerStartTest {
  @Test
  void aServerThatCannotBindStopsWhatItStartedForItself() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("ServerStart");
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long sequencers = threads("packtrail-sequencer");
      long logWorkers = threads("packtrail-log");
      assertThrows(IOException.class, () -> PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1",
              taken.getLocalPort())), db.database().jdbi(),
          PacktrailServer.Settings.defaults().withSealer(KeySealer.random())
              .withLog(null, Duration.ofSeconds(1))));
      // the threads end as they see the close (a poll of at most 100 ms): give them a moment
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((threads("packtrail-sequencer") > sequencers
          || threads("packtrail-log") > logWorkers) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(sequencers, threads("packtrail-sequencer"));
      assertEquals(logWorkers, threads("packtrail-log"));
    }
  }

  private static long threads(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals(name)).count();
  }
}
