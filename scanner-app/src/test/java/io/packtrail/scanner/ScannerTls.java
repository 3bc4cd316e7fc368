package io.packtrail.scanner;

import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Credentials;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scanner under test talks mutual TLS, as in the field: it trusts the test deployment's CA
 * (--ca-cert) and, until it enrolls, calls with a worker's certificate at the station saved in
 * its settings, as an operator hands a new device; enrolling replaces it with the device's own.
 */
final class ScannerTls {
  private static final Map<List<Object>, Credentials.Files> WORKERS = new ConcurrentHashMap<>();

  private ScannerTls() {}

  /** A worker at the dealer's station (collection outlet). */
  static Credentials.Files worker(ServerHarness harness) {
    return worker(harness, Fixtures.STATION);
  }

  /** A worker at {@code site}. */
  static synchronized Credentials.Files worker(ServerHarness harness, String site) {
    return WORKERS.computeIfAbsent(List.of(harness, site), k -> {
      try {
        return harness.credentials(new Principal(Principal.Kind.WORKER,
            site.substring(0, site.indexOf("/sites/")), site, null, null))
            .write(Files.createTempDirectory("scanner-tls"), "worker");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The options that make the scanner call with an auditor's certificate (reads everything). */
  static List<String> auditor(ServerHarness harness) {
    try {
      Credentials.Files files = harness.credentials(new Principal(Principal.Kind.AUDITOR, null,
          null, null, null)).write(Files.createTempDirectory("scanner-tls"), "auditor");
      return List.of("--cert", files.certificate().toString(), "--key", files.key().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The global options before a command: the server, the home, and the CA to trust. */
  static List<String> options(ServerHarness harness, String server, Path home) {
    return options(harness, server, home, Fixtures.STATION);
  }

  /** As above, the scanner handed a certificate of a worker at {@code site}. */
  static List<String> options(ServerHarness harness, String server, Path home, String site) {
    bootstrap(harness, home, site);
    return new ArrayList<>(List.of("--server", server, "--home", home.toString(), "--ca-cert",
        worker(harness, site).ca().toString()));
  }

  /**
   * Waits until the server refuses the certificate the scanner under {@code home} calls with
   * (a revocation reaches a running server within its status cache time); fails after 20 s.
   */
  static void awaitRefused(ServerHarness harness, Path home) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(home.resolve(ScannerCli.CONFIG_FILE))) {
      p.load(in);
    }
    try (var client = io.packtrail.client.PacktrailClient.builder(harness.target())
        .trustedCa(worker(harness).ca())
        .clientCertificate(Path.of(p.getProperty(ScannerCli.CERT)),
            Path.of(p.getProperty(ScannerCli.KEY))).build()) {
      long end = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < end) {
        try {
          client.getTrustList();
        } catch (io.grpc.StatusRuntimeException e) {
          if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
            return;
          }
          throw e;
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the certificate was still accepted after 20 s");
  }

  /** Saves the worker's certificate in the settings under {@code home} unless one is there. */
  static void bootstrap(ServerHarness harness, Path home) {
    bootstrap(harness, home, Fixtures.STATION);
  }

  private static void bootstrap(ServerHarness harness, Path home, String site) {
    Path file = home.resolve(ScannerCli.CONFIG_FILE);
    Properties p = new Properties();
    try {
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          p.load(in);
        }
      }
      if (p.getProperty(ScannerCli.CERT) != null) {
        return;
      }
      p.setProperty(ScannerCli.CERT, worker(harness, site).certificate().toString());
      p.setProperty(ScannerCli.KEY, worker(harness, site).key().toString());
      p.setProperty(ScannerCli.ENROLL_CERT, worker(harness, site).certificate().toString());
      p.setProperty(ScannerCli.ENROLL_KEY, worker(harness, site).key().toString());
      Files.createDirectories(home);
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "packtrail-scanner settings");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
