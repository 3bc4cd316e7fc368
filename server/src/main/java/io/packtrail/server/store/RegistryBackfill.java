package io.packtrail.server.store;

import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.domain.Site;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes the registry entries of registry rows that have none: rows written before registry
 * entries existed (migration V10), or loaded into the tables directly. Runs after the
 * migrations, in one transaction under the log head lock; the entries are appended at the head
 * in the order of their record times, each with the time the registry stored for its change.
 * Once every row has its entries it only reads.
 */
public final class RegistryBackfill {
  private RegistryBackfill() {}

  private record Missing(Instant time, int order, LongFunction<RegistryEntry> build) {}

  /** Appends the missing entries; returns how many. */
  public static int run(Jdbi jdbi) {
    return jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      RegistryEntryDao entries = h.attach(RegistryEntryDao.class);
      LabelDao labels = h.attach(LabelDao.class);
      Set<String> written = entries.subjects();
      List<Missing> missing = new ArrayList<>();
      for (Organization o : entries.allOrganizations()) {
        if (!written.contains("organization " + o.name())) {
          missing.add(new Missing(o.createTime(), 0, i -> RegistryEntry.organization(i, o)));
        }
      }
      for (Site s : entries.allSites()) {
        if (!written.contains("site " + s.name())) {
          missing.add(new Missing(s.createTime(), 1, i -> RegistryEntry.site(i, s)));
        }
      }
      RegistryEntryDao.KeyAt previous = null;
      for (RegistryEntryDao.KeyAt at : entries.allKeys()) {
        LabelKeyRecord key = at.key();
        if (!written.contains("label_key " + key.name())) {
          // creating a key retires the organisation's active key at that moment (LabelKeys)
          LabelKeyRecord replaced = previous != null
              && previous.key().organizationId().equals(key.organizationId())
              && (previous.key().status() == LabelKeyRecord.KeyStatus.RETIRED
                  || !previous.statusTime().isBefore(key.createTime()))
              ? previous.key() : null;
          missing.add(new Missing(key.createTime(), 2,
              i -> RegistryEntry.labelKey(i, key, replaced)));
        }
        if (key.status() == LabelKeyRecord.KeyStatus.REVOKED
            && !written.contains("label_key_revocation " + key.name())) {
          missing.add(new Missing(at.statusTime(), 3,
              i -> RegistryEntry.labelKeyRevocation(i, key, at.statusTime())));
        }
        previous = at;
      }
      for (LabelRecord label : labels.withdrawnLabels()) {
        if (!written.contains("label_withdrawal " + label.name())) {
          Instant at = labels.labelWithdrawnAt(label.serial()).orElseThrow();
          missing.add(new Missing(at, 4, i -> RegistryEntry.labelWithdrawal(i, label,
              label.status(), label.supersededBy(), at)));
        }
      }
      for (Device d : entries.allDevices()) {
        if (!written.contains("device_enrollment " + d.name())) {
          missing.add(new Missing(d.createTime(), 5, i -> RegistryEntry.deviceEnrollment(i, d)));
        }
        if (!d.active() && !written.contains("device_retirement " + d.name())) {
          missing.add(new Missing(d.retireTime(), 6, i -> RegistryEntry.deviceRetirement(i, d)));
        }
      }
      missing.sort(Comparator.comparing(Missing::time).thenComparingInt(Missing::order));
      missing.forEach(m -> log.append(m.build()));
      return missing.size();
    });
  }
}
