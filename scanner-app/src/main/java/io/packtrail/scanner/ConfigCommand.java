package io.packtrail.scanner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `config`: the device's saved settings. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Show the settings saved on this device, or save them: the site where it "
        + "records steps, the server, and the TLS files (the deployment CA's certificate; a "
        + "worker's certificate and key until the device enrolls, which saves the device's "
        + "own). Flags and environment variables (--site, PACKTRAIL_SITE, --server, "
        + "PACKTRAIL_SERVER, --ca-cert, --cert, --key, PACKTRAIL_CA_CERT, ...) win over saved "
        + "settings.")
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Option(names = "--save-site", paramLabel = "SITE",
      description = "save the recording site, organizations/ORG/sites/SITE")
  String saveSite;

  @Option(names = "--save-server", paramLabel = "HOST:PORT", description = "save the server")
  String saveServer;

  @Option(names = "--save-ca-cert", paramLabel = "FILE",
      description = "save the deployment CA's certificate (PEM) the server's must chain to")
  Path saveCaCert;

  @Option(names = "--save-cert", paramLabel = "FILE",
      description = "save a worker's client certificate (PEM) to call with until this device "
          + "enrolls, and to enroll with; give --save-key with it")
  Path saveCert;

  @Option(names = "--save-key", paramLabel = "FILE",
      description = "save the private key (PKCS#8 PEM) of --save-cert")
  Path saveKey;

  @Override
  public Integer call() throws Exception {
    if ((saveCert == null) != (saveKey == null)) {
      throw new IllegalArgumentException("--save-cert and --save-key go together: a "
          + "certificate with its private key");
    }
    if (saveSite != null || saveServer != null || saveCaCert != null || saveCert != null) {
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
      if (saveCaCert != null) {
        p.setProperty(ScannerCli.CA_CERT, readable(saveCaCert));
      }
      if (saveCert != null) {
        // the worker's certificate: calls use it until the device enrolls, 'enroll' always;
        // once enrolled, calls keep the device's own (a retired device must lose its calls)
        String device = p.getProperty(DeviceIdentity.PROPERTY);
        // (a device enrolled over plaintext got no certificate: the worker's serves it still)
        if (device == null || !Files.exists(DeviceIdentity.certificateFile(cli.home(), device))) {
          p.setProperty(ScannerCli.CERT, readable(saveCert));
          p.setProperty(ScannerCli.KEY, readable(saveKey));
        } else {
          System.out.println("this device is enrolled: its calls keep its own certificate; the "
              + "one saved is for 'enroll'");
        }
        p.setProperty(ScannerCli.ENROLL_CERT, readable(saveCert));
        p.setProperty(ScannerCli.ENROLL_KEY, readable(saveKey));
      }
      cli.saveConfig(p);
      System.out.println("saved in " + cli.home().resolve(ScannerCli.CONFIG_FILE));
    }
    String site = cli.site();
    System.out.println("home    " + cli.home());
    System.out.println("server  " + cli.server());
    System.out.println("site    " + (site == null ? "not set" : site));
    System.out.println("tls     " + tls(cli));
    return ScannerCli.OK;
  }

  /** The TLS settings in effect, in words. */
  static String tls(ScannerCli cli) {
    if (cli.plaintext) {
      return "none: plaintext (a development server on loopback)";
    }
    Path ca = cli.tlsFile(cli.caCert, ScannerCli.CA_CERT);
    Path cert = cli.clientCertificateGiven() ? cli.cert : cli.tlsFile(null, ScannerCli.CERT);
    return "CA " + (ca == null ? "not set" : ca) + ", certificate "
        + (cert == null ? "not set" : cert + describe(cert));
  }

  /** " (the principal it names, valid until ...)", or why it cannot be read. */
  private static String describe(Path cert) {
    try {
      java.security.cert.X509Certificate c = io.packtrail.client.tls.Pem.readCertificate(cert);
      String named = "";
      if (c.getSubjectAlternativeNames() != null) {
        for (java.util.List<?> n : c.getSubjectAlternativeNames()) {
          if (n.get(1) instanceof String uri && uri.startsWith("packtrail:principal:")) {
            named = uri.substring("packtrail:principal:".length()) + ", ";
          }
        }
      }
      return " (" + named + "valid until " + c.getNotAfter().toInstant() + ")";
    } catch (java.io.IOException | java.security.cert.CertificateParsingException e) {
      return " (cannot be read: " + e.getMessage() + ")";
    }
  }

  private static String readable(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.isReadable(absolute)) {
      throw new IllegalArgumentException("cannot read " + absolute);
    }
    return absolute.toString();
  }
}
