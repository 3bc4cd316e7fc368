package io.packtrail.scanner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The device this scanner is enrolled as (`enroll`): its resource name, saved as {@code device}
 * in the settings file, and its private key, {@code device-keys/ORG/SITE/ID.key} under
 * PACKTRAIL_HOME (mode 600, {@link io.packtrail.client.device.DeviceKey}), with its mutual-TLS
 * key ({@code ID.tls.key}, mode 600) and certificate ({@code ID.pem}) beside it.
 */
record DeviceIdentity(String name, Path keyFile) {
  static final String PROPERTY = "device";
  static final String NOT_ENROLLED = "this device is not enrolled, and every step it records "
      + "must carry its signature: enroll this device first: 'packtrail-scanner enroll --code "
      + "CODE' with a one-time enrollment code from your site's organisation (needs the "
      + "network)";

  /** {@code organizations/o/sites/s/devices/d}. */
  static boolean validName(String name) {
    return name != null && name.matches("organizations/[^/]+/sites/[^/]+/devices/[^/]+");
  }

  /** The site the device is enrolled at: {@code organizations/o/sites/s}. */
  String site() {
    return site(name);
  }

  static String site(String deviceName) {
    return deviceName.substring(0, deviceName.indexOf("/devices/"));
  }

  /** Where the private key of {@code deviceName} lives under {@code home}. */
  static Path keyFile(Path home, String deviceName) {
    String[] s = deviceName.split("/");
    return home.resolve("device-keys").resolve(s[1]).resolve(s[3]).resolve(s[5] + ".key");
  }

  /** The device's mutual-TLS private key (PKCS#8 PEM, mode 600), beside its signing key. */
  static Path tlsKeyFile(Path home, String deviceName) {
    Path key = keyFile(home, deviceName);
    return key.resolveSibling(key.getFileName().toString().replace(".key", ".tls.key"));
  }

  /** The device's client certificate from its enrollment (PEM). */
  static Path certificateFile(Path home, String deviceName) {
    Path key = keyFile(home, deviceName);
    return key.resolveSibling(key.getFileName().toString().replace(".key", ".pem"));
  }

  /** The enrolled device, or empty when `enroll` has not succeeded here. */
  static Optional<DeviceIdentity> of(Path home) {
    Path file = home.resolve(ScannerCli.CONFIG_FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
    }
    String name = p.getProperty(PROPERTY);
    if (!validName(name)) {
      return Optional.empty();
    }
    return Optional.of(new DeviceIdentity(name, keyFile(home, name)));
  }
}
