package io.packtrail.server.cli;

import io.packtrail.client.tls.NettyLeakDetection;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `java -jar packtrail-server.jar serve|migrate|demo|log-key|pki`. */
@Command(name = "packtrail-server", mixinStandardHelpOptions = true,
    version = "packtrail-server 0.1.0",
    description = "Packtrail: traceability of EV traction batteries from sale to recycling.",
    subcommands = {ServeCommand.class, MigrateCommand.class, DemoCommand.class,
        LogKeyCommand.class, PkiCommand.class})
public final class PacktrailServerCli {
  public static void main(String[] args) {
    NettyLeakDetection.offUnlessSet();
    System.exit(commandLine().execute(args));
  }

  /** The command line with its failure words: an operator sees what went wrong, no trace. */
  public static CommandLine commandLine() {
    return new CommandLine(new PacktrailServerCli()).setExecutionExceptionHandler(
        (failure, cmd, parsed) -> {
          cmd.getErr().println("error: " + words(failure));
          return 1;
        });
  }

  /** The distinct messages of a failure and its causes, outermost first. */
  static String words(Throwable failure) {
    java.util.List<String> said = new java.util.ArrayList<>();
    for (Throwable t = failure; t != null && said.size() < 5; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (said.stream().noneMatch(s -> s.contains(m))) {
        said.add(m);
      }
      if (m.contains("could not lock") && m.contains("epg-lock")) {
        said.add("the embedded database under PACKTRAIL_HOME is in use by another process (a "
            + "running 'serve'?): stop it first, or point PACKTRAIL_DB_URL at a PostgreSQL server "
            + "that several processes can share");
        break;
      }
    }
    return String.join(": ", said);
  }
}
