package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `serve --demo`: the demo is extra; its failure must not take the server down. */
class ServeCommandTest {
  @Test
  void aDemoThatCannotLoadIsReportedAndDoesNotEndTheCommand() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    boolean loaded = ServeCommand.loadDemo("127.0.0.1:" + deadPort, 10,
        new PrintStream(report, true, StandardCharsets.UTF_8));
    assertFalse(loaded);
    String text = report.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Loading the demo data failed; the server keeps serving"), text);
  }

  @Test
  void aMetricsPortOutOfRangeIsRefusedBeforeAnythingStarts() {
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = PacktrailServerCli.commandLine().setErr(new java.io.PrintWriter(err, true))
        .execute("serve", "--metrics-port", "70000", "--db-url",
            "jdbc:postgresql://127.0.0.1:1/never-opened");
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("--metrics-port must be 0 to 65535"), err.toString());
  }
}
