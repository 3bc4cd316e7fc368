package io.packtrail.server.app;

import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.store.Storage;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The authorization table's {@link Authorization.Scope#LEGITIMATE_INTEREST}: the one place the
 * application services ask whether a caller is a party of a unit or lot. Each check reads only
 * the parties (never the unit itself), so an unknown unit is denied exactly like another's.
 */
public final class Parties {
  private final Storage storage;

  public Parties(Storage storage) {
    this.storage = storage;
  }

  /** Denies a restricted read of the unit unless the caller is one of its parties. */
  public void requireUnit(Principal p, String unitCode) {
    if (!Authorization.unscoped(p)
        && !Authorization.interested(p, storage.parties(unitCode))) {
      throw Authorization.noInterest(p, ResourceNames.unit(unitCode));
    }
  }

  /** Whether the caller sees the unit's restricted part. */
  public boolean seesUnit(Principal p, String unitCode) {
    return Authorization.unscoped(p) || Authorization.interested(p, storage.parties(unitCode));
  }

  /** Of {@code unitCodes}, the ones the caller sees in full (one query for all). */
  public Predicate<String> seesUnits(Principal p, Collection<String> unitCodes) {
    if (Authorization.unscoped(p)) {
      return code -> true;
    }
    Set<String> seen = p.organization() == null ? Set.of()
        : storage.partyUnits(p.organization(), unitCodes);
    return seen::contains;
  }

  /** Of {@code lotIds}, the lots the caller may read (GetMaterialLot), in one query. */
  public Predicate<String> seesLots(Principal p, Collection<String> lotIds) {
    if (Authorization.unscoped(p)) {
      return id -> true;
    }
    Set<String> seen = p.organization() == null ? Set.of()
        : storage.partyLots(p.organization(), lotIds);
    return seen::contains;
  }

  /** Denies a read of the lot unless the caller made it or is a party of one of its inputs. */
  public void requireLot(Principal p, String lotId) {
    if (!seesLots(p, List.of(lotId)).test(lotId)) {
      throw Authorization.noInterest(p, ResourceNames.materialLot(lotId));
    }
  }

  /** The organisation a listing keeps to (its units), or null when the caller sees all. */
  public String listingParty(Principal p) {
    return Authorization.unscoped(p) ? null : String.valueOf(p.organization());
  }
}
