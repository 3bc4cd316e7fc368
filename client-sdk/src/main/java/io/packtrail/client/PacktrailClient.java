package io.packtrail.client;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.packtrail.v1.BatchIssueLabelsRequest;
import io.packtrail.v1.BatchIssueLabelsResponse;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.CreateLabelKeyRequest;
import io.packtrail.v1.GetTrustListRequest;
import io.packtrail.v1.GetUnitLabelRequest;
import io.packtrail.v1.GetTrustListResponse;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.Label;
import io.packtrail.v1.LabelKey;
import io.packtrail.v1.LabelServiceGrpc;
import io.packtrail.v1.ReissueLabelRequest;
import io.packtrail.v1.RevokeLabelKeyRequest;
import io.packtrail.v1.RevokeLabelRequest;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.BatchRegisterUnitsRequest;
import io.packtrail.v1.BatchRegisterUnitsResponse;
import io.packtrail.v1.CreateOrganizationRequest;
import io.packtrail.v1.CreateSiteRequest;
import io.packtrail.v1.CreateEnrollmentCodeRequest;
import io.packtrail.v1.Device;
import io.packtrail.v1.DeviceServiceGrpc;
import io.packtrail.v1.EnrollDeviceRequest;
import io.packtrail.v1.EnrollmentCode;
import io.packtrail.v1.GetDeviceRequest;
import io.packtrail.v1.ListDevicesRequest;
import io.packtrail.v1.ListDevicesResponse;
import io.packtrail.v1.RetireDeviceRequest;
import io.packtrail.v1.Event;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.ListEventsRequest;
import io.packtrail.v1.ListEventsResponse;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.ListUnitsResponse;
import io.packtrail.v1.Organization;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RecordEventResponse;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.RegisterUnitResponse;
import io.packtrail.v1.RegistryServiceGrpc;
import io.packtrail.v1.Site;
import io.packtrail.v1.Unit;
import io.packtrail.v1.UnitServiceGrpc;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import io.packtrail.v1.GetLineageRequest;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.GetMaterialLotRequest;
import io.packtrail.v1.GetMaterialLotResponse;
import io.packtrail.v1.GetPlantFiguresRequest;
import io.packtrail.v1.GetPlantFiguresResponse;
import io.packtrail.v1.LineageDirection;
import io.packtrail.v1.LineageServiceGrpc;
import io.packtrail.v1.ListMaterialLotsRequest;
import io.packtrail.v1.ListMaterialLotsResponse;
import io.packtrail.v1.ListTradeInsRequest;
import io.packtrail.v1.ListTradeInsResponse;
import io.packtrail.v1.MaterialLot;
import io.packtrail.v1.TradeInRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Typed access to a Packtrail server. Every call has a deadline; writes fill in a fresh event id
 * and event time when the caller left them empty, before the first attempt, so the transparent
 * retries of gRPC (on UNAVAILABLE) can never record a step twice.
 *
 * <p>The deadline of a batch call scales with its size: the client's deadline (10 s for {@link
 * #connect}) plus {@link #BATCH_ITEM_ALLOWANCE} per item ({@link #batchDeadline}), so a full
 * batch of 1,000 steps may take 10 s + 20 s. A batch that still runs out of time fails as a whole
 * with DEADLINE_EXCEEDED; its items may or may not be recorded, so send it again with the same
 * ids (retries are answered, never recorded twice).
 *
 * <p>The same ids: an id (and time) this client fills in is made anew for each call, so a call
 * sent again after a lost answer carries new ones and is a new step. Set them yourself, or send
 * what {@link #withIds(RecordEventRequest)} returns and keep it to send again. The helpers that
 * take no request (e.g. {@link #issueLabel(String)}) make a fresh request id per call: after a
 * lost answer, look before calling again.
 */
public final class PacktrailClient implements AutoCloseable {
  /**
   * Retry policy for every packtrail.v1 method (writes are idempotent on their ids), but
   * CreateEnrollmentCode: a retry of a code whose answer was lost is answered without the
   * code's text (shown once only), so a retry made here, unseen by the caller, would return a
   * code the caller can never use. Its UNAVAILABLE reaches the caller, who knows to look.
   */
  private static final Map<String, ?> SERVICE_CONFIG = Map.of("methodConfig", List.of(Map.of(
      "name", List.of(
          Map.of("service", "packtrail.v1.RegistryService"),
          Map.of("service", "packtrail.v1.UnitService"),
          Map.of("service", "packtrail.v1.EventService"),
          Map.of("service", "packtrail.v1.LabelService"),
          Map.of("service", "packtrail.v1.LineageService"),
          Map.of("service", "packtrail.v1.DeviceService"),
          Map.of("service", "packtrail.v1.AuditService"),
          Map.of("service", "packtrail.v1.ReportService"),
          Map.of("service", "packtrail.v1.AnomalyService"),
          Map.of("service", "packtrail.v1.ComplianceService")),
      "retryPolicy", Map.of(
          "maxAttempts", 5.0,
          "initialBackoff", "0.1s",
          "maxBackoff", "2s",
          "backoffMultiplier", 2.0,
          "retryableStatusCodes", List.of("UNAVAILABLE"))),
      // the most specific name wins: this method has no retry policy
      Map.of("name", List.of(Map.of("service", "packtrail.v1.DeviceService",
          "method", "CreateEnrollmentCode")))));

  private final ManagedChannel ownedChannel;
  /** The watches not closed yet, closed with the client. */
  private final java.util.Set<EventSubscription> subscriptions =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Duration deadline;
  private final Duration perItem;
  private final RegistryServiceGrpc.RegistryServiceBlockingStub registry;
  private final UnitServiceGrpc.UnitServiceBlockingStub units;
  private final EventServiceGrpc.EventServiceBlockingStub events;
  private final EventServiceGrpc.EventServiceStub eventsAsync;
  private final LabelServiceGrpc.LabelServiceBlockingStub labels;
  private final LineageServiceGrpc.LineageServiceBlockingStub lineage;
  private final DeviceServiceGrpc.DeviceServiceBlockingStub devices;
  private final io.packtrail.v1.AuditServiceGrpc.AuditServiceBlockingStub audit;
  private final io.packtrail.v1.ReportServiceGrpc.ReportServiceBlockingStub reports;
  private final io.packtrail.v1.AnomalyServiceGrpc.AnomalyServiceBlockingStub anomalies;
  private final io.packtrail.v1.ComplianceServiceGrpc.ComplianceServiceBlockingStub compliance;

  private PacktrailClient(Channel channel, ManagedChannel owned, Duration deadline,
      Duration perItem) {
    this.ownedChannel = owned;
    this.deadline = deadline;
    this.perItem = perItem;
    this.registry = RegistryServiceGrpc.newBlockingStub(channel);
    this.units = UnitServiceGrpc.newBlockingStub(channel);
    this.events = EventServiceGrpc.newBlockingStub(channel);
    this.eventsAsync = EventServiceGrpc.newStub(channel);
    this.labels = LabelServiceGrpc.newBlockingStub(channel);
    this.lineage = LineageServiceGrpc.newBlockingStub(channel);
    this.devices = DeviceServiceGrpc.newBlockingStub(channel);
    this.audit = io.packtrail.v1.AuditServiceGrpc.newBlockingStub(channel);
    this.reports = io.packtrail.v1.ReportServiceGrpc.newBlockingStub(channel);
    this.anomalies = io.packtrail.v1.AnomalyServiceGrpc.newBlockingStub(channel);
    this.compliance = io.packtrail.v1.ComplianceServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Connects to {@code host:port} with the TLS material (or plaintext) the environment names
   * ({@link Builder#fromEnvironment}: PACKTRAIL_CA_CERT, PACKTRAIL_CLIENT_CERT,
   * PACKTRAIL_CLIENT_KEY, or PACKTRAIL_PLAINTEXT=true), retries on, and a 10 s deadline per call.
   *
   * @throws IllegalStateException when the environment names neither (the message says what to
   *     set)
   */
  public static PacktrailClient connect(String target) {
    return builder(target).fromEnvironment().build();
  }

  /** A client of {@code host:port}; say how to reach it (TLS material or plaintext) and build. */
  public static Builder builder(String target) {
    return new Builder(target);
  }

  /**
   * How to reach a server. Mutual TLS is the default and the only way to a deployment: the
   * deployment CA's certificate ({@link #trustedCa}: the server's certificate must chain to it,
   * and name the host of the target) and this client's certificate and private key
   * ({@link #clientCertificate}, issued by that CA). {@link #plaintext} is for a development
   * server on loopback ({@code serve --plaintext}).
   */
  public static final class Builder {
    /** Environment variable: the deployment CA's certificate, a PEM file. */
    public static final String CA_CERT_ENV = "PACKTRAIL_CA_CERT";
    /** Environment variable: this client's certificate, a PEM file. */
    public static final String CLIENT_CERT_ENV = "PACKTRAIL_CLIENT_CERT";
    /** Environment variable: this client's private key, a PKCS#8 PEM file. */
    public static final String CLIENT_KEY_ENV = "PACKTRAIL_CLIENT_KEY";
    /** Environment variable: {@code true} for plaintext (a development server on loopback). */
    public static final String PLAINTEXT_ENV = "PACKTRAIL_PLAINTEXT";

    private final String target;
    private byte[] caPem;
    private byte[] certPem;
    private byte[] keyPem;
    private boolean plaintext;
    /** PACKTRAIL_PLAINTEXT=true was found: it applies unless TLS material was given in code. */
    private boolean plaintextFromEnvironment;
    /** trustedCa or clientCertificate was called by the caller (not filled in from the env). */
    private boolean tlsGivenInCode;
    private Duration deadline = Duration.ofSeconds(10);

    private Builder(String target) {
      this.target = java.util.Objects.requireNonNull(target, "target");
    }

    /** The deployment CA's certificate (PEM file): the only issuer the server may have. */
    public Builder trustedCa(java.nio.file.Path caCertificate) {
      return trustedCa(read(caCertificate, "the CA certificate"));
    }

    public Builder trustedCa(byte[] caCertificatePem) {
      setTrustedCa(caCertificatePem);
      tlsGivenInCode = true;
      return this;
    }

    private void setTrustedCa(byte[] caCertificatePem) {
      check("the CA certificate", caCertificatePem, () -> io.packtrail.client.tls.Pem
          .parseCertificate(new String(caCertificatePem, java.nio.charset.StandardCharsets.US_ASCII)));
      this.caPem = caCertificatePem.clone();
    }

    /** This client's certificate and PKCS#8 private key (PEM files), issued by the CA. */
    public Builder clientCertificate(java.nio.file.Path certificate,
        java.nio.file.Path privateKey) {
      return clientCertificate(read(certificate, "the client certificate"),
          read(privateKey, "the client key"));
    }

    public Builder clientCertificate(byte[] certificatePem, byte[] privateKeyPem) {
      setClientCertificate(certificatePem, privateKeyPem);
      tlsGivenInCode = true;
      return this;
    }

    private void setClientCertificate(byte[] certificatePem, byte[] privateKeyPem) {
      check("the client certificate", certificatePem, () -> io.packtrail.client.tls.Pem
          .parseCertificate(new String(certificatePem, java.nio.charset.StandardCharsets.US_ASCII)));
      check("the client key", privateKeyPem, () -> io.packtrail.client.tls.Pem
          .parsePrivateKey(new String(privateKeyPem, java.nio.charset.StandardCharsets.US_ASCII)));
      this.certPem = certificatePem.clone();
      this.keyPem = privateKeyPem.clone();
    }

    /** No TLS: only for a development server on loopback ({@code serve --plaintext}). */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    /** The deadline of each call (batches get more per item); default 10 s. */
    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    /**
     * Fills in what was not given from the environment: PACKTRAIL_CA_CERT, PACKTRAIL_CLIENT_CERT
     * and PACKTRAIL_CLIENT_KEY (paths of PEM files), or PACKTRAIL_PLAINTEXT=true. What the
     * caller gives in code wins, before or after this call: TLS material given to {@link
     * #trustedCa} or {@link #clientCertificate} overrides PACKTRAIL_PLAINTEXT (a development
     * shell's variable must not turn a configured client into a refused one). Plaintext and TLS
     * material from the same source (both in code, or both in the environment) are refused.
     */
    public Builder fromEnvironment() {
      return fromEnvironment(System::getenv);
    }

    /** As {@link #fromEnvironment()}, from {@code env} (tests, configuration files). */
    public Builder fromEnvironment(java.util.function.Function<String, String> env) {
      if ("true".equalsIgnoreCase(blankToNull(env.apply(PLAINTEXT_ENV)))) {
        plaintextFromEnvironment = true;
      }
      String ca = blankToNull(env.apply(CA_CERT_ENV));
      if (caPem == null && ca != null) {
        setTrustedCa(read(java.nio.file.Path.of(ca), "the CA certificate"));
      }
      String cert = blankToNull(env.apply(CLIENT_CERT_ENV));
      String key = blankToNull(env.apply(CLIENT_KEY_ENV));
      if (certPem == null && (cert != null || key != null)) {
        if (cert == null || key == null) {
          throw new IllegalStateException((cert == null ? CLIENT_CERT_ENV : CLIENT_KEY_ENV)
              + " is not set but " + (cert == null ? CLIENT_KEY_ENV : CLIENT_CERT_ENV)
              + " is: a client certificate goes with its private key");
        }
        setClientCertificate(read(java.nio.file.Path.of(cert), "the client certificate"),
            read(java.nio.file.Path.of(key), "the client key"));
      }
      return this;
    }

    /**
     * The channel alone, with the SDK's retry policy and answer size, for callers that put
     * several clients over one connection ({@link PacktrailClient#over}); they close it.
     */
    public ManagedChannel buildChannel() {
      ManagedChannelBuilder<?> b;
      if (plaintext || (plaintextFromEnvironment && !tlsGivenInCode)) {
        // what is given in code wins over the environment: plaintext() with TLS files in the
        // environment is plaintext; a conflict is one within the same source
        if (plaintext ? tlsGivenInCode : (caPem != null || certPem != null)) {
          throw new IllegalStateException("plaintext and TLS material were both given for "
              + target + " (" + (plaintext ? "in code" : "in the environment: " + PLAINTEXT_ENV
              + " and " + CA_CERT_ENV + " or " + CLIENT_CERT_ENV) + "): choose one (plaintext "
              + "is for a development server on loopback)");
        }
        b = ManagedChannelBuilder.forTarget(target).usePlaintext();
      } else {
        if (caPem == null) {
          throw new IllegalStateException("no TLS material for " + target + ": give the "
              + "deployment's CA certificate and this client's certificate and key (builder: "
              + "trustedCa, clientCertificate; environment: " + CA_CERT_ENV + ", "
              + CLIENT_CERT_ENV + ", " + CLIENT_KEY_ENV + "; 'serve --demo' prints where its "
              + "files are), or plaintext for a development server on loopback ("
              + PLAINTEXT_ENV + "=true, serve --plaintext)");
        }
        checkClientMaterial();
        io.grpc.TlsChannelCredentials.Builder tls = io.grpc.TlsChannelCredentials.newBuilder();
        try {
          tls.trustManager(new java.io.ByteArrayInputStream(caPem));
          tls.keyManager(new java.io.ByteArrayInputStream(certPem),
              new java.io.ByteArrayInputStream(keyPem));
        } catch (java.io.IOException e) {
          throw new IllegalStateException("the TLS material cannot be used: " + e.getMessage(),
              e);
        }
        b = io.grpc.Grpc.newChannelBuilder(target, tls.build());
      }
      return b
          // a batch of steps that touch many units is answered with every touched unit's event
          .maxInboundMessageSize(MAX_ANSWER_BYTES)
          .defaultServiceConfig(SERVICE_CONFIG)
          .enableRetry()
          .build();
    }

    /**
     * Refuses, in words, client material every Packtrail server would refuse at the handshake
     * whatever the time (the client would otherwise see UNAVAILABLE on every call, retried as an
     * outage): no client certificate (the server requires one), a key that is not the
     * certificate's, or a certificate another CA issued.
     */
    void checkClientMaterial() {
      if (certPem == null) {
        throw new IllegalStateException("no client certificate for " + target + ": a Packtrail "
            + "server requires one beside the CA certificate (builder: clientCertificate; "
            + "environment: " + CLIENT_CERT_ENV + ", " + CLIENT_KEY_ENV + "; 'pki issue' makes "
            + "one)");
      }
      try {
        java.security.cert.X509Certificate cert = io.packtrail.client.tls.Pem.parseCertificate(
            new String(certPem, java.nio.charset.StandardCharsets.US_ASCII));
        java.security.PrivateKey key = io.packtrail.client.tls.Pem.parsePrivateKey(
            new String(keyPem, java.nio.charset.StandardCharsets.US_ASCII));
        java.security.cert.X509Certificate ca = io.packtrail.client.tls.Pem.parseCertificate(
            new String(caPem, java.nio.charset.StandardCharsets.US_ASCII));
        String subject = cert.getSubjectX500Principal().getName();
        if (!keyMatches(key, cert.getPublicKey())) {
          throw new IllegalStateException("the client key is not the key of the client "
              + "certificate (" + subject + "): give the key file written with it");
        }
        try {
          cert.verify(ca.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
          throw new IllegalStateException("the client certificate (" + subject + ") was not "
              + "issued by the CA certificate given: the server would refuse it");
        }
        // not its validity: this machine's clock may be off where the server's is right, and a
        // scanner must save steps offline with a certificate that has run out (the server says
        // so at the handshake, and a watch ends on it)
      } catch (java.io.IOException e) {
        throw new IllegalStateException("the TLS material cannot be used: " + e.getMessage(), e);
      }
    }

    /** Whether {@code key} signs what {@code publicKey} verifies. */
    private static boolean keyMatches(java.security.PrivateKey key,
        java.security.PublicKey publicKey) {
      String algorithm = switch (key.getAlgorithm()) {
        case "EC" -> "SHA256withECDSA";
        case "RSA" -> "SHA256withRSA";
        default -> key.getAlgorithm(); // Ed25519, Ed448
      };
      try {
        byte[] probe = "packtrail client key check".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature sign = java.security.Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        java.security.Signature verify = java.security.Signature.getInstance(algorithm);
        verify.initVerify(publicKey);
        verify.update(probe);
        return verify.verify(signature);
      } catch (java.security.GeneralSecurityException e) {
        return false; // a key of another kind than the certificate's
      }
    }

    public PacktrailClient build() {
      ManagedChannel channel = buildChannel();
      return new PacktrailClient(channel, channel, deadline, BATCH_ITEM_ALLOWANCE);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }

    private static byte[] read(java.nio.file.Path file, String what) {
      try {
        return java.nio.file.Files.readAllBytes(file);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot read " + what + " " + file + ": " + e, e);
      }
    }

    private interface Parse {
      Object run() throws java.io.IOException;
    }

    private static void check(String what, byte[] pem, Parse parse) {
      try {
        parse.run();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(what + " is not usable PEM: " + e.getMessage(), e);
      }
    }
  }

  /** The largest answer the SDK accepts (gRPC's default is 4 MiB). */
  public static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

  /** Wraps a channel the caller owns (and closes), e.g. an in-process one in tests. */
  public static PacktrailClient over(Channel channel, Duration deadline) {
    return over(channel, deadline, BATCH_ITEM_ALLOWANCE);
  }

  /** As {@link #over(Channel, Duration)}, with the allowance per batch item. */
  public static PacktrailClient over(Channel channel, Duration deadline, Duration perItem) {
    return new PacktrailClient(channel, null, deadline, perItem);
  }

  /** The service config with the retry policy, for callers that build their own channel. */
  public static Map<String, ?> retryServiceConfig() {
    return SERVICE_CONFIG;
  }

  private <S extends io.grpc.stub.AbstractStub<S>> S withDeadline(S stub) {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * How much longer a batch call may take per item than a single call: each item is checked,
   * sequenced and answered on its own (the server records about a thousand steps a second on a
   * small machine; twenty milliseconds leaves room for a loaded one).
   */
  public static final Duration BATCH_ITEM_ALLOWANCE = Duration.ofMillis(20);

  /**
   * The deadline of a batch call of {@code items} requests: the client's plus the allowance per
   * item ({@link #BATCH_ITEM_ALLOWANCE} unless given to {@link #over(Channel, Duration, Duration)}).
   */
  public Duration batchDeadline(int items) {
    return deadline.plus(perItem.multipliedBy(Math.max(0, items)));
  }

  private <S extends io.grpc.stub.AbstractStub<S>> S withBatchDeadline(S stub, int items) {
    return stub.withDeadlineAfter(batchDeadline(items).toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- registry ----

  public Organization createOrganization(String organizationId, Organization organization) {
    return withDeadline(registry).createOrganization(CreateOrganizationRequest.newBuilder()
        .setOrganizationId(organizationId).setOrganization(organization).build())
        .getOrganization();
  }

  public Site createSite(String parent, String siteId, Site site) {
    return withDeadline(registry).createSite(CreateSiteRequest.newBuilder()
        .setParent(parent).setSiteId(siteId).setSite(site).build()).getSite();
  }

  /** The organisation {@code organizations/{o}}. */
  public Organization getOrganization(String name) {
    return withDeadline(registry).getOrganization(io.packtrail.v1.GetOrganizationRequest
        .newBuilder().setName(name).build()).getOrganization();
  }

  /** The site {@code organizations/{o}/sites/{s}}. */
  public Site getSite(String name) {
    return withDeadline(registry).getSite(io.packtrail.v1.GetSiteRequest.newBuilder()
        .setName(name).build()).getSite();
  }

  // ---- units ----

  public RegisterUnitResponse registerUnit(RegisterUnitRequest request) {
    return withDeadline(units).registerUnit(withIds(request));
  }

  public BatchRegisterUnitsResponse registerUnits(List<RegisterUnitRequest> requests) {
    BatchRegisterUnitsRequest.Builder b = BatchRegisterUnitsRequest.newBuilder();
    requests.forEach(r -> b.addRequests(withIds(r)));
    return withBatchDeadline(units, requests.size()).batchRegisterUnits(b.build());
  }

  public Unit getUnit(String code) {
    return withDeadline(units).getUnit(GetUnitRequest.newBuilder()
        .setName("units/" + code).build()).getUnit();
  }

  /** Every unit matching the filters of {@code query} (its page fields are managed here). */
  public List<Unit> listAllUnits(ListUnitsRequest query) {
    List<Unit> all = new ArrayList<>();
    String token = "";
    do {
      ListUnitsResponse page = withDeadline(units).listUnits(
          query.toBuilder().setPageToken(token).build());
      all.addAll(page.getUnitsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  public ListUnitsResponse listUnits(ListUnitsRequest request) {
    return withDeadline(units).listUnits(request);
  }

  // ---- events ----

  public Event recordEvent(RecordEventRequest request) {
    return withDeadline(events).recordEvent(withIds(request)).getEvent();
  }

  /**
   * Records a step and answers every event it made: the event of the unit it is recorded against
   * first, then those of the other units it touched (trade-in, dismantling, assembly, recycling),
   * in the order the step names them. A retry answers the same events.
   */
  public List<Event> recordStep(RecordEventRequest request) {
    RecordEventResponse r = withDeadline(events).recordEvent(withIds(request));
    List<Event> all = new java.util.ArrayList<>(1 + r.getOtherEventsCount());
    all.add(r.getEvent());
    all.addAll(r.getOtherEventsList());
    return all;
  }

  public BatchRecordEventsResponse recordEvents(List<RecordEventRequest> requests) {
    BatchRecordEventsRequest.Builder b = BatchRecordEventsRequest.newBuilder();
    requests.forEach(r -> b.addRequests(withIds(r)));
    return withBatchDeadline(events, requests.size()).batchRecordEvents(b.build());
  }

  /** A unit's whole history, in sequence order. */
  public List<Event> listEvents(String code) {
    List<Event> all = new ArrayList<>();
    String token = "";
    do {
      ListEventsResponse page = withDeadline(events).listEvents(ListEventsRequest.newBuilder()
          .setParent("units/" + code).setPageSize(1000).setPageToken(token).build());
      all.addAll(page.getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /**
   * Follows the deployment's log from {@code startLogIndex}, handing each event to
   * {@code onEvent} in log order. When the stream breaks for a reason worth retrying
   * (UNAVAILABLE, e.g. a server restart or a database outage) it resumes after the last
   * delivered event, so nothing is skipped or delivered twice, for as long as the trouble lasts;
   * a refused TLS handshake (it does not pass by waiting) or any other failure goes to
   * {@code onFailure} and ends the watch. Close the returned
   * subscription to stop.
   */
  public EventSubscription watchEvents(long startLogIndex, Consumer<Event> onEvent,
      Consumer<StatusRuntimeException> onFailure) {
    EventSubscription subscription = new EventSubscription(startLogIndex, onEvent, onFailure);
    subscriptions.add(subscription);
    subscription.open();
    return subscription;
  }

  /** A running watch; {@link #nextLogIndex()} is where it would resume. */
  public final class EventSubscription implements AutoCloseable {
    private final Consumer<Event> onEvent;
    private final Consumer<StatusRuntimeException> onFailure;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "packtrail-watch-retry");
      t.setDaemon(true);
      return t;
    });
    private volatile long next;
    private volatile boolean closed;
    private volatile io.grpc.Context.CancellableContext context;
    private int failuresInARow;

    private EventSubscription(long start, Consumer<Event> onEvent,
        Consumer<StatusRuntimeException> onFailure) {
      this.next = start;
      this.onEvent = onEvent;
      this.onFailure = onFailure;
    }

    public long nextLogIndex() {
      return next;
    }

    /** Whether the watch has ended: closed, or failed for a reason not worth retrying. */
    public boolean isClosed() {
      return closed;
    }

    private void open() {
      if (closed) {
        return;
      }
      // the root's, not the caller's: a watch opened inside a call with a deadline (a server
      // handler) must not end with it, as its reconnects (from the retry thread) would not
      io.grpc.Context.CancellableContext ctx = io.grpc.Context.ROOT.withCancellation();
      context = ctx;
      if (closed) {
        // close() ran between the check above and the assignment, and cancelled the previous
        // context: this one would stream on after close() returned
        ctx.cancel(null);
        return;
      }
      ctx.run(() -> eventsAsync.watchEvents(
          WatchEventsRequest.newBuilder().setStartLogIndex(next).build(),
          new StreamObserver<>() {
            @Override
            public void onNext(WatchEventsResponse value) {
              if (closed) {
                return;
              }
              failuresInARow = 0;
              // the position moves only once the caller took the event: should onEvent throw,
              // a subscription resumed from nextLogIndex() delivers it again, never skips it
              onEvent.accept(value.getEvent());
              next = value.getEvent().getLogIndex() + 1;
            }

            @Override
            public void onError(Throwable t) {
              Status status = Status.fromThrowable(t);
              if (closed) {
                return;
              }
              // UNAVAILABLE (a restart, a database outage) is waited out however long it lasts,
              // backing off to one attempt every 5 s; close() is the way to stop. Not a
              // refused TLS handshake (this client's certificate expired or was replaced by the
              // server's CA): that does not pass by waiting
              if (status.getCode() == Status.Code.UNAVAILABLE
                  && !io.packtrail.client.tls.TlsFailures.handshakeRefused(t)) {
                failuresInARow++;
                try {
                  retries.schedule(EventSubscription.this::open,
                      Math.min(5000, 100L << Math.min(failuresInARow, 6)), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                  // close() ran after the check above: nothing more to do
                }
              } else {
                close(); // the watch has ended: its retry thread with it
                onFailure.accept(status.asRuntimeException());
              }
            }

            @Override
            public void onCompleted() {
              if (!closed) {
                try {
                  retries.schedule(EventSubscription.this::open, 100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                  // close() ran after the check above
                }
              }
            }
          }));
    }

    @Override
    public void close() {
      closed = true;
      subscriptions.remove(this);
      io.grpc.Context.CancellableContext ctx = context;
      if (ctx != null) {
        ctx.cancel(null);
      }
      retries.shutdownNow();
    }
  }

  // ---- lineage ----

  /**
   * Ancestors and descendants of a unit ({@code units/{code}}) or lot ({@code materialLots/{id}})
   * to any depth, as a graph.
   */
  public GetLineageResponse getLineage(String name,
      LineageDirection direction) {
    return getLineage(GetLineageRequest.newBuilder().setName(name)
        .setDirection(direction).build());
  }

  public GetLineageResponse getLineage(GetLineageRequest request) {
    return withDeadline(lineage).getLineage(request);
  }

  /** A material lot by id and the packs its inputs came from. */
  public GetMaterialLotResponse getMaterialLot(String lotId) {
    return withDeadline(lineage).getMaterialLot(GetMaterialLotRequest.newBuilder()
        .setName("materialLots/" + lotId).build());
  }

  /** Every lot matching the filters of {@code query} (its page fields are managed here). */
  public List<MaterialLot> listAllMaterialLots(
      ListMaterialLotsRequest query) {
    List<MaterialLot> all = new ArrayList<>();
    String token = "";
    do {
      ListMaterialLotsResponse page = withDeadline(lineage).listMaterialLots(
          query.toBuilder().setPageToken(token).build());
      all.addAll(page.getMaterialLotsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  public ListMaterialLotsResponse listMaterialLots(
      ListMaterialLotsRequest request) {
    return withDeadline(lineage).listMaterialLots(request);
  }

  /** Every trade-in recorded at {@code site} in [start, end), in the order recorded. */
  public List<TradeInRecord> listAllTradeIns(String site, Instant start,
      Instant end) {
    List<TradeInRecord> all = new ArrayList<>();
    String token = "";
    do {
      ListTradeInsResponse page = listTradeIns(
          ListTradeInsRequest.newBuilder().setSite(site)
              .setStartTime(timestamp(start)).setEndTime(timestamp(end)).setPageSize(1000)
              .setPageToken(token).build());
      all.addAll(page.getTradeInsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  public ListTradeInsResponse listTradeIns(
      ListTradeInsRequest request) {
    return withDeadline(lineage).listTradeIns(request);
  }

  /** Input and output figures of a recycling or dismantling site over [start, end). */
  public GetPlantFiguresResponse getPlantFigures(String site, Instant start,
      Instant end) {
    return withDeadline(lineage).getPlantFigures(GetPlantFiguresRequest
        .newBuilder().setSite(site).setStartTime(timestamp(start)).setEndTime(timestamp(end))
        .build());
  }

  // ---- labels ----

  /** Creates (rotates to) a new label-signing key of an organisation; idempotent on requestId. */
  public LabelKey createLabelKey(String organization, String requestId) {
    return withDeadline(labels).createLabelKey(CreateLabelKeyRequest.newBuilder()
        .setParent(organization).setRequestId(requestId).build()).getLabelKey();
  }

  public LabelKey revokeLabelKey(String name) {
    return withDeadline(labels).revokeLabelKey(RevokeLabelKeyRequest.newBuilder()
        .setName(name).build()).getLabelKey();
  }

  /**
   * Issues a label for a unit under a fresh request id: a call again after a lost answer is
   * refused FAILED_PRECONDITION (the unit has its active label already, the one the lost answer
   * held); to retry safely, use {@link #issueLabel(String, String)}.
   */
  public Label issueLabel(String code) {
    return issueLabel(code, UUID.randomUUID().toString());
  }

  /** Issues a label for a unit; the same {@code requestId} again answers the label it issued. */
  public Label issueLabel(String code, String requestId) {
    return withDeadline(labels).issueLabel(IssueLabelRequest.newBuilder()
        .setRequestId(requestId).setUnit("units/" + code).build()).getLabel();
  }

  /** Issues labels; requests without a request id get a fresh one before the first attempt. */
  public BatchIssueLabelsResponse issueLabels(List<IssueLabelRequest> requests) {
    BatchIssueLabelsRequest.Builder b = BatchIssueLabelsRequest.newBuilder();
    for (IssueLabelRequest r : requests) {
      b.addRequests(r.getRequestId().isEmpty()
          ? r.toBuilder().setRequestId(UUID.randomUUID().toString()).build() : r);
    }
    return withBatchDeadline(labels, requests.size()).batchIssueLabels(b.build());
  }

  /**
   * Reissues a label under a fresh request id: a call again after a lost answer reissues the
   * new label in turn; to retry safely, use {@link #reissueLabel(long, String)}.
   */
  public Label reissueLabel(long serial) {
    return reissueLabel(serial, UUID.randomUUID().toString());
  }

  /** Reissues a label; the same {@code requestId} again answers the label it issued. */
  public Label reissueLabel(long serial, String requestId) {
    return withDeadline(labels).reissueLabel(ReissueLabelRequest.newBuilder()
        .setRequestId(requestId).setName("labels/" + serial).build()).getLabel();
  }

  public Label revokeLabel(long serial) {
    return withDeadline(labels).revokeLabel(RevokeLabelRequest.newBuilder()
        .setName("labels/" + serial).build()).getLabel();
  }

  /** A label by serial, whatever its status: its text holds the signed payload. */
  public Label getLabel(long serial) {
    return withDeadline(labels).getLabel(io.packtrail.v1.GetLabelRequest.newBuilder()
        .setName("labels/" + Long.toUnsignedString(serial)).build()).getLabel();
  }

  /** The unit's active label (NOT_FOUND when it has none), e.g. to print it again. */
  public Label getUnitLabel(String code) {
    return withDeadline(labels).getUnitLabel(GetUnitLabelRequest.newBuilder()
        .setUnit("units/" + code).build()).getLabel();
  }

  /** The signed trust list and the deployment's root public key. */
  public GetTrustListResponse getTrustList() {
    return withDeadline(labels).getTrustList(GetTrustListRequest.getDefaultInstance());
  }

  // ---- devices ----

  /**
   * A one-time enrollment code for one site ({@code organizations/{o}/sites/{s}}). The answer
   * holds the code; a retry with the same {@code requestId} answers the same enrollment code
   * without it. This call is not retried by the client on UNAVAILABLE (see the class's retry
   * policy): after one, a retry with the same id tells whether the code was made (then without
   * its text: make a new one with a new id).
   */
  public EnrollmentCode createEnrollmentCode(String site, String requestId) {
    return withDeadline(devices).createEnrollmentCode(CreateEnrollmentCodeRequest.newBuilder()
        .setParent(site).setRequestId(requestId).build()).getEnrollmentCode();
  }

  /**
   * Enrolls a device at {@code site} with a code from {@link #createEnrollmentCode}: registers
   * its public key as {@code {site}/devices/{deviceId}} and uses the code up. Retrying with the
   * same code, id and key answers the same device.
   */
  public Device enrollDevice(String site, String deviceId, String enrollmentCode,
      byte[] publicKey, String displayName) {
    return withDeadline(devices).enrollDevice(EnrollDeviceRequest.newBuilder().setParent(site)
        .setDeviceId(deviceId).setEnrollmentCode(enrollmentCode)
        .setPublicKey(com.google.protobuf.ByteString.copyFrom(publicKey))
        .setDisplayName(displayName).build()).getDevice();
  }

  /**
   * Enrollment with everything the request can carry, e.g. {@code tls_public_key} for the
   * device's mutual-TLS certificate (answered in {@code client_certificate}).
   */
  public io.packtrail.v1.EnrollDeviceResponse enrollDevice(EnrollDeviceRequest request) {
    return withDeadline(devices).enrollDevice(request);
  }

  public Device getDevice(String name) {
    return withDeadline(devices).getDevice(GetDeviceRequest.newBuilder().setName(name).build())
        .getDevice();
  }

  public ListDevicesResponse listDevices(ListDevicesRequest request) {
    return withDeadline(devices).listDevices(request);
  }

  /** Every device of a site, active and retired, in id order. */
  public List<Device> listAllDevices(String site) {
    List<Device> all = new ArrayList<>();
    String token = "";
    do {
      ListDevicesResponse page = listDevices(ListDevicesRequest.newBuilder().setParent(site)
          .setPageSize(1000).setPageToken(token).build());
      all.addAll(page.getDevicesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Retires a device (idempotent): the steps it signs are refused from then on. */
  public Device retireDevice(String name) {
    return withDeadline(devices).retireDevice(RetireDeviceRequest.newBuilder().setName(name)
        .build()).getDevice();
  }

  // ---- the verifiable log (AuditService); verify answers with io.packtrail.client.log ----

  /** The log's latest signed checkpoint, with the cosignatures received for it. */
  public io.packtrail.v1.Checkpoint getCheckpoint() {
    return withDeadline(audit).getCheckpoint(io.packtrail.v1.GetCheckpointRequest
        .getDefaultInstance()).getCheckpoint();
  }

  /** The checkpoint of one tree size (NOT_FOUND when none was signed at that size). */
  public io.packtrail.v1.Checkpoint getCheckpoint(long treeSize) {
    return withDeadline(audit).getCheckpoint(io.packtrail.v1.GetCheckpointRequest.newBuilder()
        .setTreeSize(treeSize).build()).getCheckpoint();
  }

  /**
   * The latest checkpoint with at least {@code minCosignatures} witness cosignatures; NOT_FOUND
   * when none has that many.
   */
  public io.packtrail.v1.Checkpoint latestCosignedCheckpoint(int minCosignatures) {
    return withDeadline(audit).getCheckpoint(io.packtrail.v1.GetCheckpointRequest.newBuilder()
        .setMinCosignatures(minCosignatures).build()).getCheckpoint();
  }

  /** Integrates everything committed so far and signs a checkpoint of it (or answers it). */
  public io.packtrail.v1.Checkpoint createCheckpoint() {
    return withDeadline(audit).createCheckpoint(io.packtrail.v1.CreateCheckpointRequest
        .getDefaultInstance()).getCheckpoint();
  }

  /** The inclusion proof of an event ({@code units/{code}/events/{n}}) in a tree size. */
  public io.packtrail.v1.GetInclusionProofResponse getInclusionProof(String event,
      long treeSize) {
    return withDeadline(audit).getInclusionProof(io.packtrail.v1.GetInclusionProofRequest
        .newBuilder().setEvent(event).setTreeSize(treeSize).build());
  }

  /** The inclusion proof of the entry at a log index in a tree size. */
  public io.packtrail.v1.GetInclusionProofResponse getInclusionProof(long logIndex,
      long treeSize) {
    return withDeadline(audit).getInclusionProof(io.packtrail.v1.GetInclusionProofRequest
        .newBuilder().setLogIndex(logIndex).setTreeSize(treeSize).build());
  }

  /** The consistency proof from one tree size to a larger one. */
  public io.packtrail.v1.GetConsistencyProofResponse getConsistencyProof(long first,
      long second) {
    return withDeadline(audit).getConsistencyProof(io.packtrail.v1.GetConsistencyProofRequest
        .newBuilder().setFirstTreeSize(first).setSecondTreeSize(second).build());
  }

  /** One page of the log's entries (leaves) from an index. */
  public io.packtrail.v1.ListLogEntriesResponse listLogEntries(
      io.packtrail.v1.ListLogEntriesRequest request) {
    return withDeadline(audit).listLogEntries(request);
  }

  /** Every entry of the tree from {@code startIndex}, following the page tokens. */
  public List<io.packtrail.v1.LogEntry> listAllLogEntries(long startIndex) {
    return listAllLogEntries(startIndex, "");
  }

  /**
   * Every entry of the tree from {@code startIndex} that {@code filter} selects (e.g. {@code
   * subject = "units/X/events/*" OR subject = "labels/7"}; see ListLogEntriesRequest.filter).
   */
  public List<io.packtrail.v1.LogEntry> listAllLogEntries(long startIndex, String filter) {
    List<io.packtrail.v1.LogEntry> all = new java.util.ArrayList<>();
    String token = "";
    do {
      io.packtrail.v1.ListLogEntriesResponse page = listLogEntries(
          io.packtrail.v1.ListLogEntriesRequest.newBuilder().setStartIndex(startIndex)
              .setFilter(filter).setPageSize(1000).setPageToken(token).build());
      all.addAll(page.getLogEntriesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /**
   * Submits a witness's cosignature ({@code signatureLine}, C2SP tlog-cosignature) of the
   * checkpoint whose note text is {@code checkpointBody}; answers the checkpoint with every
   * cosignature the log holds for it. Idempotent.
   */
  public io.packtrail.v1.Checkpoint addCosignature(String checkpointBody, String signatureLine) {
    return withDeadline(audit).addCosignature(io.packtrail.v1.AddCosignatureRequest.newBuilder()
        .setCheckpoint(checkpointBody).setSignatureLine(signatureLine).build()).getCheckpoint();
  }

  /** The log's origin, public key and note verifier key. */
  public io.packtrail.v1.GetLogKeyResponse getLogKey() {
    return withDeadline(audit).getLogKey(io.packtrail.v1.GetLogKeyRequest.getDefaultInstance());
  }

  // ---- reports ----

  /** The unit's report page (self-contained HTML) as the server builds it. */
  public io.packtrail.v1.GetUnitReportResponse getUnitReport(String code) {
    return withDeadline(reports).getUnitReport(io.packtrail.v1.GetUnitReportRequest.newBuilder()
        .setUnit("units/" + code).build());
  }

  /** The unit's history with its lineage as an EPCIS 2.0 JSON-LD document or CSV. */
  public io.packtrail.v1.ExportUnitHistoryResponse exportUnitHistory(String code,
      io.packtrail.v1.ExportFormat format) {
    return withDeadline(reports).exportUnitHistory(io.packtrail.v1.ExportUnitHistoryRequest
        .newBuilder().setUnit("units/" + code).setFormat(format).build());
  }

  /** One page of the events a filter selects, as a part of a file (ReportService.ExportEvents). */
  public io.packtrail.v1.ExportEventsResponse exportEventsPage(String filter,
      io.packtrail.v1.ExportFormat format, int pageSize, String pageToken) {
    return withDeadline(reports).exportEvents(io.packtrail.v1.ExportEventsRequest.newBuilder()
        .setFilter(filter).setFormat(format).setPageSize(pageSize).setPageToken(pageToken)
        .build());
  }

  /**
   * The events a filter selects (docs/formats.md section 16, Exports of a query), of the units
   * this caller may read, as one EPCIS 2.0 JSON-LD document or CSV file written to {@code out}:
   * every page fetched (500 events each, a few MB at most; one call per page, each under the
   * client's deadline) and written as it comes, so the file is never held whole. Answers the
   * number of Packtrail events.
   */
  public long exportEvents(String filter, io.packtrail.v1.ExportFormat format,
      java.io.OutputStream out) throws java.io.IOException {
    long events = 0;
    String token = "";
    do {
      io.packtrail.v1.ExportEventsResponse page = exportEventsPage(filter, format, 500, token);
      page.getContent().writeTo(out);
      events += page.getEventCount();
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    out.flush();
    return events;
  }

  /** A region's overview (GB/T 2260 code) over [start, end) as data. */
  public io.packtrail.v1.RegionalOverview getRegionalOverview(String regionCode, Instant start,
      Instant end) {
    return withDeadline(reports).getRegionalOverview(io.packtrail.v1.GetRegionalOverviewRequest
        .newBuilder().setRegionCode(regionCode).setStartTime(timestamp(start))
        .setEndTime(timestamp(end)).build()).getOverview();
  }

  /** The same overview as a self-contained HTML page. */
  public io.packtrail.v1.GetRegionalOverviewPageResponse getRegionalOverviewPage(
      String regionCode, Instant start, Instant end) {
    return withDeadline(reports).getRegionalOverviewPage(
        io.packtrail.v1.GetRegionalOverviewPageRequest.newBuilder().setRegionCode(regionCode)
            .setStartTime(timestamp(start)).setEndTime(timestamp(end)).build());
  }

  // ---- reporting deadlines ----

  /**
   * One page of the steps reported after their deadline (docs/deadlines.md): filters, period
   * and paging as the request says; an organisation's system sees its own only.
   */
  public io.packtrail.v1.ListLateReportsResponse listLateReports(
      io.packtrail.v1.ListLateReportsRequest request) {
    return withDeadline(compliance).listLateReports(request);
  }

  /** Every late report of a region (null: all) over [start, end), following the pages. */
  public List<io.packtrail.v1.LateReport> lateReports(String regionCode, Instant start,
      Instant end) {
    List<io.packtrail.v1.LateReport> all = new java.util.ArrayList<>();
    String token = "";
    do {
      io.packtrail.v1.ListLateReportsRequest.Builder b = io.packtrail.v1.ListLateReportsRequest
          .newBuilder().setStartTime(timestamp(start)).setEndTime(timestamp(end))
          .setPageSize(1000).setPageToken(token);
      if (regionCode != null) {
        b.setRegionCode(regionCode);
      }
      io.packtrail.v1.ListLateReportsResponse page = listLateReports(b.build());
      all.addAll(page.getLateReportsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /**
   * One page of the expected steps not recorded by their deadline (a receipt after a shipment,
   * a collection after a removal, a recycler's next step after its receipt).
   */
  public io.packtrail.v1.ListOverdueReportsResponse listOverdueReports(
      io.packtrail.v1.ListOverdueReportsRequest request) {
    return withDeadline(compliance).listOverdueReports(request);
  }

  /** Every overdue report of a region (null: all) over [start, end), following the pages. */
  public List<io.packtrail.v1.OverdueReport> overdueReports(String regionCode, Instant start,
      Instant end, boolean openOnly) {
    List<io.packtrail.v1.OverdueReport> all = new java.util.ArrayList<>();
    String token = "";
    do {
      io.packtrail.v1.ListOverdueReportsRequest.Builder b =
          io.packtrail.v1.ListOverdueReportsRequest.newBuilder().setStartTime(timestamp(start))
              .setEndTime(timestamp(end)).setOpenOnly(openOnly).setPageSize(1000)
              .setPageToken(token);
      if (regionCode != null) {
        b.setRegionCode(regionCode);
      }
      io.packtrail.v1.ListOverdueReportsResponse page = listOverdueReports(b.build());
      all.addAll(page.getOverdueReportsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  // ---- ids ----

  /**
   * Why an id without a time is refused: filled in at each send, the time would differ, and the
   * server would answer a resend under the same id as another step (ALREADY_EXISTS).
   */
  private static String idWithoutTime(String idField) {
    return idField + " is set but event_time is not: the time filled in at each send would "
        + "differ, and the server would take a resend for another step under the same id; set "
        + "event_time with the id, or leave both empty and keep the request withIds returns";
  }

  /**
   * The registration as this client sends it: a request id (a version 7 UUID) and the event time
   * filled in where empty. Keep it to send the same registration again after a lost answer.
   */
  public static RegisterUnitRequest withIds(RegisterUnitRequest r) {
    if (!r.getRequestId().isEmpty() && r.hasEventTime()) {
      return r;
    }
    if (!r.getRequestId().isEmpty()) {
      throw new IllegalArgumentException(idWithoutTime("request_id"));
    }
    RegisterUnitRequest.Builder b = r.toBuilder();
    if (r.getRequestId().isEmpty()) {
      // it becomes the registration event's id: time-ordered, as every event id the SDK makes
      b.setRequestId(EventIds.newEventId().toString());
    }
    if (!r.hasEventTime()) {
      b.setEventTime(now());
    }
    return b.build();
  }

  /**
   * The step as this client sends it: an event id (a version 7 UUID) and the event time filled
   * in where empty. Keep it to send the same step again after a lost answer: the server answers
   * it with the recorded event, never records it twice.
   */
  public static RecordEventRequest withIds(RecordEventRequest r) {
    if (!r.getEventId().isEmpty() && r.hasEventTime()) {
      return r;
    }
    if (!r.getEventId().isEmpty()) {
      throw new IllegalArgumentException(idWithoutTime("event_id"));
    }
    RecordEventRequest.Builder b = r.toBuilder();
    if (r.getEventId().isEmpty()) {
      b.setEventId(EventIds.newEventId().toString());
    }
    if (!r.hasEventTime()) {
      b.setEventTime(now());
    }
    return b.build();
  }

  // ---- anomalies ----

  /** One page of anomalies matching the request's filters. */
  public io.packtrail.v1.ListAnomaliesResponse listAnomalies(
      io.packtrail.v1.ListAnomaliesRequest request) {
    return withDeadline(anomalies).listAnomalies(request);
  }

  /** Every anomaly matching the filters of {@code query} (its page fields are managed here). */
  public List<io.packtrail.v1.Anomaly> listAllAnomalies(io.packtrail.v1.ListAnomaliesRequest query) {
    List<io.packtrail.v1.Anomaly> all = new ArrayList<>();
    String token = "";
    do {
      io.packtrail.v1.ListAnomaliesResponse page = withDeadline(anomalies).listAnomalies(
          query.toBuilder().setPageToken(token).build());
      all.addAll(page.getAnomaliesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** The anomaly {@code anomalies/{id}} with its acknowledgements. */
  public io.packtrail.v1.Anomaly getAnomaly(String name) {
    return withDeadline(anomalies).getAnomaly(io.packtrail.v1.GetAnomalyRequest.newBuilder()
        .setName(name).build()).getAnomaly();
  }

  /**
   * Acknowledges the anomaly with a note, with a fresh request id: the SDK's retries after a
   * lost answer reuse it, so the note is added once.
   */
  public io.packtrail.v1.Anomaly acknowledgeAnomaly(String name, String note) {
    return acknowledgeAnomaly(io.packtrail.v1.AcknowledgeAnomalyRequest.newBuilder()
        .setName(name).setNote(note).build());
  }

  /** As {@link #acknowledgeAnomaly(String, String)}; an empty request_id is filled in. */
  public io.packtrail.v1.Anomaly acknowledgeAnomaly(
      io.packtrail.v1.AcknowledgeAnomalyRequest request) {
    if (request.getRequestId().isEmpty()) {
      request = request.toBuilder().setRequestId(UUID.randomUUID().toString()).build();
    }
    return withDeadline(anomalies).acknowledgeAnomaly(request).getAnomaly();
  }

  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static Timestamp now() {
    return timestamp(Instant.now());
  }

  @Override
  public void close() {
    // its watches first: left open, each would take the channel's shutdown for an outage and
    // retry every 5 s for ever, and the channel would wait for their streams
    subscriptions.forEach(EventSubscription::close);
    if (ownedChannel != null) {
      ownedChannel.shutdown();
      try {
        if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
          ownedChannel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ownedChannel.shutdownNow();
      }
    }
  }
}
