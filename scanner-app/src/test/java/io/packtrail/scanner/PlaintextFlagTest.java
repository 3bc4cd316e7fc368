package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --plaintext} means plaintext whatever PACKTRAIL_PLAINTEXT says (picocli used to flip a
 * boolean flag whose default was true, so the flag with the variable set meant TLS), and
 * {@code --plaintext=false} means TLS.
 */
class PlaintextFlagTest {
  @Test
  void theFlagWinsOverTheEnvironmentBothWays() {
    for (String environment : List.of("true", "false")) {
      assertEquals(true, parse(environment, "--plaintext"), "flag, env " + environment);
      assertEquals(false, parse(environment, "--plaintext=false"), "=false, env " + environment);
      assertEquals(Boolean.parseBoolean(environment), parse(environment), "env " + environment);
    }
  }

  private static boolean parse(String environment, String... args) {
    ScannerCli cli = new ScannerCli();
    new CommandLine(cli).setDefaultValueProvider(option ->
        option instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--plaintext")
            ? environment : null).parseArgs(args);
    return cli.plaintext;
  }
}
