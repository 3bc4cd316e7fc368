package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.AuditServiceGrpc;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetConsistencyProofRequest;
import io.packtrail.v1.GetInclusionProofRequest;
import io.packtrail.v1.GetInclusionProofResponse;
import io.packtrail.v1.ListLogEntriesRequest;
import io.packtrail.v1.ListLogEntriesResponse;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.LogEntryKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AuditService against a real server and database: checkpoints verify under the served log
 * key, every inclusion proof at every tree size and every consistency proof between sizes
 * verify with the SDK's verifier against roots recomputed from the listed entries, and each
 * bad request is refused precisely.
 */
class AuditServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static PacktrailClient client;
  private static AuditServiceGrpc.AuditServiceBlockingStub audit;
  private static io.packtrail.v1.Checkpoint first;
  private static io.packtrail.v1.Checkpoint second;
  private static String pack;

  @BeforeAll
  static void log() {
    client = harness.client();
    audit = AuditServiceGrpc.newBlockingStub(harness.channel());
    Fixtures.network(client);
    for (int i = 0; i < 20; i++) {
      Fixtures.registeredPack(client);
    }
    first = client.createCheckpoint();
    pack = Fixtures.registeredPack(client);
    client.recordEvent(Fixtures.sale(pack));
    for (int i = 0; i < 45; i++) {
      Fixtures.registeredPack(client);
    }
    second = client.createCheckpoint();
  }

  private static List<byte[]> leafHashes(long size) {
    List<byte[]> hashes = new ArrayList<>();
    for (LogEntry e : client.listAllLogEntries(0).subList(0, (int) size)) {
      hashes.add(e.getLeafHash().toByteArray());
    }
    return hashes;
  }

  private static List<byte[]> bytes(List<ByteString> hashes) {
    return hashes.stream().map(ByteString::toByteArray).toList();
  }

  @Test
  void checkpointsAreSignedNotesThatVerifyUnderTheServedLogKey() throws Exception {
    var key = client.getLogKey();
    assertEquals("packtrail.local/log", key.getOrigin());
    VerifierKey verifier = VerifierKey.parse(key.getVerifierKey());
    assertArrayEquals(key.getPublicKey().toByteArray(), verifier.publicKey());
    assertArrayEquals(key.getKeyHash().toByteArray(), verifier.keyHash());
    for (io.packtrail.v1.Checkpoint c : List.of(first, second, client.getCheckpoint())) {
      Checkpoint body = Checkpoint.verify(c.getNote(), verifier);
      assertEquals(c.getTreeSize(), body.size());
      assertArrayEquals(c.getRootHash().toByteArray(), body.rootHash());
      assertEquals("packtrail.local/log", body.origin());
      assertEquals(c, client.getCheckpoint(c.getTreeSize()), "stored and served again");
    }
    assertTrue(second.getTreeSize() >= first.getTreeSize() + 47, "all events in the tree");
    // another key does not verify it
    VerifierKey other = VerifierKey.of("packtrail.local/log",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey());
    assertThrows(LogVerificationException.class,
        () -> SignedNote.parse(second.getNote()).verify(other));
  }

  @Test
  void entriesListInPagesWithLeafHashesOfTheirCanonicalBytesAndMakeTheRoot() {
    List<LogEntry> paged = new ArrayList<>();
    String token = "";
    do {
      ListLogEntriesResponse page = client.listLogEntries(ListLogEntriesRequest.newBuilder()
          .setStartIndex(3).setPageSize(7).setPageToken(token).build());
      assertTrue(page.getLogEntriesCount() <= 7);
      paged.addAll(page.getLogEntriesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    long latest = client.getCheckpoint().getTreeSize();
    assertEquals(latest - 3, paged.size());
    assertTrue(paged.stream().anyMatch(e -> e.getKind() == LogEntryKind.LOG_ENTRY_KIND_EVENT)
        && paged.stream().anyMatch(e -> e.getKind() == LogEntryKind.LOG_ENTRY_KIND_REGISTRY),
        "both kinds in the listed range");
    for (int i = 0; i < paged.size(); i++) {
      LogEntry e = paged.get(i);
      assertEquals(i + 3, e.getLogIndex());
      // the fixtures' organisations and sites are registry entries, the rest events: the kind
      // is what the leaf says it is (formats.md section 11)
      java.util.SortedMap<String, String> fields = io.packtrail.client.canonical.Canonical.decode(
          e.getCanonicalBytes().toByteArray());
      assertEquals(fields.containsKey("entry.type") ? LogEntryKind.LOG_ENTRY_KIND_REGISTRY
          : LogEntryKind.LOG_ENTRY_KIND_EVENT, e.getKind());
      assertTrue(fields.containsKey("entry.type") != fields.containsKey("event.id"));
      assertArrayEquals(Merkle.leafHash(e.getCanonicalBytes().toByteArray()),
          e.getLeafHash().toByteArray());
    }
    assertArrayEquals(second.getRootHash().toByteArray(),
        Merkle.root(leafHashes(second.getTreeSize())));
    assertArrayEquals(first.getRootHash().toByteArray(),
        Merkle.root(leafHashes(first.getTreeSize())));
    // an entry names its event
    Event sale = client.listEvents(pack).get(1);
    LogEntry saleEntry = client.listAllLogEntries(sale.getLogIndex()).get(0);
    assertEquals(sale.getName(), saleEntry.getSubject());
    assertEquals("sale", saleEntry.getType());
    assertArrayEquals(sale.getCanonicalBytes().toByteArray(),
        saleEntry.getCanonicalBytes().toByteArray());
  }

  @Test
  void everyInclusionProofAtEveryTreeSizeVerifies() throws Exception {
    long n = second.getTreeSize();
    List<byte[]> leaves = leafHashes(n);
    for (long size = 1; size <= n; size++) {
      byte[] root = Merkle.root(leaves.subList(0, (int) size));
      for (long i = 0; i < size; i++) {
        GetInclusionProofResponse proof = client.getInclusionProof(i, size);
        assertEquals(i, proof.getLogIndex());
        assertEquals(size, proof.getTreeSize());
        assertArrayEquals(leaves.get((int) i), proof.getLeafHash().toByteArray());
        Merkle.verifyInclusion(proof.getLeafHash().toByteArray(), i, size,
            bytes(proof.getHashesList()), root);
      }
    }
  }

  @Test
  void inclusionOfAnEventByNameInTheLatestCheckpoint() throws Exception {
    Event sale = client.listEvents(pack).get(1);
    GetInclusionProofResponse proof = audit.getInclusionProof(GetInclusionProofRequest
        .newBuilder().setEvent(sale.getName()).build());
    io.packtrail.v1.Checkpoint latest = client.getCheckpoint();
    assertEquals(sale.getLogIndex(), proof.getLogIndex());
    assertEquals(latest.getTreeSize(), proof.getTreeSize());
    Merkle.verifyInclusion(Merkle.leafHash(sale.getCanonicalBytes().toByteArray()),
        sale.getLogIndex(), proof.getTreeSize(), bytes(proof.getHashesList()),
        latest.getRootHash().toByteArray());
  }

  @Test
  void everyConsistencyProofBetweenTreeSizesVerifies() throws Exception {
    long n = second.getTreeSize();
    List<byte[]> leaves = leafHashes(n);
    List<byte[]> roots = new ArrayList<>();
    for (int size = 0; size <= n; size++) {
      roots.add(Merkle.root(leaves.subList(0, size)));
    }
    for (long to = 1; to <= n; to++) {
      for (long from = 0; from <= to; from++) {
        var proof = client.getConsistencyProof(from, to);
        Merkle.verifyConsistency(from, to, roots.get((int) from), roots.get((int) to),
            bytes(proof.getHashesList()));
      }
    }
    // between the two checkpoints, with the roots they signed
    var proof = client.getConsistencyProof(first.getTreeSize(), second.getTreeSize());
    Merkle.verifyConsistency(first.getTreeSize(), second.getTreeSize(),
        first.getRootHash().toByteArray(), second.getRootHash().toByteArray(),
        bytes(proof.getHashesList()));
  }

  @Test
  void sizesBeyondTheTreeAreRefusedNamingTheLatestCheckpoint() {
    long latest = client.getCheckpoint().getTreeSize();
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.getInclusionProof(0, latest + 1));
    var violation = preconditions(status).get(0);
    assertEquals("TREE_SIZE", violation.getType());
    assertTrue(violation.getDescription().contains("tree_size " + (latest + 1)
        + " is beyond the tree: the latest checkpoint has " + latest), violation.toString());
    status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.getConsistencyProof(1, latest + 5));
    assertTrue(preconditions(status).get(0).getDescription().startsWith("second_tree_size"));
    status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> audit.getConsistencyProof(GetConsistencyProofRequest.newBuilder()
            .setFirstTreeSize(latest + 1).build()));
    assertTrue(preconditions(status).get(0).getDescription().startsWith("first_tree_size"));
    // an entry recorded after the latest checkpoint is not in the tree yet
    status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> audit.getInclusionProof(GetInclusionProofRequest.newBuilder()
            .setLogIndex(latest + 1000).build()));
    assertEquals("LOG_ENTRY", preconditions(status).get(0).getType());
    assertFails(Status.Code.NOT_FOUND, () -> client.getCheckpoint(latest + 1000));
  }

  @Test
  void firstAfterSecondUnknownEventsAndMalformedRequestsAreRefused() {
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.getConsistencyProof(5, 4));
    assertViolation(status, "first_tree_size", "must not exceed second_tree_size 4, got 5");
    status = assertFails(Status.Code.NOT_FOUND, () -> audit.getInclusionProof(
        GetInclusionProofRequest.newBuilder().setEvent("units/" + pack + "/events/99").build()));
    assertTrue(status.getMessage().contains("units/" + pack + "/events/99"), status.toString());
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> audit.getInclusionProof(
        GetInclusionProofRequest.newBuilder().setEvent("units/x/events/1").build()));
    assertViolation(status, "event", "units/{code}/events/{sequence}");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> audit.getInclusionProof(
        GetInclusionProofRequest.newBuilder()
            .setEvent("units/" + pack + "/events/9999999999999999999").build()));
    assertViolation(status, "event", "the sequence from 1 to 9223372036854775807");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> audit.getInclusionProof(
        GetInclusionProofRequest.getDefaultInstance()));
    assertViolation(status, "entry", "is required");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.getInclusionProof(10, 10));
    assertViolation(status, "log_index", "log index 10 is not in a tree of size 10");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.getInclusionProof(-1, 10));
    assertViolation(status, "log_index", "must not be negative");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.getCheckpoint(-1));
    assertViolation(status, "tree_size", "must not be negative");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.listLogEntries(
        ListLogEntriesRequest.newBuilder().setStartIndex(-3).build()));
    assertViolation(status, "start_index", "must not be negative");
    ListLogEntriesResponse page = client.listLogEntries(ListLogEntriesRequest.newBuilder()
        .setStartIndex(0).setPageSize(2).build());
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.listLogEntries(
        ListLogEntriesRequest.newBuilder().setStartIndex(1).setPageSize(2)
            .setPageToken(page.getNextPageToken()).build()));
    assertViolation(status, "page_token", "other filters");
    // beyond the tree a listing is empty, not an error: a mirror polls from its next index
    assertFalse(client.listLogEntries(ListLogEntriesRequest.newBuilder()
        .setStartIndex(1_000_000).build()).getLogEntriesCount() > 0);
  }

  @Test
  void aFilterListsTheEntriesAboutSubjectsInLogOrder() {
    String filter = "subject = \"units/" + pack + "/events/*\" OR subject=\""
        + Fixtures.STATION + "\"  OR  subject = \"" + Fixtures.DEALER + "\"";
    List<LogEntry> all = client.listAllLogEntries(0);
    List<LogEntry> expected = all.stream().filter(e -> e.getSubject().startsWith(
        "units/" + pack + "/events/") || e.getSubject().equals(Fixtures.STATION)
        || e.getSubject().equals(Fixtures.DEALER)).toList();
    assertEquals(4, expected.size(), "two events, the site and its organisation");
    assertEquals(expected, client.listAllLogEntries(0, filter));
    // in pages of one, the token bound to the filter
    List<LogEntry> paged = new ArrayList<>();
    String token = "";
    do {
      ListLogEntriesResponse page = client.listLogEntries(ListLogEntriesRequest.newBuilder()
          .setFilter(filter).setPageSize(1).setPageToken(token).build());
      paged.addAll(page.getLogEntriesList());
      token = page.getNextPageToken();
      if (!token.isEmpty()) {
        String t = token;
        var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.listLogEntries(
            ListLogEntriesRequest.newBuilder().setFilter("subject = \"" + Fixtures.STATION
                + "\"").setPageSize(1).setPageToken(t).build()));
        assertViolation(status, "page_token", "other filters");
      }
    } while (!token.isEmpty());
    assertEquals(expected, paged);
    // from an index; one event by its name; a subject nothing is about
    assertEquals(expected.subList(2, 4), client.listAllLogEntries(
        expected.get(2).getLogIndex(), filter));
    Event sale = client.listEvents(pack).get(1);
    assertEquals(List.of(sale.getName()), client.listAllLogEntries(0, "subject = \""
        + sale.getName() + "\"").stream().map(LogEntry::getSubject).toList());
    assertEquals(List.of(sale.getName()), client.listAllLogEntries(0, "subject = \""
        + sale.getName() + "\" OR subject = \"units/" + pack + "/events/*\"").stream()
        .skip(1).map(LogEntry::getSubject).toList(), "each entry once");
    assertTrue(client.listAllLogEntries(0, "subject = \"organizations/nobody\"").isEmpty());
  }

  @Test
  void aBadFilterIsRefusedNamingTheRule() {
    java.util.Map<String, String> refusals = new java.util.LinkedHashMap<>();
    refusals.put("kind = \"EVENT\"", "can only compare subject, not 'kind' (at character 1)");
    refusals.put("subject != \"x\"", "compares subject with = only, found '!=' at character 9");
    refusals.put("subject = units/x", "compares subject with a double-quoted string");
    refusals.put("subject = \"a\" AND subject = \"b\"", "joins terms with OR only, not 'AND'");
    refusals.put("subject = \"units/*\"", "allows the wildcard * only as units/{code}/events/*");
    refusals.put("subject = \"units/" + pack + "/events/9999999999999999999\"",
        "the sequence from 1 to 9223372036854775807");
    refusals.put("subject = \"units/x/events/1\"", "compares subject with an event name");
    refusals.put("subject = \"labels/1", "has a string opened at character 11 and never closed");
    refusals.put("subject = \"\"", "compares subject with a resource name");
    refusals.put("subject = \"a\" OR", "ends where a field name or OR belongs");
    refusals.put("subject = \"a\"" + " OR subject = \"a\"".repeat(100), "has more than 100 terms");
    for (var r : refusals.entrySet()) {
      var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.listLogEntries(
          ListLogEntriesRequest.newBuilder().setFilter(r.getKey()).build()));
      assertViolation(status, "filter", r.getValue());
    }
  }

  @Test
  void theFilteredListingReadsThroughIndexes() {
    // with current statistics and sequential scans priced out, a plan still scanning a table (or
    // walking the log order's index) has no index of the subjects to use
    String sql = io.packtrail.server.testing.StoreSql.statement("LogDao/entriesAbout.sql");
    String plan = harness.jdbi().inTransaction(h -> {
      h.execute("ANALYZE event");
      h.execute("ANALYZE registry_entry");
      h.execute("SET LOCAL enable_seqscan = off");
      return String.join("\n", h.createQuery("EXPLAIN " + sql)
          .bind("from", 0L).bind("to", 1_000_000L).bind("limit", 100)
          .bind("subjects", new String[] {Fixtures.STATION})
          .bind("units", new String[] {pack})
          .bind("eventCodes", new String[] {pack}).bind("eventSequences", new long[] {2})
          .mapTo(String.class).list());
    });
    assertFalse(plan.contains("Seq Scan on event") || plan.contains("Seq Scan on registry_entry"),
        plan);
    // not the log order's index either: walking it with a filter would read the whole log
    assertFalse(plan.contains("event_log_index_key") || plan.contains("registry_entry_pkey"),
        plan);
    assertTrue(plan.contains("registry_entry_subject_idx")
        && plan.contains("event_unit_code_sequence_key"), plan);
  }
}
