package io.packtrail.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The server's CPU seconds, read from its Prometheus endpoint ({@code serve --metrics-port}),
 * so the load generator can charge each phase its server CPU per call: the process's total
 * (all threads: gRPC, handlers, sequencer, GC, JIT), not the load generator's or PostgreSQL's.
 */
final class ServerCpu {
  static final String METRIC = "process_cpu_seconds_total";

  private final URI endpoint;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  ServerCpu(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** Scrapes the endpoint now. */
  double seconds() throws IOException, InterruptedException {
    return seconds(scrape());
  }

  /** The whole exposition, scraped now. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(endpoint + " answered HTTP " + r.statusCode());
    }
    return r.body();
  }

  /**
   * Bytes the server has allocated so far, as far as G1 shows them: the Eden bytes counted at
   * each young collection ({@code jvm_memory_pool_allocated_bytes_total}) plus what Eden holds
   * now. NaN when the server runs another collector.
   */
  static double allocatedBytes(String exposition) {
    double total = Double.NaN;
    double used = Double.NaN;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("jvm_memory_pool_allocated_bytes_total{pool=\"G1 Eden Space\"} ")) {
        total = value(line);
      } else if (line.startsWith("jvm_memory_pool_used_bytes{pool=\"G1 Eden Space\"} ")) {
        used = value(line);
      }
    }
    return total + used;
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf("} ") + 2).trim().split(" ")[0]);
  }

  /** The process CPU seconds in a Prometheus text exposition. */
  static double seconds(String exposition) {
    return sample(exposition, METRIC);
  }

  /** The value of the unlabelled sample {@code name} ("name 12.5") in a text exposition. */
  static double sample(String exposition, String name) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim().split(" ")[0]);
      }
    }
    throw new IllegalArgumentException("no " + name + " sample in the scrape (is it the "
        + "Packtrail server's metrics endpoint?)");
  }

  /** Server CPU microseconds per call over a phase: the CPU between two scrapes, per call. */
  static double microsPerCall(double secondsBefore, double secondsAfter, long calls) {
    if (secondsAfter < secondsBefore) {
      throw new IllegalArgumentException("the server's CPU time went backwards (" + secondsBefore
          + " s, then " + secondsAfter + " s): was it restarted during the phase?");
    }
    if (calls <= 0) {
      return Double.NaN;
    }
    return (secondsAfter - secondsBefore) * 1e6 / calls;
  }
}
