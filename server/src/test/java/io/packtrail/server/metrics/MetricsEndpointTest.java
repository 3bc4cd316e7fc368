package io.packtrail.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.TestDatabases;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint scraped over HTTP while a real server (Netty, PostgreSQL) works: the
 * documented names are there and count what happened.
 */
class MetricsEndpointTest {
  static TestDatabases.Fresh fresh;
  static ServerMetrics metrics;
  static HTTPServer endpoint;
  static PacktrailServer server;
  static PacktrailClient client;

  @BeforeAll
  static void start() throws Exception {
    fresh = TestDatabases.create("MetricsEndpointTest");
    metrics = new ServerMetrics();
    metrics.databasePool(fresh.database()::pool, fresh.database().maximumPoolSize());
    endpoint = metrics.serve(InetAddress.getLoopbackAddress(), 0);
    server = PacktrailServer.start(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        fresh.database().jdbi(), PacktrailServer.Settings.defaults(), metrics);
    client = PacktrailClient.builder("127.0.0.1:" + server.port()).plaintext().build();
    Fixtures.network(client);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
    endpoint.close();
    fresh.close();
  }

  @Test
  void callsAreCountedByMethodAndCode() throws Exception {
    String scrape0 = scrape();
    double okBefore = value(scrape0, "grpc_server_handled_total", "RecordEvent", "OK");
    double notFoundBefore = value(scrape0, "grpc_server_handled_total", "GetUnit", "NOT_FOUND");
    double batchesBefore = value(scrape0, "packtrail_sequencer_batch_size_count");

    String code = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(code));
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
        () -> client.getUnit(Fixtures.newPackCode()));
    assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());

    String scrape = scrape();
    assertEquals(okBefore + 1, value(scrape, "grpc_server_handled_total", "RecordEvent", "OK"));
    assertEquals(notFoundBefore + 1,
        value(scrape, "grpc_server_handled_total", "GetUnit", "NOT_FOUND"));
    assertTrue(value(scrape, "grpc_server_handling_seconds_count", "RecordEvent") >= 1);
    // registration and sale each went through the sequencer
    assertTrue(value(scrape, "packtrail_sequencer_batch_size_count") >= batchesBefore + 2);
    assertTrue(value(scrape, "packtrail_sequencer_commit_seconds_count") >= batchesBefore + 2);
    assertTrue(value(scrape, "process_cpu_seconds_total") > 0);
    assertTrue(value(scrape, "jvm_memory_used_bytes", "heap") > 0);
    assertTrue(scrape.contains("jvm_gc_collection_seconds"), "GC metrics are exported");
    assertEquals(fresh.database().maximumPoolSize(),
        value(scrape, "packtrail_db_pool_max_connections"));
    assertTrue(value(scrape, "packtrail_db_pool_connections", "idle")
        + value(scrape, "packtrail_db_pool_connections", "active") >= 1);
  }

  @Test
  void openWatchStreamsAreInFlight() throws Exception {
    assertEquals(0, value(scrape(), "grpc_server_in_flight", "WatchEvents"));
    PacktrailClient.EventSubscription watch = client.watchEvents(0, e -> { }, e -> { });
    try {
      assertEquals(1, awaitValue("grpc_server_in_flight", 1, "WatchEvents"));
    } finally {
      watch.close();
    }
    assertEquals(0, awaitValue("grpc_server_in_flight", 0, "WatchEvents"));
  }

  /** Polls until the sample has the value (a stream opens and closes asynchronously). */
  private static double awaitValue(String name, double expected, String... labelValues)
      throws Exception {
    double v = Double.NaN;
    for (int i = 0; i < 200; i++) {
      v = value(scrape(), name, labelValues);
      if (v == expected) {
        return v;
      }
      Thread.sleep(25);
    }
    return v;
  }

  private static String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + endpoint.getPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  /**
   * The sum of the samples named {@code name} whose labels contain each of
   * {@code labelValues} as a value (0 when none).
   */
  private static double value(String scrape, String name, String... labelValues) {
    double sum = 0;
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{(.*)\\})? (\\S+)$",
        Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    while (m.find()) {
      String labels = m.group(2) == null ? "" : m.group(2);
      boolean all = true;
      for (String v : labelValues) {
        all &= labels.contains("=\"" + v + "\"");
      }
      if (all) {
        sum += Double.parseDouble(m.group(3));
      }
    }
    return sum;
  }
}
