package io.packtrail.server.app;

import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.EnrollmentCode;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.pki.CertificateAuthority;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.store.Storage;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The scanners of each site: one-time enrollment codes, enrollment, listing, retirement, and
 * the check of a device-signed step before it is sequenced. An enrollment may also get the
 * device's client certificate for mutual TLS from the deployment CA.
 */
public final class Devices {
  /** How long an enrollment code is good for unless configured otherwise. */
  public static final Duration DEFAULT_CODE_VALIDITY = Duration.ofHours(24);
  /** The violation type of a refused device (FAILED_PRECONDITION). */
  public static final String VIOLATION = "DEVICE";

  /**
   * How long the signature check trusts a device as it last read it: a retirement made through
   * this server is seen at once, one made through another server within this time (as a label
   * withdrawn through another server is). Without it every signed step cost a database read.
   */
  static final Duration SEEN_FOR = Duration.ofSeconds(1);
  private static final int MAX_SEEN = 100_000;

  private final Storage storage;
  private final Clock clock;
  private final Duration codeValidity;
  private final CertificateAuthority authority;
  private final ConcurrentMap<String, Seen> seen = new ConcurrentHashMap<>();

  /** A device as the signature check read it, and when (System.nanoTime). */
  private record Seen(Device device, long readAt) {}

  public Devices(Storage storage, Clock clock, Duration codeValidity,
      CertificateAuthority authority) {
    if (codeValidity.isNegative() || codeValidity.isZero()) {
      throw new IllegalArgumentException("enrollment codes must be valid for some time");
    }
    this.storage = storage;
    this.clock = clock;
    this.codeValidity = codeValidity;
    this.authority = authority;
  }

  /** A stored enrollment code, with its text when this call created it (else null). */
  public record NewCode(EnrollmentCode stored, String code) {}

  /**
   * Creates a code for the site; a retry (same request id, same site) answers the stored code
   * without its text, which the server does not keep.
   */
  public NewCode createEnrollmentCode(Principal caller, String site, UUID requestId) {
    Authorization.requireOwn(caller, site, "sites");
    String code = EnrollmentCode.generate();
    byte[] hash = EnrollmentCode.hash(EnrollmentCode.normalise(code));
    Instant now = now();
    EnrollmentCode stored = storage.createEnrollmentCode(new EnrollmentCode(requestId, site, hash,
        now, now.plus(codeValidity), null, null));
    if (!stored.site().equals(site)) {
      throw new AlreadyExistsException(stored.name(), "request_id " + requestId
          + " already created an enrollment code for another site; choose a new request_id");
    }
    return new NewCode(stored, Arrays.equals(stored.codeHash(), hash) ? code : null);
  }

  /** An enrolled device, and its client certificate when one was asked for (else null). */
  public record Enrolled(Device device, IssuedCertificate certificate) {}

  /**
   * Enrolls the device with a normalised code (see {@link EnrollmentCode#normalise}); with a
   * TLS public key, also issues (or, for a retry, answers) the device's client certificate.
   * The certificate is issued after the enrollment committed: a failure in between leaves an
   * enrolled device, and the retry (same code, id and keys) gets the certificate. At the
   * caller's own site (an organisation's system: at one of its sites); a device enrolls only
   * itself.
   */
  public Enrolled enroll(Principal caller, String site, String deviceId, String normalisedCode,
      byte[] publicKey, String displayName, PublicKey tlsPublicKey) {
    Authorization.requireOwn(caller, ResourceNames.device(site, deviceId), "devices");
    DeploymentCa ca = null;
    if (tlsPublicKey != null) {
      ca = authority.ca().orElseThrow(() -> new FailedPreconditionException(List.of(
          new PreconditionViolation("PKI", "tls_public_key", "this deployment has no "
              + "certificate authority yet, so it cannot issue the device's certificate: the "
              + "operator runs 'packtrail-server pki init'", Map.of()))));
    }
    Instant now = now();
    Device device = storage.enrollDevice(EnrollmentCode.hash(normalisedCode), new Device(site,
        deviceId, displayName, publicKey, Device.Status.ACTIVE, null, now, null),
        tlsPublicKey == null ? null : EventChain.sha256(tlsPublicKey.getEncoded()), now);
    if (!device.active()) {
      // the retry of an enrollment whose device was retired since: no certificate for it
      throw retired(device);
    }
    IssuedCertificate certificate = ca == null ? null : ca.deviceCertificate(device.name(),
        commonName(device), tlsPublicKey, DeploymentCa.CLIENT_VALIDITY);
    if (certificate != null) {
      // a retirement committed between the enrollment and the certificate revoked only the
      // certificates it saw: read the device again, after any retirement in progress
      Device settled = storage.findDeviceSettled(device.name()).orElse(device);
      if (!settled.active()) {
        authority.revoke(certificate.serial(), "device retired");
        throw retired(settled);
      }
    }
    return new Enrolled(device, certificate);
  }

