package io.packtrail.server.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Parties;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LogCheckpoint;
import io.packtrail.server.domain.LogEntryFilter;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.log.AuditLog;
import io.packtrail.server.log.LogKey;
import io.packtrail.server.security.Caller;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.SignedNote;
import io.packtrail.v1.AddCosignatureRequest;
import io.packtrail.v1.AddCosignatureResponse;
import io.packtrail.v1.AuditServiceGrpc;
import io.packtrail.v1.Checkpoint;
import io.packtrail.v1.Cosignature;
import io.packtrail.v1.CreateCheckpointRequest;
import io.packtrail.v1.CreateCheckpointResponse;
import io.packtrail.v1.GetCheckpointRequest;
import io.packtrail.v1.GetCheckpointResponse;
import io.packtrail.v1.GetConsistencyProofRequest;
import io.packtrail.v1.GetConsistencyProofResponse;
import io.packtrail.v1.GetInclusionProofRequest;
import io.packtrail.v1.GetInclusionProofResponse;
import io.packtrail.v1.GetLogKeyRequest;
import io.packtrail.v1.GetLogKeyResponse;
import io.packtrail.v1.ListLogEntriesRequest;
import io.packtrail.v1.ListLogEntriesResponse;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.LogEntryKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** The verifiable log's reads: checks and maps the requests, {@link AuditLog} does the rest. */
final class AuditGrpcService extends AuditServiceGrpc.AuditServiceImplBase {
  private final AuditLog log;
  private final Parties parties;

  AuditGrpcService(AuditLog log, Parties parties) {
    this.log = log;
    this.parties = parties;
  }

  @Override
  public void getCheckpoint(GetCheckpointRequest request,
      StreamObserver<GetCheckpointResponse> response) {
    Violations v = new Violations();
    if (request.hasTreeSize()) {
      notNegative(v, "tree_size", request.getTreeSize());
    }
    notNegative(v, "min_cosignatures", request.getMinCosignatures());
    if (request.hasTreeSize() && request.getMinCosignatures() > 0) {
      v.add("min_cosignatures", "must be unset with tree_size: it asks for the latest checkpoint "
          + "with that many cosignatures, tree_size for the checkpoint of one size");
    }
    v.throwIfAny();
    LogCheckpoint c;
    if (request.hasTreeSize()) {
      c = log.checkpoint(request.getTreeSize());
    } else if (request.getMinCosignatures() > 0) {
      c = log.latestCosigned(request.getMinCosignatures());
    } else {
      c = log.latest();
    }
    response.onNext(GetCheckpointResponse.newBuilder().setCheckpoint(toProto(c)).build());
    response.onCompleted();
  }

  @Override
  public void createCheckpoint(CreateCheckpointRequest request,
      StreamObserver<CreateCheckpointResponse> response) {
    response.onNext(CreateCheckpointResponse.newBuilder()
        .setCheckpoint(toProto(log.createCheckpoint())).build());
    response.onCompleted();
  }

