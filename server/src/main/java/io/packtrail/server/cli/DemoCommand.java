package io.packtrail.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Fills the database with the demo network through the real API (in-process), then exits. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Fill the database with the Gansu pilot network (idempotent: run it again and "
        + "nothing is duplicated).")
final class DemoCommand implements Callable<Integer> {
  @Mixin
  DatabaseOptions database;

  @Option(names = "--log-origin", defaultValue = "${env:PACKTRAIL_LOG_ORIGIN}",
      description = "the verifiable log's origin, as 'serve --log-origin' (env "
          + "PACKTRAIL_LOG_ORIGIN): on a new database the demo makes the log's key with it")
  String logOrigin;

  @Option(names = "--packs", defaultValue = "3000",
      description = "packs to create (default ${DEFAULT-VALUE}); 0: the network alone, no units")
  int packs;

  @Override
  public Integer call() throws Exception {
    try (DatabaseOptions.Opened opened = database.open(4)) {
      int refused = DemoData.loadInProcess(opened.database().jdbi(), database.keySealer(),
          packs, true, logOrigin);
      // a demo the server refused parts of is no demo to show: say so in the exit code too
      return refused == 0 ? 0 : 1;
    }
  }
}
