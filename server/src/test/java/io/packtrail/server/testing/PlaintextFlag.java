package io.packtrail.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The check every command with a {@code --plaintext} option passes: the flag means plaintext
 * whatever PACKTRAIL_PLAINTEXT says (picocli used to flip a boolean flag whose default was
 * true, so the flag with the variable set meant TLS), {@code --plaintext=false} means TLS, and
 * without the flag the variable decides.
 */
public final class PlaintextFlag {
  private PlaintextFlag() {}

  /** {@code command} makes a fresh command object; {@code plaintext} reads its parsed flag. */
  public static <C> void assertMeansWhatItSays(Supplier<C> command, Predicate<C> plaintext) {
    for (String environment : List.of("true", "false")) {
      assertEquals(true, parse(command, plaintext, environment, "--plaintext"),
          "--plaintext with PACKTRAIL_PLAINTEXT=" + environment);
      assertEquals(false, parse(command, plaintext, environment, "--plaintext=false"),
          "--plaintext=false with PACKTRAIL_PLAINTEXT=" + environment);
      assertEquals(Boolean.parseBoolean(environment), parse(command, plaintext, environment),
          "PACKTRAIL_PLAINTEXT=" + environment + " alone");
    }
  }

  private static <C> boolean parse(Supplier<C> command, Predicate<C> plaintext,
      String environment, String... args) {
    C parsed = command.get();
    // the provider stands in for the environment variable the option's default names
    new CommandLine(parsed).setDefaultValueProvider(option ->
        option instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--plaintext")
            ? environment : null).parseArgs(args);
    return plaintext.test(parsed);
  }
}
