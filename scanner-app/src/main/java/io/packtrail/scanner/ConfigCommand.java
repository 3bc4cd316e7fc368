package io.packtrail.scanner;

import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `config`: the device's saved settings. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Show the settings saved on this device, or save them: the site where it "
        + "records steps and the server. Flags and environment variables (--site, "
        + "PACKTRAIL_SITE, --server, PACKTRAIL_SERVER) win over saved settings.")
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Option(names = "--save-site", paramLabel = "SITE",
      description = "save the recording site, organizations/ORG/sites/SITE")
  String saveSite;

  @Option(names = "--save-server", paramLabel = "HOST:PORT", description = "save the server")
  String saveServer;

  @Override
  public Integer call() throws Exception {
    if (saveSite != null || saveServer != null) {
      Properties p = cli.config();
      if (saveSite != null) {
        if (!saveSite.matches("organizations/[^/]+/sites/[^/]+")) {
          throw new IllegalArgumentException("--save-site must look like "
              + "organizations/ORG/sites/SITE, got '" + saveSite + "'");
        }
        p.setProperty("site", saveSite);
      }
      if (saveServer != null) {
        p.setProperty("server", saveServer);
      }
      cli.saveConfig(p);
      System.out.println("saved in " + cli.home().resolve(ScannerCli.CONFIG_FILE));
    }
    String site = cli.site();
    System.out.println("home    " + cli.home());
    System.out.println("server  " + cli.server());
    System.out.println("site    " + (site == null ? "not set" : site));
    return ScannerCli.OK;
  }
}
