package io.packtrail.scanner;

import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.packtrail.client.device.DeviceKey;
import com.google.protobuf.ByteString;
import io.packtrail.client.tls.Pem;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.v1.Device;
import io.packtrail.v1.EnrollDeviceRequest;
import io.packtrail.v1.EnrollDeviceResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `enroll`: make this device's key pair and register it with a one-time code. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
    description = {
        "Enroll this device at the recording site (--site, PACKTRAIL_SITE or 'config "
            + "--save-site'): make its Ed25519 key pair (the private key stays on this device, "
            + "under PACKTRAIL_HOME/device-keys, readable by its owner only) and register the "
            + "public key with a one-time enrollment code that the site's organisation created "
            + "(DeviceService.CreateEnrollmentCode). From then on every step this device "
            + "records carries its signature. Needs the network.",
        "Safe to run again with the same code and device id when it failed halfway (e.g. the "
            + "network dropped): the server answers the same device.",
        "An enrolled device refuses to enroll again unless --force: then a new device (a new "
            + "--device-id and a new code) signs the steps recorded from then on; steps saved "
            + "before keep the old device's signature."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:enrolled", "1:the server refused the code or the device (said why)",
        "2:usage or setup error (no site, already enrolled without --force, key file)",
        "3:the server could not be reached: nothing changed; try again when online"})
