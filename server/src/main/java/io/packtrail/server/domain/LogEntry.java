package io.packtrail.server.domain;

/**
 * One entry of the verifiable log, a leaf of its Merkle tree: an event or a registry entry, at
 * its {@code logIndex}, with the canonical bytes that are the leaf's data. {@code type} is the
 * event's type or the registry entry's {@code entry.type}; {@code subject} the event's name or
 * the resource the registry entry is about.
 */
public record LogEntry(long logIndex, Kind kind, String type, String subject,
    byte[] canonicalBytes) {
  public enum Kind { EVENT, REGISTRY }
}
