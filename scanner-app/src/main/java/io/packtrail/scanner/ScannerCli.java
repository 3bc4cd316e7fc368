package io.packtrail.scanner;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `java -jar packtrail-scanner.jar`: the field CLI of station workers and auditors. Exit codes:
 * 0 done / label valid, 1 label refused, 2 usage or setup error, 3 server unreachable or error.
 */
@Command(name = "packtrail-scanner", mixinStandardHelpOptions = true,
    version = "packtrail-scanner 0.1.0",
    description = "Packtrail field CLI: print and verify signed QR labels.",
    subcommands = {LabelCommand.class, TrustListCommand.class})
public final class ScannerCli {
  static final int REFUSED = 1;
  static final int SETUP = 2;
  static final int SERVER = 3;

  @Option(names = "--server", defaultValue = "${env:PACKTRAIL_SERVER:-127.0.0.1:50051}",
      description = "server address host:port (env PACKTRAIL_SERVER, default ${DEFAULT-VALUE})",
      scope = CommandLine.ScopeType.INHERIT)
  String server;

  @Option(names = "--home", defaultValue = "${env:PACKTRAIL_HOME}",
      description = "local state such as the cached trust list (env PACKTRAIL_HOME, default "
          + "~/.packtrail)", scope = CommandLine.ScopeType.INHERIT)
  Path home;

  Path home() {
    return home != null ? home : Path.of(System.getProperty("user.home"), ".packtrail");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its exit codes, for main and for tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ScannerCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + e.getMessage());
      return e instanceof io.grpc.StatusRuntimeException ? SERVER : SETUP;
    });
    return cli;
  }
}
