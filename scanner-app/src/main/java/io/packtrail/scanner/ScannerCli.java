package io.packtrail.scanner;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
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
            + "or refused a label print or a trust list",
        "2:usage or setup error (bad option, no site, no cached trust list, device not "
            + "enrolled, local database)",
        "3:saved but not sent: the server could not be reached (steps wait in the outbox; "
            + "'sync' sends them), or a server call failed",
        "4:a label was refused (forged, revoked, superseded, unknown key, unreadable photo): "
            + "nothing was recorded for it",
        "5:monitor: the log FORKED (not only appended to since the trusted checkpoint)",
        "When several apply, the first of 4, 1, 3 wins."},
    subcommands = {EnrollCommand.class, ScanCommand.class, SyncCommand.class, StatusCommand.class,
        OutboxCommand.class, TraceCommand.class, ConfigCommand.class, LabelCommand.class,
        TrustListCommand.class, VerifyCommand.class, MonitorCommand.class, ReportCommand.class,
        ExportCommand.class, OverviewCommand.class})
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

  Path home() {
    return home != null ? home : Path.of(System.getProperty("user.home"), ".packtrail");
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
    Path tmp = Files.createTempFile(home(), CONFIG_FILE, ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "packtrail-scanner settings");
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its exit codes, for main and for tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ScannerCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof StatusRuntimeException s) {
        cmd.getErr().println("error: " + Words.status(s) + "; check --server / "
            + "PACKTRAIL_SERVER and the network, then try again");
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
