package io.packtrail.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `java -jar packtrail-server.jar serve|migrate|demo|log-key`. */
@Command(name = "packtrail-server", mixinStandardHelpOptions = true,
    version = "packtrail-server 0.1.0",
    description = "Packtrail: traceability of EV traction batteries from sale to recycling.",
    subcommands = {ServeCommand.class, MigrateCommand.class, DemoCommand.class,
        LogKeyCommand.class})
public final class PacktrailServerCli {
  public static void main(String[] args) {
    System.exit(new CommandLine(new PacktrailServerCli()).execute(args));
  }
}
