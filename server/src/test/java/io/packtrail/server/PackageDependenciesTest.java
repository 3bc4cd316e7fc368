package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend in one direction only (docs/decisions.md): domain depends on
 * nothing of the server, security only on domain (its Principal), store on domain, ingest,
 * label, log and pki on store, the application services (app) on those, api on app but never
 * on store or jdbi (handlers only check, map and delegate), and nothing on api or cli. Read from the sources, so imports and qualified names both count.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/packtrail/server");
  private static final Pattern REFERENCE =
      Pattern.compile("io\\.packtrail\\.server\\.([a-z]+)\\.[A-Z]");

  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("domain", Set.of()),
      Map.entry("security", Set.of("domain")),
      Map.entry("store", Set.of("domain")),
      Map.entry("ingest", Set.of("domain", "store")),
      Map.entry("label", Set.of("domain", "store", "security")),
      Map.entry("log", Set.of("domain", "store", "security")),
      Map.entry("pki", Set.of("domain", "store", "security")),
      Map.entry("metrics", Set.of()),
      Map.entry("app", Set.of("domain", "store", "ingest", "label", "pki", "security")),
      Map.entry("api", Set.of("domain", "app", "ingest", "label", "log", "security")),
      Map.entry("cli", Set.of("domain", "store", "security", "log", "pki", "metrics")));

  /** Domain code is plain Java: no SQL, no gRPC, no protobuf messages. */
  private static final List<String> NOT_IN_DOMAIN =
      List.of("io.grpc", "io.packtrail.v1", "com.google.protobuf", "org.jdbi", "java.sql");

  @Test
  void packagesDependOnlyDownwards() throws IOException {
    assertEquals(packagesOnDisk(), ALLOWED.keySet(), "every package has its rule");
    List<String> broken = new ArrayList<>();
    for (var rule : ALLOWED.entrySet()) {
      String pkg = rule.getKey();
      for (Path file : sources(pkg)) {
        Matcher m = REFERENCE.matcher(Files.readString(file));
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(pkg) && !rule.getValue().contains(used)) {
            broken.add(pkg + "/" + file.getFileName() + " uses " + used);
          }
        }
      }
    }
    assertTrue(broken.isEmpty(), () -> "dependencies against the direction: " + broken);
  }

  @Test
  void handlersReachStorageOnlyThroughTheApplicationServices() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path file : sources("api")) {
      if (Files.readString(file).contains("org.jdbi.")) {
        broken.add(file.getFileName().toString());
      }
    }
    assertTrue(broken.isEmpty(), () -> "api uses jdbi directly: " + broken);
  }

  @Test
  void domainCodeIsPlainJava() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path file : sources("domain")) {
      String text = Files.readString(file);
      for (String forbidden : NOT_IN_DOMAIN) {
        if (text.contains(forbidden + ".")) {
          broken.add(file.getFileName() + " uses " + forbidden);
        }
      }
    }
    assertTrue(broken.isEmpty(), () -> "domain must stay plain Java: " + broken);
  }

  private static Set<String> packagesOnDisk() throws IOException {
    try (Stream<Path> entries = Files.list(SOURCES)) {
      Set<String> names = new TreeSet<>();
      entries.filter(Files::isDirectory).forEach(d -> names.add(d.getFileName().toString()));
      return names;
    }
  }

  private static List<Path> sources(String pkg) throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
      List<Path> list = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertFalse(list.isEmpty(), "no sources found for " + pkg);
      return list;
    }
  }
}
