package io.packtrail.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The text of a store statement, for the tests that EXPLAIN what the server runs. */
public final class StoreSql {
  private StoreSql() {}

  /**
   * The statement of {@code path} under resources/io/packtrail/server/store/ (e.g.
   * "UnitDao/list.sql"), its comment lines blanked so that a prefix such as EXPLAIN can go in
   * front.
   */
  public static String statement(String path) {
    String resource = "/io/packtrail/server/store/" + path;
    try (InputStream in = StoreSql.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
