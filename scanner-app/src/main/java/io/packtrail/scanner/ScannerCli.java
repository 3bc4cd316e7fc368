package io.packtrail.scanner;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import io.packtrail.client.PacktrailClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `java -jar packtrail-scanner.jar`: the field CLI of station workers and auditors: scan labels
 * and record steps (offline first, through a durable outbox), sync, status, trace, labels.
 */
@Command(name = "packtrail-scanner", mixinStandardHelpOptions = true,
    version = "packtrail-scanner 0.1.0",
    description = {
        "Packtrail field CLI: scan labels and record steps (saved on this device first, sent "
            + "when the server is reachable), trace a unit, print and verify labels, write and "
            + "check offline audit bundles, monitor the verifiable log.",
        "Set up once, while online: 'config --save-site organizations/ORG/sites/SITE', "
            + "'trust-list fetch' and 'enroll --code CODE' (steps are signed by the enrolled "
            + "device; showing units, trace, status and labels work without it)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done: every label valid, every step recorded by the server",
        "1:the server refused a step (it stays in the outbox with the reason: see 'status'), "
            + "or a whole batch of steps (they stay saved: e.g. a certificate that may not "
            + "record steps), or a label print, a trust list or another call (it says why)",
        "2:usage or setup error (bad option, no site, no cached trust list, device not "
            + "enrolled, local database)",
        "3:saved but not sent: the server could not be reached (steps wait in the outbox; "
            + "'sync' sends them), or a server call failed for a passing reason",
        "4:a label was refused (forged, revoked, superseded, unknown key, unreadable photo): "
            + "nothing was recorded for it",
        "5:monitor: the log FORKED (not only appended to since the trusted checkpoint)",
        "6:trace --bundle: no checkpoint covering the events is cosigned by the witnesses "
            + "required (--min-witnesses, --wait-cosigned); no bundle written",
        "When several apply, the first of 4, 1, 3 wins."},
    subcommands = {EnrollCommand.class, ScanCommand.class, SyncCommand.class, StatusCommand.class,
        OutboxCommand.class, TraceCommand.class, ConfigCommand.class, LabelCommand.class,
        TrustListCommand.class, VerifyCommand.class, MonitorCommand.class, ReportCommand.class,
        ExportCommand.class, OverviewCommand.class, AnomaliesCommand.class,
        DeadlinesCommand.class})
public final class ScannerCli {
  static final int OK = 0;
  /** A step (or a label print, a trust list) refused by the server. */
  static final int REFUSED = 1;
  static final int SETUP = 2;
  /** Saved but not sent, or the server unreachable. */
  static final int SERVER = 3;
  static final int LABEL_REFUSED = 4;
  /** monitor: the log was not only appended to. */
  static final int FORK = 5;
  /** trace --bundle: no checkpoint cosigned as required covers the events. */
  static final int NOT_COSIGNED = 6;

  static final String DEFAULT_SERVER = "127.0.0.1:50051";
  static final String CONFIG_FILE = "scanner.properties";

  @Option(names = "--server", defaultValue = "${env:PACKTRAIL_SERVER}",
      description = "server address host:port (env PACKTRAIL_SERVER, else the saved 'config', "
          + "else " + DEFAULT_SERVER + ")", scope = CommandLine.ScopeType.INHERIT)
  String server;

  @Option(names = "--home", defaultValue = "${env:PACKTRAIL_HOME}",
      description = "local state: outbox, cache, trust list, config (env PACKTRAIL_HOME, "
          + "default ~/.packtrail)", scope = CommandLine.ScopeType.INHERIT)
  Path home;

  @Option(names = "--site", defaultValue = "${env:PACKTRAIL_SITE}",
      description = "the site where this device records steps, organizations/ORG/sites/SITE "
          + "(env PACKTRAIL_SITE, else the saved 'config')", scope = CommandLine.ScopeType.INHERIT)
  String site;

  @Option(names = "--ca-cert", defaultValue = "${env:PACKTRAIL_CA_CERT}", paramLabel = "FILE",
      description = "the deployment CA's certificate (PEM) the server's must chain to (env "
          + "PACKTRAIL_CA_CERT, else the saved 'config')", scope = CommandLine.ScopeType.INHERIT)
  Path caCert;

  @Option(names = "--cert", defaultValue = "${env:PACKTRAIL_CLIENT_CERT}", paramLabel = "FILE",
      description = "this client's certificate (PEM; env PACKTRAIL_CLIENT_CERT, else the saved "
          + "'config': the device's own after 'enroll')", scope = CommandLine.ScopeType.INHERIT)
  Path cert;

  @Option(names = "--key", defaultValue = "${env:PACKTRAIL_CLIENT_KEY}", paramLabel = "FILE",
      description = "the private key of --cert (PKCS#8 PEM; env PACKTRAIL_CLIENT_KEY, else the "
          + "saved 'config')", scope = CommandLine.ScopeType.INHERIT)
  Path key;

  @Option(names = "--plaintext", arity = "0..1", fallbackValue = "true",
      defaultValue = "${env:PACKTRAIL_PLAINTEXT:-false}",
      description = "talk to a development server without TLS (serve --plaintext; env "
          + "PACKTRAIL_PLAINTEXT)", scope = CommandLine.ScopeType.INHERIT)
  boolean plaintext;

  Path home() {
    return home != null ? home : Path.of(System.getProperty("user.home"), ".packtrail");
  }

