package io.packtrail.server.testing;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.CallerResolver;

/**
 * Principals for in-process tests: a resolver that trusts headers (standing in for the
 * certificate mutual TLS brings; never used outside tests) and channels that send them. No
 * header: the plaintext development principal.
 */
public final class TestPrincipals {
  static final Metadata.Key<String> KIND = key("x-test-kind");
  static final Metadata.Key<String> ORGANIZATION = key("x-test-organization");
  static final Metadata.Key<String> SITE = key("x-test-site");
  static final Metadata.Key<String> DEVICE = key("x-test-device");
  static final Metadata.Key<String> SERIAL = key("x-test-serial");

  /** Reads the principal from the headers {@link #as} sets. */
  public static final CallerResolver RESOLVER = (transport, headers) -> {
    String kind = headers.get(KIND);
    if (kind == null) {
      return Caller.UNAUTHENTICATED;
    }
    return new Caller(new Principal(Principal.Kind.valueOf(kind), headers.get(ORGANIZATION),
        headers.get(SITE), headers.get(DEVICE), headers.get(SERIAL)));
  };

  private TestPrincipals() {}

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** The channel, calling as {@code p}. */
  public static Channel as(Channel channel, Principal p) {
    Metadata headers = new Metadata();
    headers.put(KIND, p.kind().name());
    put(headers, ORGANIZATION, p.organization());
    put(headers, SITE, p.site());
    put(headers, DEVICE, p.device());
    put(headers, SERIAL, p.certificateSerial());
    return ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void put(Metadata headers, Metadata.Key<String> key, String value) {
    if (value != null) {
      headers.put(key, value);
    }
  }

  private static int serial = 0x1000;

  private static synchronized String nextSerial() {
    return Integer.toHexString(serial++);
  }

  /** An organisation's system. */
  public static Principal system(String organization) {
    return new Principal(Principal.Kind.ORGANIZATION_SYSTEM, organization, null, null,
        nextSerial());
  }

  /** A worker at a site. */
  public static Principal worker(String site) {
    return new Principal(Principal.Kind.WORKER, organizationOf(site), site, null, nextSerial());
  }

  /** A device of a site (named in full, as certificates name it). */
  public static Principal device(String site, String deviceId) {
    return new Principal(Principal.Kind.DEVICE, organizationOf(site), site,
        io.packtrail.server.domain.ResourceNames.device(site, deviceId), nextSerial());
  }

  public static Principal auditor() {
    return new Principal(Principal.Kind.AUDITOR, "organizations/test-audit", null, null,
        nextSerial());
  }

  public static Principal regulator() {
    return new Principal(Principal.Kind.REGULATOR, Fixtures.REGULATOR, null, null, nextSerial());
  }

  public static Principal operator() {
    return new Principal(Principal.Kind.OPERATOR, null, null, null, nextSerial());
  }

  /** One principal of each kind but LOCAL, acting at the fixtures' dealer station. */
  public static java.util.Map<Principal.Kind, Principal> oneOfEachKind() {
    java.util.Map<Principal.Kind, Principal> all = new java.util.EnumMap<>(Principal.Kind.class);
    all.put(Principal.Kind.ORGANIZATION_SYSTEM, system(Fixtures.DEALER));
    all.put(Principal.Kind.DEVICE, device(Fixtures.STATION, "scanner-1"));
    all.put(Principal.Kind.WORKER, worker(Fixtures.STATION));
    all.put(Principal.Kind.AUDITOR, auditor());
    all.put(Principal.Kind.REGULATOR, regulator());
    all.put(Principal.Kind.OPERATOR, operator());
    return all;
  }

  private static String organizationOf(String site) {
    return site.substring(0, site.indexOf("/sites/"));
  }
}
