package io.packtrail.client.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The level Netty's leak detector runs at, read in a JVM of its own: Netty reads the property
 * once, when its detector class loads, so only a fresh JVM shows what a program's main gets.
 */
class NettyLeakDetectionTest {
  /** Calls {@link NettyLeakDetection#offUnlessSet()}, then prints the level Netty took. */
  public static final class Probe {
    public static void main(String[] args) {
      NettyLeakDetection.offUnlessSet();
      System.out.print(ResourceLeakDetector.getLevel());
    }
  }

  private static String levelIn(String... properties) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(properties));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    return out.strip();
  }

  @Test
  void turnsTheDetectorOffWhenNobodyChoseALevel() throws Exception {
    assertEquals("DISABLED", levelIn());
  }

  @Test
  void keepsTheLevelAnOperatorChose() throws Exception {
    assertEquals("PARANOID", levelIn("-D" + NettyLeakDetection.SHADED_PROPERTY + "=paranoid"));
  }

  @Test
  void nettysOwnPropertyDoesNotReachTheShadedCopy() throws Exception {
    assertEquals("DISABLED", levelIn("-Dio.netty.leakDetection.level=advanced"));
  }
}
