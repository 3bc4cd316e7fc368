package io.packtrail.server.label;

import com.google.protobuf.ByteString;
import io.packtrail.client.label.LabelVerifier;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.LabelDao;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.WithdrawnLabel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The trust list scanners use offline: every label key with its validity and status and every
 * withdrawn serial, signed by the deployment's root key. Built from the database and cached;
 * the key and label writers call {@link #changed} after each change, so the next read rebuilds.
 * Signing and verifying use the SDK's codec, so server and scanners agree byte for byte.
 */
public final class CurrentTrustList {
  /** How long a fetched trust list may be used offline. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);
  /** How long the server reuses its own verifier before looking for changes by other servers. */
  private static final long VERIFIER_RECHECK_MILLIS = 1000;

  private final Jdbi jdbi;
  private final Clock clock;
  private final Duration validity;
  private final RootKey root;
  private volatile Cached cached;

  private record Cached(long version, SignedTrustList signed, LabelVerifier verifier,
      long expiresAt, long checkedAtMillis) {}

  public CurrentTrustList(Jdbi jdbi, KeySealer sealer, Clock clock, Duration validity) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.validity = validity;
    this.root = RootKey.loadOrCreate(jdbi, sealer, clock);
  }

  public byte[] rootPublicKey() {
    return root.publicKey();
  }

  /** The current trust list, signed; rebuilt only when keys or withdrawn labels changed. */
  public SignedTrustList trustList() {
    return current().signed();
  }

  /** A verifier over the current trust list, for the labels scanned with recorded steps. */
  public LabelVerifier verifier() {
    return current().verifier();
  }

  /** Keys or withdrawn labels changed here (committed): the next read rebuilds the list. */
  void changed() {
    cached = null;
  }

  private Cached current() {
    Cached c = cached;
    long nowMillis = clock.millis();
    if (c != null && fresh(c) && nowMillis - c.checkedAtMillis() < VERIFIER_RECHECK_MILLIS) {
      return c;
    }
    long version = jdbi.withExtension(LabelDao.class, LabelDao::trustListVersion);
    c = c != null && c.version() == version && fresh(c)
        ? new Cached(c.version(), c.signed(), c.verifier(), c.expiresAt(), nowMillis)
        : build(nowMillis);
    cached = c;
    return c;
  }

  /** A list is re-signed once half its validity has passed, so scanners always get most of it. */
  private boolean fresh(Cached c) {
    return clock.instant().getEpochSecond() < c.expiresAt() - validity.toSeconds() / 2;
  }

  /** What one version of the list holds, read in one snapshot of the database. */
  private record Contents(long version, List<LabelKeyRecord> keys, List<LabelRecord> withdrawn) {}

  private Cached build(long nowMillis) {
    // one snapshot: a change committed between separate reads would put the next version's
    // withdrawal under this version's number, and a scanner holding that list would then take
    // an older list of the same number without it
    Contents contents = jdbi.inTransaction(
        org.jdbi.v3.core.transaction.TransactionIsolationLevel.REPEATABLE_READ, h -> {
          LabelDao dao = h.attach(LabelDao.class);
          return new Contents(dao.trustListVersion(), dao.allKeys(), dao.withdrawnLabels());
        });
    long version = contents.version();
    List<LabelKeyRecord> keys = contents.keys();
    List<LabelRecord> withdrawn = contents.withdrawn();
    Instant now = clock.instant();
    TrustList.Builder list = TrustList.newBuilder()
        .setVersion(version)
        .setIssuedAt(now.getEpochSecond())
        .setExpiresAt(now.plus(validity).getEpochSecond());
    for (LabelKeyRecord k : keys) {
      list.addKeys(TrustedLabelKey.newBuilder()
          .setKeyId(ByteString.copyFrom(k.keyId()))
          .setIssuer(k.organizationId())
          .setPublicKey(ByteString.copyFrom(k.publicKey()))
          .setNotBefore(k.notBefore().getEpochSecond())
          .setNotAfter(k.notAfter().getEpochSecond())
          .setStatus(LabelKeyStatus.valueOf("LABEL_KEY_STATUS_" + k.status().name())));
    }
    for (LabelRecord l : withdrawn) {
      list.addWithdrawnLabels(WithdrawnLabel.newBuilder().setSerial(l.serial())
          .setStatus(LabelStatus.valueOf("LABEL_STATUS_" + l.status().name())));
    }
    TrustList built = list.build();
    SignedTrustList signed = root.sign(built);
    return new Cached(version, signed, new LabelVerifier(built, clock::instant),
        built.getExpiresAt(), nowMillis);
  }
}
