package io.packtrail.server.log;

import io.packtrail.server.store.LogDao;
import java.util.Collection;

/** Reads the tiles a computation needs in one query. */
final class TileReader {
  private TileReader() {}

  static Tiles read(LogDao dao, Collection<Tiles.Key> keys) {
    Tiles tiles = new Tiles();
    if (keys.isEmpty()) {
      return tiles;
    }
    int[] levels = new int[keys.size()];
    long[] indexes = new long[keys.size()];
    int i = 0;
    for (Tiles.Key k : keys) {
      levels[i] = k.level();
      indexes[i++] = k.index();
    }
    for (LogDao.Tile t : dao.tiles(levels, indexes)) {
      tiles.put(new Tiles.Key(t.level(), t.index()), t.hashes());
    }
    return tiles;
  }
}
