package io.packtrail.scanner;

/**
 * Fault-injection points for the crash tests: with the system property
 * {@code packtrail.scanner.haltAt} set to a point's name, the process stops dead there
 * ({@link Runtime#halt}: no shutdown hooks, no finally blocks), as a pulled battery would.
 *
 * <ul>
 *   <li>{@code after-save}: a step was committed to the outbox, before it is sent;</li>
 *   <li>{@code after-send}: the server answered a batch, before the outbox learned the answer.</li>
 * </ul>
 */
final class Faults {
  static final String PROPERTY = "packtrail.scanner.haltAt";
  static final String AFTER_SAVE = "after-save";
  static final String AFTER_SEND = "after-send";

  private Faults() {}

  static void point(String name) {
    if (name.equals(System.getProperty(PROPERTY))) {
      System.out.flush();
      System.err.println("halted at " + name + " (" + PROPERTY + ")");
      System.err.flush();
      Runtime.getRuntime().halt(99);
    }
  }
}
