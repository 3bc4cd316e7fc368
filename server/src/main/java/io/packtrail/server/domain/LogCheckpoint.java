package io.packtrail.server.domain;

import java.time.Instant;
import java.util.List;

/**
 * A checkpoint the log signed: its tree size and root hash, the whole signed note (C2SP
 * signed-note text), when it was signed, and the witnesses' cosignatures received for it.
 */
public record LogCheckpoint(long treeSize, byte[] rootHash, String note, Instant createTime,
    List<Cosignature> cosignatures) {

  public LogCheckpoint {
    cosignatures = List.copyOf(cosignatures);
  }

  public LogCheckpoint withCosignatures(List<Cosignature> received) {
    return new LogCheckpoint(treeSize, rootHash, note, createTime, received);
  }

  /** A witness's cosignature (C2SP tlog-cosignature): its note signature line as received. */
  public record Cosignature(String keyName, byte[] keyHash, String signatureLine,
      Instant cosignedTime, Instant receiveTime) {}
}
