package io.packtrail.server.app;

import io.packtrail.server.store.ConnectionFailures;

/** How the layers above tell a storage outage from a bug, without knowing the storage. */
public final class Failures {
  private Failures() {}

  /**
   * True when the failure means storage could not be reached (the server's trouble, worth a
   * retry once it is back) rather than a statement failing.
   */
  public static boolean isStorageUnreachable(Throwable failure) {
    return ConnectionFailures.isConnectionFailure(failure);
  }
}
