package io.packtrail.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Applies the schema migrations and exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply the database migrations and exit.")
final class MigrateCommand implements Callable<Integer> {
  @Mixin
  DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    try (DatabaseOptions.Opened opened = database.open(2)) {
      System.out.println("Database schema is up to date.");
    }
    return 0;
  }
}
