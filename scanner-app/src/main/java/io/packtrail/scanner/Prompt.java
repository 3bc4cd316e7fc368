package io.packtrail.scanner;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Consumer;

/** The questions `scan` asks in a terminal when no --step was given. */
final class Prompt {
  private Prompt() {}

  /** The step the worker chose, or null for none. */
  static StepOptions ask(BufferedReader in, Consumer<String> say) throws IOException {
    say.accept("Record a step? [c]ollect [r]eceive [s]hip [i]nspect, Enter = none:");
    String answer = line(in);
    if (answer.isEmpty()) {
      return null;
    }
    StepOptions o = new StepOptions();
    switch (answer.toLowerCase(Locale.ROOT).charAt(0)) {
      case 'c' -> {
        o.step = StepOptions.Step.collect;
        say.accept("note (Enter = none):");
        o.note = line(in);
      }
      case 'r' -> {
        o.step = StepOptions.Step.receive;
        say.accept("waybill (Enter = none):");
        o.waybill = line(in);
      }
      case 's' -> {
        o.step = StepOptions.Step.ship;
        say.accept("destination site (organizations/ORG/sites/SITE):");
        o.to = line(in);
        say.accept("waybill (Enter = none):");
        o.waybill = line(in);
      }
      case 'i' -> {
        o.step = StepOptions.Step.inspect;
        say.accept("grade (A-D):");
        o.grade = line(in);
        say.accept("tester:");
        o.tester = line(in);
        o.testStandard = "GB/T 34015-2017";
      }
      default -> {
        say.accept("no step recorded (dismantling: use --step dismantle with --child)");
        return null;
      }
    }
    try {
      o.validate();
    } catch (IllegalArgumentException e) {
      say.accept("!! " + e.getMessage() + "; nothing recorded, scan the label again");
      return null;
    }
    return o;
  }

  private static String line(BufferedReader in) throws IOException {
    String l = in.readLine();
    return l == null ? "" : l.strip();
  }
}
