package io.packtrail.server.log;

import io.packtrail.server.store.LogDao;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the tiles a computation needs in one query. A caching reader keeps full tiles in
 * memory: a full tile never changes (tiles only grow, and a full one is full for good), so a
 * proof then reads from the database only the partial tiles of the tree's right edge and the
 * full tiles it has not met lately (typically the level-0 tile of its leaf).
 */
final class TileReader {
  /** Reads every tile from the database (the integrator's right edge is partial anyway). */
  static final TileReader UNCACHED = new TileReader(null);
  /** Full tiles a caching reader keeps, the least recently used dropped first: 64 MiB. */
  static final int CACHED_TILES = 8192;

  private final Map<Tiles.Key, byte[]> full;

  private TileReader(Map<Tiles.Key, byte[]> full) {
    this.full = full;
  }

  static TileReader caching(int maxTiles) {
    return new TileReader(Collections.synchronizedMap(
        new LinkedHashMap<Tiles.Key, byte[]>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Tiles.Key, byte[]> eldest) {
            return size() > maxTiles;
          }
        }));
  }

  Tiles read(LogDao dao, Collection<Tiles.Key> keys) {
    Tiles tiles = new Tiles();
    List<Tiles.Key> missing = new ArrayList<>(keys.size());
    for (Tiles.Key k : keys) {
      byte[] cached = full == null ? null : full.get(k);
      if (cached != null) {
        tiles.put(k, cached);
      } else {
        missing.add(k);
      }
    }
    if (missing.isEmpty()) {
      return tiles;
    }
    int[] levels = new int[missing.size()];
    long[] indexes = new long[missing.size()];
    for (int i = 0; i < missing.size(); i++) {
      levels[i] = missing.get(i).level();
      indexes[i] = missing.get(i).index();
    }
    for (LogDao.Tile t : dao.tiles(levels, indexes)) {
      Tiles.Key key = new Tiles.Key(t.level(), t.index());
      tiles.put(key, t.hashes());
      if (full != null && t.hashes().length == Tiles.WIDTH * Tiles.HASH) {
        full.put(key, t.hashes());
      }
    }
    return tiles;
  }
}
