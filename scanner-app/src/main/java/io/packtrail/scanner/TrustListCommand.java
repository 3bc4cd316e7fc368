package io.packtrail.scanner;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.label.TrustListException;
import io.packtrail.v1.TrustList;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `trust-list fetch`: refresh the cached trust list while online. */
@Command(name = "trust-list", mixinStandardHelpOptions = true,
    description = "Manage the cached trust list used to verify labels offline.",
    subcommands = {TrustListCommand.Fetch.class})
final class TrustListCommand {
  @ParentCommand
  ScannerCli cli;

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Fetch the signed trust list from the server, check it and cache it.")
  static final class Fetch implements Callable<Integer> {
    @ParentCommand
    TrustListCommand parent;

    @Option(names = "--root-key", defaultValue = "${env:PACKTRAIL_ROOT_KEY}",
        description = "base64 of the deployment's root public key, as the operator published "
            + "it (env PACKTRAIL_ROOT_KEY). Without it the first fetch pins the server's.")
    String rootKey;

    @Override
    public Integer call() throws Exception {
      ScannerCli cli = parent.cli;
      try (PacktrailClient client = cli.clientBuilder().build()) {
        TrustList list = new TrustStore(cli.home()).store(client.getTrustList(), rootKey,
            Instant.now());
        System.out.printf("trust list version %d: %d keys, %d withdrawn labels, valid until %s%n",
            list.getVersion(), list.getKeysCount(), list.getWithdrawnLabelsCount(),
            UnitView.epochTime(list.getExpiresAt()));
        return 0;
      } catch (TrustListException e) {
        System.err.println("trust list refused (" + e.reason() + "): " + e.getMessage());
        return ScannerCli.REFUSED;
      }
    }
  }
}
