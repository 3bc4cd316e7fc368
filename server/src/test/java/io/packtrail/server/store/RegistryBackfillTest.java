package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.testing.LogEntries;
import io.packtrail.server.testing.TestDatabases;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Registry rows written without entries (before migration V10, or loaded directly) get their
 * entries when the database is migrated, once, in the order of their times.
 */
class RegistryBackfillTest {
  private static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");

  @Test
  void rowsWithoutEntriesGetThemOnceInTimeOrder() {
    try (TestDatabases.Fresh db = TestDatabases.create("RegistryBackfillTest")) {
      Jdbi jdbi = db.database().jdbi();
      // one organisation made through the storage already has its entry
      Organization made = new JdbiStorage(jdbi).createOrganization(new Organization("made",
          "Made", Set.of(OrganizationRole.DEALER), "620100", null, T0.plusSeconds(50), null,
          null));
      assertEquals(1, LogEntries.from(jdbi, 0).size());

      // the rest is written the way rows were before registry entries existed
      jdbi.useHandle(h -> {
        h.attach(OrganizationDao.class).insertIfAbsent(new Organization("maker", "Maker",
            Set.of(OrganizationRole.BATTERY_MAKER), "620100", "TMK", T0, null, null));
        h.attach(SiteDao.class).insertIfAbsent(new Site("maker", "factory", "Factory",
            SiteKind.FACTORY, "620100", "", 0, 0, T0.plusSeconds(1)));
        LabelDao labels = h.attach(LabelDao.class);
        labels.insertKey(new byte[] {1, 1, 1, 1}, "maker", key(1), new byte[1], T0,
            T0.plusSeconds(86_400), UUID.randomUUID(), T0.plusSeconds(2));
        labels.retireActiveKey("maker", T0.plusSeconds(3));
        labels.insertKey(new byte[] {2, 2, 2, 2}, "maker", key(2), new byte[1], T0,
            T0.plusSeconds(86_400), UUID.randomUUID(), T0.plusSeconds(3));
        labels.revokeKey(new byte[] {1, 1, 1, 1}, T0.plusSeconds(4));
        h.execute("""
            INSERT INTO unit (code, level, chemistry, rated_energy_kwh, rated_capacity_ah,
                nominal_voltage_v, mass_kg, maker, state, event_count, head_hash, create_time,
                update_time, last_event_time)
            VALUES ('TMKPBA1TRACE01RA5000001', 'PACK', 'LFP', 1, 1, 1, 1,
                'organizations/maker', 'REGISTERED', 1, ?, now(), now(), now())""", new byte[32]);
        labels.insertLabel(1000001, "TMKPBA1TRACE01RA5000001", new byte[] {2, 2, 2, 2}, T0,
            "PT1:x", UUID.randomUUID(), T0.plusSeconds(5));
        labels.withdrawLabel(1000001, "REVOKED", null, T0.plusSeconds(6));
        DeviceDao devices = h.attach(DeviceDao.class);
        UUID code = UUID.randomUUID();
        devices.insertCode(code, "organizations/maker/sites/factory", new byte[32],
            T0.plusSeconds(7), T0.plusSeconds(8));
        devices.insertDevice("organizations/maker/sites/factory", "scanner", "", key(3), code,
            T0.plusSeconds(7));
        devices.retire("organizations/maker/sites/factory/devices/scanner", T0.plusSeconds(9));
      });

      assertEquals(8, RegistryBackfill.run(jdbi));
      List<RegistryEntry> entries = LogEntries.from(jdbi, 0);
      assertEquals(List.of(RegistryEntry.Type.ORGANIZATION, RegistryEntry.Type.ORGANIZATION,
          RegistryEntry.Type.SITE, RegistryEntry.Type.LABEL_KEY, RegistryEntry.Type.LABEL_KEY,
          RegistryEntry.Type.LABEL_KEY_REVOCATION, RegistryEntry.Type.LABEL_WITHDRAWAL,
          RegistryEntry.Type.DEVICE_ENROLLMENT, RegistryEntry.Type.DEVICE_RETIREMENT),
          entries.stream().map(RegistryEntry::type).toList());
      assertEquals(made.name(), entries.get(0).subject(), "the entry written before stays");
      assertEquals(List.of("organizations/maker", "organizations/maker/sites/factory",
          "organizations/maker/labelKeys/01010101", "organizations/maker/labelKeys/02020202",
          "organizations/maker/labelKeys/01010101", "labels/1000001",
          "organizations/maker/sites/factory/devices/scanner",
          "organizations/maker/sites/factory/devices/scanner"),
          entries.subList(1, 9).stream().map(RegistryEntry::subject).toList());
      assertEquals(T0.plusSeconds(6), entries.get(6).recordTime(), "the withdrawal's time");
      assertEquals("organizations/maker/labelKeys/01010101", CanonicalFields.decode(
          entries.get(4).canonicalBytes()).get("label_key.replaces"), "rotation");
      assertEquals(null, CanonicalFields.decode(
          entries.get(3).canonicalBytes()).get("label_key.replaces"), "the first key replaced none");
      LabelKeyRecord second = jdbi.withExtension(LabelDao.class,
          d -> d.findKey(new byte[] {2, 2, 2, 2})).orElseThrow();
      LabelKeyRecord first = jdbi.withExtension(LabelDao.class,
          d -> d.findKey(new byte[] {1, 1, 1, 1})).orElseThrow();
      assertArrayEquals(RegistryEntry.labelKey(4, second, first).canonicalBytes(),
          entries.get(4).canonicalBytes(), "the entry the key would have had");
      LabelRecord label = jdbi.withExtension(LabelDao.class, d -> d.findLabel(1000001))
          .orElseThrow();
      assertArrayEquals(RegistryEntry.labelWithdrawal(6, label,
          LabelRecord.LabelState.REVOKED, null, T0.plusSeconds(6)).canonicalBytes(),
          entries.get(6).canonicalBytes());
      Device device = jdbi.withExtension(DeviceDao.class,
          d -> d.find("organizations/maker/sites/factory/devices/scanner")).orElseThrow();
      assertArrayEquals(RegistryEntry.deviceRetirement(8, device).canonicalBytes(),
          entries.get(8).canonicalBytes());
      LogEntries.assertGapFree(jdbi);

      assertEquals(0, RegistryBackfill.run(jdbi), "once");
      assertEquals(0, db.database().migrate(), "a later start migrates nothing...");
      assertEquals(9, LogEntries.from(jdbi, 0).size(), "...and writes no entry again");
    }
  }

  /** A distinct 32-byte public key (the backfill does not check keys). */
  private static byte[] key(int n) {
    byte[] key = new byte[32];
    key[0] = (byte) n;
    return key;
  }
}