  /**
   * A device certificate's common name: its display name, cut to the 64 characters of RFC 5280's
   * ub-common-name as BouncyCastle counts them (UTF-16 units), never inside a surrogate pair
   * (the display name may be 200 units, of characters outside the BMP too).
   */
  static String commonName(Device d) {
    String name = d.displayName().strip();
    if (name.length() <= 64) {
      return name;
    }
    return name.substring(0, Character.isHighSurrogate(name.charAt(63)) ? 63 : 64);
  }

  public Device device(String name) {
    return storage.findDevice(name).orElseThrow(() -> new NotFoundException(name, "device"));
  }

  /** A site's devices in id order. */
  public List<Device> list(String site, String afterId, int limit) {
    if (storage.findSite(site).isEmpty()) {
      throw new NotFoundException(site, "site (parent)");
    }
    return storage.listDevices(site, afterId, limit);
  }

  /**
   * Retires the device (one of the caller's organisation's, or its site's); retiring a retired
   * device changes nothing.
   */
  public Device retire(Principal caller, String name) {
    Authorization.requireOwn(caller, name, "devices");
    Device retired = storage.retireDevice(name, now());
    seen.remove(name);
    return retired;
  }

  /** The device for the signature check: read at most once per {@link #SEEN_FOR}. */
  private Optional<Device> recentlySeen(String name) {
    Seen last = seen.get(name);
    long now = System.nanoTime();
    if (last != null && now - last.readAt() < SEEN_FOR.toNanos()) {
      return Optional.of(last.device());
    }
    Optional<Device> found = storage.findDevice(name);
    if (found.isPresent() && (last != null || seen.size() < MAX_SEEN)) {
      seen.put(name, new Seen(found.get(), now));
    }
    return found;
  }

  /**
   * Checks the device of a signed step before it is sequenced: an enrolled, active device of
   * the step's acting site whose key verifies the signature over the step's statement. The
   * statement includes the scanned label's serial, so this runs after the label check.
   * Unknown, retired or another site's device: FAILED_PRECONDITION {@value #VIOLATION}; a
   * signature that does not verify: INVALID_ARGUMENT on {@code device_signature}.
   */
  public void checkSigned(Submission s, String prefix) {
    if (s.device() == null) {
      return;
    }
    String field = prefix + "device";
    Device d = recentlySeen(s.device()).orElseThrow(() -> refused(s.device(), field,
        "UNKNOWN", s.device() + " is not an enrolled device; enroll it with an enrollment code "
            + "of its site"));
    if (!d.site().equals(s.actorSite())) {
      throw refused(d.name(), field, "OTHER_SITE", d.name() + " is a device of " + d.site()
          + ", not of the actor_site " + s.actorSite() + "; a device records at its own site");
    }
    if (!d.active()) {
      throw refused(d.name(), field, "RETIRED", d.name() + " was retired at " + d.retireTime()
          + "; its steps are refused: enroll the device again under a new device_id");
    }
    if (!DeviceSignatures.verify(s.statement(), s.deviceSignature(), d.publicKey())) {
      throw new InvalidArgumentException(prefix + "device_signature", "does not verify under "
          + "the public key of " + d.name() + ": the signature must cover this request's "
          + "statement (docs/formats.md, Device signatures)");
    }
  }

  private static FailedPreconditionException retired(Device d) {
    return refused(d.name(), "device_id", "RETIRED", d.name() + " was retired at "
        + d.retireTime() + "; a retired device is not enrolled again: enroll it under a new "
        + "device_id with a new code");
  }

  private static FailedPreconditionException refused(String device, String field,
      String refusal, String description) {
    return new FailedPreconditionException(List.of(new PreconditionViolation(VIOLATION, device,
        description, Map.of("refusal", refusal, "field", field))));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
