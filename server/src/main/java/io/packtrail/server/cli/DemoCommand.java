package io.packtrail.server.cli;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ManagedChannel;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.PacktrailServer;
import java.time.Duration;
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

  @Option(names = "--packs", defaultValue = "3000",
      description = "packs to create (default ${DEFAULT-VALUE})")
  int packs;

  @Override
  public Integer call() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (DatabaseOptions.Opened opened = database.open(4);
        PacktrailServer server = PacktrailServer.start(
            InProcessServerBuilder.forName(name).directExecutor(), opened.database().jdbi(),
            PacktrailServer.Settings.defaults().withSealer(database.keySealer()))) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofMinutes(2))) {
        new DemoData(client, packs).load();
      } finally {
        channel.shutdownNow();
      }
    }
    return 0;
  }
}