  /** Settings file keys of the TLS material: the CA, and the certificate calls are made with. */
  static final String CA_CERT = "ca-cert";
  static final String CERT = "cert";
  static final String KEY = "key";
  /**
   * The worker's certificate that 'enroll' calls with (saved by 'config --save-cert'): after
   * enrolling, the device calls with its own, which retiring the device revokes; enrolling again
   * still works with the worker's.
   */
  static final String ENROLL_CERT = "enroll-cert";
  static final String ENROLL_KEY = "enroll-key";

  /** A flag or environment variable, else the saved setting, else null. */
  Path tlsFile(Path given, String property) {
    if (given != null && !given.toString().isBlank()) {
      return given;
    }
    String saved = config().getProperty(property);
    return saved == null || saved.isBlank() ? null : Path.of(saved);
  }

  /** Whether the client certificate comes from a flag or the environment (beats the saved). */
  boolean clientCertificateGiven() {
    return cert != null && !cert.toString().isBlank();
  }

  /**
   * How to reach the server: plaintext when asked for, else mutual TLS with the CA, certificate
   * and key from flags, environment or the saved settings; a setup error saying what is
   * missing.
   */
  PacktrailClient.Builder clientBuilder() {
    return clientBuilder(false);
  }

  /**
   * As {@link #clientBuilder()}; {@code enrolling}: with the worker's certificate saved for
   * enrolling when there is one (never the device's own).
   */
  PacktrailClient.Builder clientBuilder(boolean enrolling) {
    PacktrailClient.Builder b = PacktrailClient.builder(server());
    if (plaintext) {
      return b.plaintext();
    }
    Path ca = tlsFile(caCert, CA_CERT);
    if (ca == null) {
      throw new IllegalArgumentException("no CA certificate to check the server with: give "
          + "--ca-cert FILE (or PACKTRAIL_CA_CERT), or save it once: 'packtrail-scanner config "
          + "--save-ca-cert FILE' (the deployment's ca.pem, from its operator; 'serve --demo' "
          + "prints where it is)");
    }
    b.trustedCa(ca);
    // a certificate and its key come from the same place: flags/environment or the settings
    boolean forEnrolling = enrolling && tlsFile(null, ENROLL_CERT) != null;
    Path c = clientCertificateGiven() ? cert
        : tlsFile(null, forEnrolling ? ENROLL_CERT : CERT);
    Path k = clientCertificateGiven() ? key : tlsFile(null, forEnrolling ? ENROLL_KEY : KEY);
    if (c != null && (k == null || k.toString().isBlank())) {
      throw new IllegalArgumentException("a client certificate (" + c + ") needs its private "
          + "key: give --key FILE (or PACKTRAIL_CLIENT_KEY) with --cert");
    }
    if (c == null) {
      throw new IllegalArgumentException("no client certificate: the server takes calls only "
          + "from certificates its CA issued. Before this device enrolls, use a worker's: "
          + "'packtrail-scanner config --save-cert FILE --save-key FILE' (or --cert/--key, "
          + "PACKTRAIL_CLIENT_CERT/PACKTRAIL_CLIENT_KEY); 'enroll' then gets the device's own");
    }
    return b.clientCertificate(c, k);
  }

  /** A connection to the server for this command. */
  ServerLink link() {
    return new ServerLink(server(), clientBuilder().buildChannel());
  }

  /** A connection for 'enroll': with the worker's certificate (see {@link #ENROLL_CERT}). */
  ServerLink enrollLink() {
    return new ServerLink(server(), clientBuilder(true).buildChannel());
  }

  String server() {
    if (server != null && !server.isBlank()) {
      return server;
    }
    return config().getProperty("server", DEFAULT_SERVER);
  }

  /** The recording site, or null when none is set anywhere. */
  String site() {
    if (site != null && !site.isBlank()) {
      return site;
    }
    String saved = config().getProperty("site");
    return saved == null || saved.isBlank() ? null : saved;
  }

  Properties config() {
    Properties p = new Properties();
    Path file = home().resolve(CONFIG_FILE);
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
      }
    }
    return p;
  }

  void saveConfig(Properties p) throws IOException {
    Files.createDirectories(home());
    Path file = home().resolve(CONFIG_FILE);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    p.store(out, "packtrail-scanner settings");
    io.packtrail.client.DurableFiles.replace(file, out.toByteArray());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its exit codes, for main and for tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ScannerCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof StatusRuntimeException s) {
        io.grpc.Status.Code code = s.getStatus().getCode();
        boolean handshake = io.packtrail.client.tls.TlsFailures.handshakeRefused(s);
        if (handshake) {
          // a certificate refused at the handshake, either side's: its words say which and
          // what to do; like a revoked one, the steps wait for a new one
          cmd.getErr().println("error: " + Words.status(s));
          return SERVER;
        }
        if (code != io.grpc.Status.Code.UNAUTHENTICATED && !ServerLink.passing(s)) {
          // the server answered and said no (a caller it does not allow, a unit it does not
          // know): no network trouble, and trying again will not help
          cmd.getErr().println("error: refused by the server: " + Words.status(s));
          return REFUSED;
        }
        // a refused certificate is no network trouble either: its words say what to do
        cmd.getErr().println("error: " + Words.status(s)
            + (code == io.grpc.Status.Code.UNAUTHENTICATED ? ""
            : "; check --server / PACKTRAIL_SERVER and the network, then try again"));
        return SERVER;
      }
      if (e instanceof SQLException) {
        cmd.getErr().println("error: the local database failed: " + e.getMessage()
            + "; check the disk and PACKTRAIL_HOME");
        return SETUP;
      }
      cmd.getErr().println("error: " + e.getMessage());
      return SETUP;
    });
    return cli;
  }
}