  @Override
  public void getInclusionProof(GetInclusionProofRequest request,
      StreamObserver<GetInclusionProofResponse> response) {
    Violations v = new Violations();
    Long treeSize = null;
    if (request.hasTreeSize()) {
      notNegative(v, "tree_size", request.getTreeSize());
      treeSize = request.getTreeSize();
    }
    String field;
    long index = -1;
    switch (request.getEntryCase()) {
      case EVENT -> {
        field = "event";
        String name = request.getEvent();
        if (Text.checkName(v, field, name) && !ResourceNames.isEvent(name)) {
          v.add(field, "must be an event name of the form " + ResourceNames.EVENT_RULE + ", got '"
              + ResourceNames.abbreviate(name) + "'");
        }
      }
      case LOG_INDEX -> {
        field = "log_index";
        index = request.getLogIndex();
        notNegative(v, field, index);
      }
      default -> {
        field = "entry";
        v.add("entry", "is required: set event (units/{code}/events/{sequence}) or log_index");
      }
    }
    v.throwIfAny();
    if (field.equals("event")) {
      ResourceNames.EventName event = ResourceNames.parseEvent(request.getEvent());
      // by name, an event tells its unit's history (its sequence exists): for its parties
      parties.requireUnit(Caller.current().principal(), event.unitCode());
      index = log.eventIndex(event.unitCode(), event.sequence(), request.getEvent());
    }
    AuditLog.InclusionProof proof = log.inclusion(index, treeSize, field);
    GetInclusionProofResponse.Builder b = GetInclusionProofResponse.newBuilder()
        .setLogIndex(proof.logIndex()).setTreeSize(proof.treeSize())
        .setLeafHash(ByteString.copyFrom(proof.leafHash()));
    proof.hashes().forEach(h -> b.addHashes(ByteString.copyFrom(h)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void getConsistencyProof(GetConsistencyProofRequest request,
      StreamObserver<GetConsistencyProofResponse> response) {
    Violations v = new Violations();
    notNegative(v, "first_tree_size", request.getFirstTreeSize());
    Long second = null;
    if (request.hasSecondTreeSize()) {
      notNegative(v, "second_tree_size", request.getSecondTreeSize());
      second = request.getSecondTreeSize();
    }
    v.throwIfAny();
    AuditLog.ConsistencyProof proof = log.consistency(request.getFirstTreeSize(), second);
    GetConsistencyProofResponse.Builder b = GetConsistencyProofResponse.newBuilder()
        .setFirstTreeSize(proof.first()).setSecondTreeSize(proof.second());
    proof.hashes().forEach(h -> b.addHashes(ByteString.copyFrom(h)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void listLogEntries(ListLogEntriesRequest request,
      StreamObserver<ListLogEntriesResponse> response) {
    Violations v = new Violations();
    notNegative(v, "start_index", request.getStartIndex());
    LogEntryFilter filter = null;
    try {
      filter = LogEntryFilter.parse(request.getFilter());
    } catch (InvalidArgumentException e) {
      v.addAll(e.violations());
    }
    v.throwIfAny();
    int size = Paging.pageSize(request.getPageSize());
    // the token is bound to the filter by a digest: a filter of 100 names is longer than a token
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(),
        "logEntries|" + request.getStartIndex() + (filter.all() ? "" : "|" + digest(
            request.getFilter())));
    long from = request.getStartIndex();
    if (cursor.after() != null) {
      try {
        from = Long.parseLong(cursor.after()) + 1;
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("page_token", "is not a page token of this listing");
      }
      if (from <= request.getStartIndex()) {
        throw new InvalidArgumentException("page_token", "is not a page token of this listing");
      }
    }
    // an event entry's bytes are its unit's history: for the unit's parties; everyone gets its
    // leaf hash, which is all a mirror needs to rebuild the tree. A filtered listing is a query
    // about subjects, not a mirror: there, others' events are left out (their number would tell
    // the unit's history), and so the page and its token are made of the entries shown only: a
    // token naming a hidden entry's index, or a token after an empty page, would tell it too
    boolean mirror = filter.all();
    Principal caller = Caller.current().principal();
    List<AuditLog.Leaf> listed = new ArrayList<>();
    Set<Long> withBytes = new HashSet<>();
    for (long next = from; ; ) {
      List<AuditLog.Leaf> fetched = log.entries(next, cursor.fetchLimit(), filter);
      Predicate<String> sees = parties.seesUnits(caller, fetched.stream()
          .filter(l -> l.entry().kind() == io.packtrail.server.domain.LogEntry.Kind.EVENT)
          .map(l -> ResourceNames.unitCode(eventUnit(l.entry().subject()))).toList());
      for (AuditLog.Leaf leaf : fetched) {
        boolean event = leaf.entry().kind() == io.packtrail.server.domain.LogEntry.Kind.EVENT;
        boolean shown = !event || sees.test(ResourceNames.unitCode(
            eventUnit(leaf.entry().subject())));
        if (shown) {
          withBytes.add(leaf.entry().logIndex());
        }
        if (shown || mirror) {
          listed.add(leaf);
        }
      }
      if (mirror || listed.size() >= cursor.fetchLimit()
          || fetched.size() < cursor.fetchLimit()) {
        break;
      }
      next = fetched.get(fetched.size() - 1).entry().logIndex() + 1;
    }
    Paging.Page<AuditLog.Leaf> page = cursor.page(listed,
        l -> Long.toString(l.entry().logIndex()));
    ListLogEntriesResponse.Builder b = ListLogEntriesResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    for (AuditLog.Leaf leaf : page.items()) {
      boolean event = leaf.entry().kind() == io.packtrail.server.domain.LogEntry.Kind.EVENT;
      LogEntry.Builder e = LogEntry.newBuilder()
          .setLogIndex(leaf.entry().logIndex())
          .setKind(event ? LogEntryKind.LOG_ENTRY_KIND_EVENT
              : LogEntryKind.LOG_ENTRY_KIND_REGISTRY)
          .setLeafHash(ByteString.copyFrom(leaf.leafHash()));
      if (withBytes.contains(leaf.entry().logIndex())) {
        e.setType(leaf.entry().type())
            .setSubject(leaf.entry().subject())
            .setCanonicalBytes(ByteString.copyFrom(leaf.entry().canonicalBytes()));
      }
      b.addLogEntries(e);
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void getLogKey(GetLogKeyRequest request, StreamObserver<GetLogKeyResponse> response) {
    LogKey key = log.key();
    response.onNext(GetLogKeyResponse.newBuilder()
        .setOrigin(key.origin())
        .setPublicKey(ByteString.copyFrom(key.publicKey()))
        .setVerifierKey(key.verifierKey())
        .setKeyHash(ByteString.copyFrom(key.keyHash()))
        .build());
    response.onCompleted();
  }

  /** The unit of an event name ({@code units/{code}/events/{n}}): {@code units/{code}}. */
  private static String eventUnit(String eventName) {
    return eventName.substring(0, eventName.indexOf("/events/"));
  }

  @Override
  public void addCosignature(AddCosignatureRequest request,
      StreamObserver<AddCosignatureResponse> response) {
    Violations v = new Violations();
    io.packtrail.client.log.Checkpoint cosigned = null;
    String body = request.getCheckpoint();
    if (body.isEmpty()) {
      v.add("checkpoint", "is required: the checkpoint's note text (origin, tree size, base64 "
          + "root hash, each line ending in a newline) that the witness cosigned");
    } else {
      try {
        cosigned = io.packtrail.client.log.Checkpoint.parseBody(
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!cosigned.origin().equals(log.key().origin())) {
          v.add("checkpoint", "is a checkpoint of the log '" + cosigned.origin() + "', not of "
              + "this log '" + log.key().origin() + "'");
        }
      } catch (LogVerificationException e) {
        v.add("checkpoint", "must be a checkpoint's note text (C2SP tlog-checkpoint, without "
            + "signature lines): " + e.getMessage());
      }
    }
    SignedNote.Signature line = null;
    if (request.getSignatureLine().isEmpty()) {
      v.add("signature_line", "is required: the witness's cosignature line, '\u2014 <key name> "
          + "<base64(key hash || timestamp || signature)>'");
    } else {
      try {
        line = SignedNote.Signature.parseLine(request.getSignatureLine());
        if (line.signature().length != io.packtrail.client.log.Cosignature.SIGNATURE_SIZE) {
          v.add("signature_line", "must carry a cosignature/v1 cosignature: after the 4-byte key "
              + "hash, an 8-byte timestamp and a 64-byte Ed25519 signature ("
              + io.packtrail.client.log.Cosignature.SIGNATURE_SIZE + " bytes), not " + line.signature().length);
        }
      } catch (LogVerificationException e) {
        v.add("signature_line", "must be a note signature line: " + e.getMessage());
      }
    }
    v.throwIfAny();
    response.onNext(AddCosignatureResponse.newBuilder()
        .setCheckpoint(toProto(log.addCosignature(cosigned, line, "signature_line"))).build());
    response.onCompleted();
  }

  /** A short digest of a filter, binding a page token to it. */
  static String digest(String text) {
    try {
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays
          .copyOf(java.security.MessageDigest.getInstance("SHA-256").digest(
              text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void notNegative(Violations v, String field, long value) {
    if (value < 0) {
      v.add(field, "must not be negative, got " + value);
    }
  }

  /** An entry of the tree with its leaf hash. */
  static LogEntry toProto(AuditLog.Leaf leaf) {
    return LogEntry.newBuilder()
        .setLogIndex(leaf.entry().logIndex())
        .setKind(leaf.entry().kind() == io.packtrail.server.domain.LogEntry.Kind.EVENT
            ? LogEntryKind.LOG_ENTRY_KIND_EVENT : LogEntryKind.LOG_ENTRY_KIND_REGISTRY)
        .setType(leaf.entry().type())
        .setSubject(leaf.entry().subject())
        .setCanonicalBytes(ByteString.copyFrom(leaf.entry().canonicalBytes()))
        .setLeafHash(ByteString.copyFrom(leaf.leafHash()))
        .build();
  }

  private Checkpoint toProto(LogCheckpoint c) {
    return toProto(c, log.key().origin());
  }

  /** A checkpoint of the log of {@code origin}, with its cosignatures. */
  static Checkpoint toProto(LogCheckpoint c, String origin) {
    Checkpoint.Builder b = Checkpoint.newBuilder()
        .setOrigin(origin)
        .setTreeSize(c.treeSize())
        .setRootHash(ByteString.copyFrom(c.rootHash()))
        .setNote(c.note())
        .setCreateTime(ProtoMapper.timestamp(c.createTime()));
    for (LogCheckpoint.Cosignature s : c.cosignatures()) {
      b.addCosignatures(Cosignature.newBuilder()
          .setKeyName(s.keyName())
          .setKeyHash(ByteString.copyFrom(s.keyHash()))
          .setSignatureLine(s.signatureLine())
          .setCosignTime(ProtoMapper.timestamp(s.cosignedTime()))
          .setReceiveTime(ProtoMapper.timestamp(s.receiveTime())));
    }
    return b.build();
  }
}