final class EnrollCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Option(names = "--code", required = true, paramLabel = "CODE",
      description = "the one-time enrollment code, e.g. 7KQ2-M9XD-4HTP-W3CA (hyphens, spaces "
          + "and case do not matter); good for 24 hours, for one device")
  String code;

  @Option(names = "--device-id", paramLabel = "ID",
      description = "this device's id at the site, [a-z][a-z0-9-]{2,62} (default: from the "
          + "host name, e.g. scanner-dock-2)")
  String deviceId;

  @Option(names = "--name", paramLabel = "NAME",
      description = "a name for people, e.g. 'Dock 2 handheld' (default: the host name)")
  String displayName;

  @Option(names = "--force", description = "enroll again although this device is enrolled "
      + "(a lost or retired device): give a new --device-id and a new code")
  boolean force;

  @Override
  public Integer call() throws Exception {
    String site = cli.site();
    if (site == null) {
      throw new IllegalArgumentException("no site set for this device: a device enrolls at "
          + "the site where it records steps; run 'packtrail-scanner config --save-site "
          + "organizations/ORG/sites/SITE' first (or give --site)");
    }
    String id = deviceId != null ? deviceId : defaultId();
    if (!id.matches("[a-z][a-z0-9-]{2,62}")) {
      throw new IllegalArgumentException("--device-id must be 3 to 63 lower-case letters, "
          + "digits and hyphens, starting with a letter; got '" + id + "'");
    }
    String name = site + "/devices/" + id;
    if (!DeviceIdentity.validName(name)) { // the site's part is what can be wrong here
      throw new IllegalArgumentException("the site must be a site's name, "
          + "organizations/ORG/sites/SITE; got '" + site + "' (from --site, PACKTRAIL_SITE or "
          + "the saved config)");
    }
    var enrolled = DeviceIdentity.of(cli.home());
    if (enrolled.isPresent() && !force) {
      System.err.println("error: this device is enrolled already as " + enrolled.get().name()
          + "; it signs every step with that identity. Enroll again only when that device is "
          + "lost, retired or must move to another site: 'packtrail-scanner enroll --code "
          + "NEW-CODE --device-id NEW-ID --force' (steps saved before keep their signature)");
      return ScannerCli.SETUP;
    }
    if (enrolled.isPresent() && enrolled.get().name().equals(name)) {
      System.err.println("error: this device is enrolled already as " + name + "; to enroll "
          + "again give a new --device-id (a device id is used once)");
      return ScannerCli.SETUP;
    }
    // The key of this very device id, when an earlier attempt made it (the server answers a
    // retry with the same code, id and key with the same device); else a fresh one.
    Path keyFile = DeviceIdentity.keyFile(cli.home(), name);
    DeviceKey key;
    if (Files.exists(keyFile)) {
      key = DeviceKey.load(keyFile);
    } else {
      key = DeviceKey.generate();
      key.save(keyFile);
    }
    // The device's mutual-TLS key, kept like the signing key (a retry reuses it and gets the
    // certificate issued for it); none against a plaintext development server.
    Path tlsKeyFile = DeviceIdentity.tlsKeyFile(cli.home(), name);
    java.security.PublicKey tlsPublic = null;
    if (!cli.plaintext) {
      if (Files.exists(tlsKeyFile)) {
        tlsPublic = publicOf(tlsKeyFile);
      } else {
        java.security.KeyPair pair = TlsKeys.generate();
        Pem.writePrivateKey(tlsKeyFile, pair.getPrivate());
        tlsPublic = pair.getPublic();
      }
    }
    String label = displayName != null ? displayName : "packtrail-scanner on " + hostName();
    EnrollDeviceResponse answer;
    try (ServerLink link = cli.enrollLink()) {
      EnrollDeviceRequest.Builder request = EnrollDeviceRequest.newBuilder().setParent(site)
          .setDeviceId(id).setEnrollmentCode(code)
          .setPublicKey(ByteString.copyFrom(key.publicKey())).setDisplayName(label);
      if (tlsPublic != null) {
        request.setTlsPublicKey(ByteString.copyFrom(tlsPublic.getEncoded()));
      }
      answer = link.deliveries().enrollDevice(request.build());
    } catch (StatusRuntimeException e) {
      return refused(e, site, id);
    }
    Device device = answer.getDevice();
    Properties p = cli.config();
    p.setProperty(DeviceIdentity.PROPERTY, device.getName());
    Path certFile = null;
    if (!answer.getClientCertificate().isEmpty()) {
      certFile = DeviceIdentity.certificateFile(cli.home(), name);
      Pem.writePublic(certFile, Pem.encode("CERTIFICATE",
          answer.getClientCertificate().toByteArray()));
      p.setProperty(ScannerCli.CERT, certFile.toAbsolutePath().toString());
      p.setProperty(ScannerCli.KEY, tlsKeyFile.toAbsolutePath().toString());
      Path ca = cli.tlsFile(cli.caCert, ScannerCli.CA_CERT);
      if (ca != null && p.getProperty(ScannerCli.CA_CERT) == null) {
        p.setProperty(ScannerCli.CA_CERT, ca.toAbsolutePath().toString());
      }
    }
    cli.saveConfig(p);
    System.out.println("ENROLLED as " + device.getName() + " (" + device.getDisplayName() + ")");
    System.out.println("private key " + keyFile + " (readable by its owner only; never copy it "
        + "to another device)");
    System.out.println("Every step this device records is signed from now on.");
    if (certFile != null) {
      System.out.println("TLS certificate " + certFile + " (key " + tlsKeyFile + "): this "
          + "device calls the server as itself from now on");
      if (cli.clientCertificateGiven()) {
        System.out.println("note: --cert / PACKTRAIL_CLIENT_CERT is set and wins over the "
            + "device's certificate; leave it out to call as the device");
      }
    }
    return ScannerCli.OK;
  }

  /** The public key of a saved TLS private key (EC: derived from the private scalar). */
  private static java.security.PublicKey publicOf(Path keyFile) throws IOException {
    java.security.PrivateKey k = Pem.parsePrivateKey(Files.readString(keyFile));
    if (!(k instanceof java.security.interfaces.ECPrivateKey ec)) {
      throw new IOException(keyFile + " is not an EC key; remove it to make a new one");
    }
    return TlsKeys.publicOf(ec);
  }

  /** Words for a refused enrollment, with what to do next. */
  private int refused(StatusRuntimeException e, String site, String id) {
    if (ServerLink.passing(e)) {
      System.err.println("error: enrollment needs the network, and " + Words.status(e)
          + "; nothing changed: connect this device and run the same command again");
      return ScannerCli.SERVER;
    }
    String refusal = "";
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status != null) {
      for (var any : status.getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          try {
            refusal = any.unpack(ErrorInfo.class).getMetadataOrDefault("refusal", "");
          } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
            // no machine-readable refusal: the server's message is said below
          }
        }
      }
    }
    String why = switch (refusal) {
      case "UNKNOWN" -> "the server does not know this code: check it for typos (and that "
          + "--server is your deployment's server), or ask your site's organisation for a new "
          + "code";
      case "EXPIRED" -> "this code has expired (a code is good for 24 hours): ask your site's "
          + "organisation for a new one";
      case "USED" -> "this code was used already: a code enrolls one device; ask your site's "
          + "organisation for a new one";
      case "OTHER_SITE" -> "this code was made for another site than " + site + ": check the "
          + "recording site ('packtrail-scanner config'), or ask for a code of " + site;
      default -> switch (e.getStatus().getCode()) {
        case ALREADY_EXISTS -> "the device id '" + id + "' (or this key) is enrolled at the "
            + "site already: choose another --device-id";
        case NOT_FOUND -> "the server does not know the site " + site + ": check it "
            + "('packtrail-scanner config --save-site organizations/ORG/sites/SITE')";
        case INVALID_ARGUMENT -> "a detail of the enrollment is wrong";
        default -> "ask your supervisor";
      };
    };
    System.err.println("ENROLLMENT REFUSED: " + why + ".\n  the server said: "
        + Words.status(e));
    return ScannerCli.REFUSED;
  }

  /** The host name as a device id: scanner-dock-2, or "scanner" when there is none. */
  static String defaultId() {
    String host = hostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
        .replaceAll("^-+|-+$", "");
    String id = host.startsWith("scanner") ? host : "scanner-" + host;
    id = id.replaceAll("-+$", "");
    return id.length() > 63 ? id.substring(0, 63).replaceAll("-+$", "") : id;
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "device";
    }
  }
}
