package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.TextFormat;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.domain.DomainException;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.Lifecycle;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Part;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.UnitState;
import io.packtrail.server.testing.FormatsDocument;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The event vectors of docs/formats.md section 8 and the tables of sections 3 to 5, read from the
 * document: each request is parsed, checked and mapped by Requests, applied by Lifecycle and
 * sealed by EventChain, and every documented byte, hash, digest and custodian is compared with the
 * result.
 *
 * <p>After a deliberate format change, run this test once with the environment variable
 * {@code PACKTRAIL_REWRITE_VECTORS=1}: it rewrites the computed blocks (fields, hashes, digests;
 * never the requests) in docs/formats.md. Review the diff, and say in the commit why the bytes
 * changed.
 */
class EventVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final boolean REWRITE = System.getenv("PACKTRAIL_REWRITE_VECTORS") != null;
  /** Every step has vectors: those of section 8, and the rest in section 9. */
  private static final List<StepType> VECTOR_STEPS = List.of(StepType.values());
  /**
   * The steps of sections 3, 4 and 8: a full and a minimal vector each, and a row in the field
   * and custody tables of sections 3 and 4. The steps of issue 7 (trade-in to correction) have
   * their keys, custody and vectors in section 9 (replayed by
   * {@link #secondLifeVectorsAreWhatTheServerComputes}) and their roles in section 4's table.
   */
  private static final List<StepType> SECTION_8_STEPS =
      List.copyOf(EnumSet.range(StepType.REGISTRATION, StepType.INSPECTION));
  /**
   * The fields the server chooses or derives, and the device signature, left out of the request
   * digest (section 5).
   */
  private static final Set<String> NOT_IN_DIGEST = Set.of("record.time", "log.index",
      "unit.sequence", "actor.organization", "state.before", "state.after", "device.signature");

  /** One event of section 8, as documented and as the server's code makes it. */
  record Vector(String name, List<FormatsDocument.CodeBlock> blocks, String labelText,
      Submission submission, UnitState before, EventChain.Sealed sealed) {
    Event event() {
      return sealed.event();
    }

    Map<String, String> fields() {
      return decode(event().canonicalBytes());
    }

    /** A: every optional field given; B: none. */
    boolean full() {
      return name.startsWith("A");
    }
  }

  @Test
  void eventVectorsAreWhatTheServerComputes() {
    FormatsDocument doc = FormatsDocument.load();
    List<Vector> vectors = replay(doc);
    assertEquals(14, vectors.size(), "two units, one event of every step each");
    for (StepType type : SECTION_8_STEPS) {
      assertEquals(2, vectors.stream().filter(v -> v.event().type() == type).count(),
          "one full and one minimal " + type.key());
    }
    for (Vector v : vectors) {
      // the digest is the SHA-256 of the event's own fields less the server's (section 5)
      assertArrayEquals(EventChain.sha256(digestInput(v.fields())), v.submission().digest(),
          v.name() + ": digest input as documented");
      check(doc, v.name() + " fields", v.blocks().get(1), renderFields(v.event().canonicalBytes()));
      Event e = v.event();
      UnitState after = v.sealed().unit();
      check(doc, v.name() + " results", v.blocks().get(2), List.of(
          "previous       " + HEX.formatHex(e.previousHash()),
          "hash           " + HEX.formatHex(e.hash()),
          "digest         " + HEX.formatHex(e.requestDigest()),
          "custodian      " + after.custodian(),
          "custodian_site " + (after.custodianSite() == null ? "-" : after.custodianSite())));
    }
    finish(doc);
  }

  @Test
  void idempotencyDigestWithAndWithoutLabel() {
    FormatsDocument doc = FormatsDocument.load();
    Vector receipt = replay(doc).stream().filter(v -> v.name().startsWith("A6 "))
        .findFirst().orElseThrow();
    assertFalse(receipt.labelText().isEmpty(), "A6 is scanned with a label");
    List<FormatsDocument.CodeBlock> blocks = doc.section("5.").section("Test vector").codeBlocks();
    byte[] input = digestInput(receipt.fields());
    assertTrue(decode(input).containsKey("label.serial"));
    check(doc, "section 5 digest input", blocks.get(0), renderFields(input));
    Submission withoutLabel = new Submission(receipt.submission().eventId(),
        receipt.submission().unitCode(), receipt.submission().eventTime(),
        receipt.submission().actorSite(), receipt.submission().step());
    assertFalse(Arrays.equals(receipt.submission().digest(), withoutLabel.digest()));
    check(doc, "section 5 digests", blocks.get(1), List.of(
        "digest                " + HEX.formatHex(receipt.submission().digest()),
        "digest without label  " + HEX.formatHex(withoutLabel.digest())));
    finish(doc);
  }

  @Test
  void enumTableIsTheProtoAndDomainEnums() throws Exception {
    FormatsDocument doc = FormatsDocument.load();
    FormatsDocument.Table table = doc.section("3.").section("Enum values").table();
    Map<String, List<String>> valuesByKey = new HashMap<>();
    for (List<String> row : table.rows()) {
      String type = FormatsDocument.code(row.get(table.column("proto enum")));
      List<String> documented = FormatsDocument.codes(row.get(table.column("values")));
      EnumDescriptor proto = (EnumDescriptor) Class.forName("io.packtrail.v1." + type)
          .getMethod("getDescriptor").invoke(null);
      String prefix = upperSnake(type) + "_";
      List<String> protoValues = new ArrayList<>();
      for (EnumValueDescriptor value : proto.getValues()) {
        assertTrue(value.getName().startsWith(prefix), value.getName() + " has prefix " + prefix);
        if (value.getNumber() != 0) {
          protoValues.add(value.getName().substring(prefix.length()));
          assertEquals(protoValues.size(), value.getNumber(), value.getName()
              + ": numbered 1, 2, 3 ... in the order listed");
        } else {
          assertEquals(prefix + "UNSPECIFIED", value.getName());
        }
      }
      assertEquals(protoValues, documented, type + ": proto values without the prefix");
      List<String> domainValues = Arrays.stream(
          Class.forName("io.packtrail.server.domain." + type).getEnumConstants())
          .map(c -> ((Enum<?>) c).name()).toList();
      assertEquals(domainValues, documented, type + ": the server's enum");
      FormatsDocument.codes(row.get(table.column("keys")))
          .forEach(key -> valuesByKey.put(key, documented));
    }
    // every enum value in the vectors is one of its key's documented values
    for (Vector v : replay(doc)) {
      v.fields().forEach((key, value) -> {
        if (valuesByKey.containsKey(key)) {
          assertTrue(valuesByKey.get(key).contains(value), v.name() + ": " + key + " = " + value);
        }
      });
    }
    assertTrue(valuesByKey.keySet().containsAll(Set.of("registration.level",
        "registration.chemistry", "state.before", "state.after", "removal.reason",
        "inspection.grade")), "every enum-valued key has a row: " + valuesByKey.keySet());
  }

  @Test
  void fieldTablesMatchTheVectors() {
    FormatsDocument doc = FormatsDocument.load();
    List<Vector> vectors = replay(doc);
    FormatsDocument.Table common = doc.section("3.").section("Fields of every event").table();
    Map<String, String> presence = new LinkedHashMap<>();
    common.rows().forEach(row -> presence.put(FormatsDocument.code(row.get(0)),
        row.get(common.column("presence"))));
    for (Vector v : vectors) {
      presence.forEach((key, when) -> {
        if (when.equals("always")) {
          assertTrue(v.fields().containsKey(key), v.name() + " lacks " + key);
        }
      });
    }
    presence.forEach((key, when) -> assertTrue(
        vectors.stream().anyMatch(v -> v.fields().containsKey(key)), key + " in some vector"));
    for (Vector v : vectors) {
      assertEquals(!v.labelText().isEmpty(), v.fields().containsKey("label.serial"),
          v.name() + ": label.serial exactly when a label was scanned");
    }

    FormatsDocument.Part steps = doc.section("3.").section("Fields of each step");
    List<String> documentedSteps = new ArrayList<>();
    for (FormatsDocument.Part part : steps.subsections(4)) {
      StepType type = StepType.fromKey(part.title());
      documentedSteps.add(type.key());
      FormatsDocument.Table table = part.table();
      List<String> keys = new ArrayList<>();
      Set<String> required = new TreeSet<>();
      for (List<String> row : table.rows()) {
        String key = FormatsDocument.code(row.get(table.column("key")));
        String requestField = FormatsDocument.code(row.get(table.column("request field")));
        assertTrue(key.startsWith(type.key() + "."), key);
        assertEquals(key.substring(type.key().length() + 1),
            requestField.replace("state_of_health.", "soh."), key + " names its request field");
        assertRequestFieldExists(type, requestField);
        keys.add(key);
        String when = row.get(table.column("presence"));
        assertTrue(when.startsWith("required") || when.startsWith("optional"), key + ": " + when);
        if (when.startsWith("required")) {
          required.add(key);
        }
      }
      assertEquals(keys.stream().sorted().toList(), keys, type.key() + ": canonical order");
      for (Vector v : vectors) {
        if (v.event().type() != type) {
          continue;
        }
        Set<String> stepKeys = v.fields().keySet().stream()
            .filter(k -> !presence.containsKey(k)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(v.full() ? new TreeSet<>(keys) : required, stepKeys,
            v.name() + ": its step's fields are the table's "
                + (v.full() ? "keys" : "required keys"));
      }
    }
    assertEquals(SECTION_8_STEPS.stream().map(StepType::key).toList(), documentedSteps,
        "one table per step");
  }

  @Test
  void custodyTableIsTheLifecycle() {
    FormatsDocument doc = FormatsDocument.load();
    List<Vector> vectors = replay(doc);
    FormatsDocument.Table table = doc.section("4.").section("State and custody").table();
    assertEquals(SECTION_8_STEPS.size(), table.rows().size());
    for (List<String> row : table.rows()) {
      StepType type = StepType.fromKey(row.get(table.column("step")));
      Set<LifecycleState> from = EnumSet.noneOf(LifecycleState.class);
      FormatsDocument.codes(row.get(table.column("`state.before`")))
          .forEach(s -> from.add(LifecycleState.valueOf(s)));
      for (LifecycleState state : LifecycleState.values()) {
        assertEquals(from.contains(state), Lifecycle.allowedSteps(state).contains(type),
            type.key() + " from " + state);
      }
      String stateAfter = FormatsDocument.code(row.get(table.column("`state.after`")));
      String custodian = row.get(table.column("custodian after"));
      String custodianSite = row.get(table.column("custodian site after"));
      int seen = 0;
      for (Vector v : vectors) {
        if (v.event().type() != type) {
          continue;
        }
        seen++;
        Map<String, String> f = v.fields();
        assertEquals(stateAfter, f.get("state.after"), v.name());
        UnitState after = v.sealed().unit();
        assertEquals(rule(custodian, f, v.before().custodian()), after.custodian(),
            v.name() + ": custodian by the table");
        assertEquals(rule(custodianSite, f, v.before().custodianSite()), after.custodianSite(),
            v.name() + ": custodian site by the table");
      }
      assertEquals(2, seen, type.key() + " vectors");
    }
  }

  /** The SDK's offline verifier judges bundles by the lifecycle's roles, no more, no fewer. */
  @Test
  void theBundleVerifiersRoleTableIsTheLifecycle() {
    int parts = 0;
    for (StepType type : StepType.values()) {
      for (Part part : Lifecycle.parts(type)) {
        Set<String> expected = Lifecycle.roles(type, part).stream().map(Enum::name)
            .collect(Collectors.toSet());
        assertEquals(expected, io.packtrail.client.audit.StepRoles.roles(type.key(), part.key()),
            type.key() + " " + part.key());
        parts++;
      }
    }
    assertEquals(parts, io.packtrail.client.audit.StepRoles.table().values().stream()
        .mapToInt(java.util.Map::size).sum(), "no step or part the lifecycle does not have");
  }

  @Test
  void roleTableIsTheLifecycle() {
    FormatsDocument doc = FormatsDocument.load();
    List<Vector> vectors = replay(doc);
    FormatsDocument.Table table = doc.section("4.").section("Roles").table();
    // one row per step and part, in the order of the steps, every part of every step
    List<String> expectedRows = new ArrayList<>();
    for (StepType type : StepType.values()) {
      Lifecycle.parts(type).forEach(p -> expectedRows.add(type.key() + " " + p.key()));
    }
    assertEquals(expectedRows, table.rows().stream().map(row -> row.get(table.column("step"))
        + " " + row.get(table.column("part"))).toList());
    for (List<String> row : table.rows()) {
      StepType type = StepType.fromKey(row.get(table.column("step")));
      Part part = Part.valueOf(row.get(table.column("part")).toUpperCase(Locale.ROOT));
      String rolesCell = row.get(table.column("roles"));
      Set<OrganizationRole> roles = rolesCell.equals("any role but regulator")
          ? EnumSet.complementOf(EnumSet.of(OrganizationRole.REGULATOR))
          : Arrays.stream(rolesCell.split(","))
              .map(r -> OrganizationRole.valueOf(
                  r.trim().toUpperCase(Locale.ROOT).replace(' ', '_')))
              .collect(Collectors.toCollection(() -> EnumSet.noneOf(OrganizationRole.class)));
      boolean custodianOnly = row.get(table.column("only the custodian")).startsWith("yes");
      assertEquals(roles, Lifecycle.roles(type, part), type.key() + " " + part.key() + " roles");
      assertEquals(custodianOnly, Lifecycle.custodianOnly(type, part),
          type.key() + " " + part.key() + ": only the custodian");
      // the single-unit steps with vectors are also replayed against every role
      for (Vector v : vectors) {
        if (v.event().type() != type) {
          continue;
        }
        for (OrganizationRole role : OrganizationRole.values()) {
          Actor actor = new Actor("organizations/someone", "organizations/someone/sites/x",
              Set.of(role));
          assertEquals(!roles.contains(role), refusedFor(v, actor, "ROLE"),
              v.name() + " by a " + role);
        }
        // an organisation with every role, not the custodian before the step
        Actor stranger = new Actor("organizations/someone", "organizations/someone/sites/x",
            EnumSet.allOf(OrganizationRole.class));
        if (v.before().custodian() != null) {
          assertEquals(custodianOnly, refusedFor(v, stranger, "CUSTODY"), v.name());
        }
      }
    }
  }

  /**
   * The test vectors of section 9: each request replayed after section 8's units, with the
   * documented rule for the server's choices, through the sequencer's own calls (Lifecycle.plan
   * and EventChain.sealPart for a step that touches several units, apply and seal otherwise).
   */
  @Test
  void secondLifeVectorsAreWhatTheServerComputes() {
    FormatsDocument doc = FormatsDocument.load();
    Map<String, Actor> actors = actors(doc.section("8.").table());
    Map<String, UnitState> units = new HashMap<>();
    Map<String, Step.Registration> registrations = new HashMap<>();
    Set<String> parented = new java.util.HashSet<>();
    Set<String> lots = new java.util.HashSet<>();
    for (Vector v : replay(doc)) {
      units.put(v.event().unitCode(), v.sealed().unit());
      if (v.submission().step() instanceof Step.Registration r) {
        registrations.put(v.event().unitCode(), r);
      }
    }
    Lifecycle.Known known = new Lifecycle.Known() {
      public UnitState unit(String code) {
        return units.get(code);
      }

      public double massKg(String code) {
        return registrations.get(code).massKg();
      }

      public String maker(String code) {
        return registrations.get(code).maker();
      }

      public boolean hasParent(String code) {
        return parented.contains(code);
      }

      public boolean lotExists(String id) {
        return lots.contains(id);
      }
    };
    Set<StepType> seen = EnumSet.noneOf(StepType.class);
    List<SecondLifeEvent> vectors = new ArrayList<>();
    long logIndex = 2000;
    for (FormatsDocument.Part part : doc.section("9.").section("Test vectors").subsections(4)) {
      List<FormatsDocument.CodeBlock> blocks = part.codeBlocks();
      String text = blocks.get(0).text();
      Submission submission;
      try {
        if (text.startsWith("# RegisterUnitRequest")) {
          RegisterUnitRequest.Builder request = RegisterUnitRequest.newBuilder();
          TextFormat.merge(text, request);
          submission = new Requests().registration(request.build(), "");
        } else {
          RecordEventRequest.Builder request = RecordEventRequest.newBuilder();
          TextFormat.merge(text, request);
          submission = new Requests().submission(request.build(), "");
        }
      } catch (TextFormat.ParseException e) {
        throw new AssertionError(part.title() + ": request does not parse", e);
      }
      Instant recorded = submission.eventTime().plusSeconds(1);
      Actor actor = actors.get(submission.actorSite());
      StepType type = submission.step().type();
      assertEquals(type.key(), part.title().split(" ")[1], part.title() + ": names its step");
      seen.add(type);
      List<EventChain.Sealed> sealed = new ArrayList<>();
      try {
        if (Step.touchesSeveral(type)) {
          for (Lifecycle.Planned planned : Lifecycle.plan(submission.unitCode(),
              submission.step(), actor, submission.eventTime(), known,
              Lifecycle.DEFAULT_MASS_TOLERANCE)) {
            sealed.add(EventChain.sealPart(submission, actor, planned, logIndex++, recorded,
                submission.digest()));
            if (planned.registers() != null) {
              registrations.put(planned.code(), planned.registers());
            }
            if (planned.part() == Part.CHILD || planned.part() == Part.PRODUCT) {
              parented.add(planned.code());
            }
          }
          if (submission.step() instanceof Step.Recycling r) {
            r.lots().forEach(lot -> lots.add(lot.id()));
          }
        } else {
          UnitState before = units.getOrDefault(submission.unitCode(),
              UnitState.unregistered(submission.unitCode()));
          UnitState after = Lifecycle.apply(before, submission.step(), actor,
              submission.eventTime());
          sealed.add(EventChain.seal(submission, actor, before, after, logIndex++, recorded,
              submission.digest()));
          if (submission.step() instanceof Step.Registration r) {
            registrations.put(submission.unitCode(), r);
          }
        }
      } catch (DomainException e) {
        throw new AssertionError("docs/formats.md section 9, " + part.title()
            + ": the server refuses this step; update it in the document", e);
      }
      assertEquals(1 + 2 * sealed.size(), blocks.size(),
          part.title() + ": the request, then fields and results of every touched unit");
      // the digest is the request's alone: the primary event's fields less the server's and
      // less the step's own keys (section 9)
      Map<String, String> primary = decode(sealed.get(0).event().canonicalBytes());
      primary.keySet().removeAll(Set.of("step.id", "step.part", "step.unit"));
      assertArrayEquals(EventChain.sha256(digestInput(primary)), submission.digest(),
          part.title() + ": digest input as documented");
      for (int i = 0; i < sealed.size(); i++) {
        Event e = sealed.get(i).event();
        UnitState after = sealed.get(i).unit();
        vectors.add(new SecondLifeEvent(part.title(), actor,
            units.getOrDefault(e.unitCode(), UnitState.unregistered(e.unitCode())), e, after));
        units.put(e.unitCode(), after);
        String what = part.title() + ", " + e.unitCode();
        check(doc, what + " fields", blocks.get(1 + 2 * i), renderFields(e.canonicalBytes()));
        check(doc, what + " results", blocks.get(2 + 2 * i), List.of(
            "previous       " + HEX.formatHex(e.previousHash()),
            "hash           " + HEX.formatHex(e.hash()),
            "digest         " + HEX.formatHex(e.requestDigest()),
            "custodian      " + after.custodian(),
            "custodian_site " + (after.custodianSite() == null ? "-" : after.custodianSite())));
      }
    }
    seen.addAll(SECTION_8_STEPS);
    assertEquals(EnumSet.copyOf(VECTOR_STEPS), seen, "a vector of every step in section 9");
    checkSecondLifeTables(doc, vectors);
    finish(doc);
  }

  /** One unit's event of a section 9 vector, with the unit's state before and after it. */
  record SecondLifeEvent(String name, Actor actor, UnitState before, Event event,
      UnitState after) {
    Map<String, String> fields() {
      return decode(event.canonicalBytes());
    }
  }

  /**
   * The keys and custody tables of section 9 against its vectors: every event's step keys are
   * its step's rows (required ones all present), every row has a key in some vector, and state
   * and custodian after each event are as the custody table says for the unit's part.
   */
  private static void checkSecondLifeTables(FormatsDocument doc, List<SecondLifeEvent> vectors) {
    FormatsDocument.Table common = doc.section("3.").section("Fields of every event").table();
    Set<String> commonKeys = new java.util.HashSet<>(Set.of("step.id", "step.part", "step.unit"));
    common.rows().forEach(row -> commonKeys.add(FormatsDocument.code(row.get(0))));
    FormatsDocument.Table keys = doc.section("9.").section("Keys of each new step").table();
    Set<String> unmatchedRows = new TreeSet<>();
    Map<String, java.util.regex.Pattern> patterns = new LinkedHashMap<>();
    for (List<String> row : keys.rows()) {
      String key = FormatsDocument.code(row.get(keys.column("key")));
      String regex = java.util.regex.Pattern.quote(key).replace("NNN", "\\E[0-9]{3}\\Q")
          .replace("{li,ni,co,mn,cu,al}", "\\E(li|ni|co|mn|cu|al)\\Q");
      patterns.put(key, java.util.regex.Pattern.compile(regex));
      unmatchedRows.add(key);
    }
    for (SecondLifeEvent v : vectors) {
      String step = v.event().type().key();
      if (SECTION_8_STEPS.contains(v.event().type())) {
        continue;
      }
      Set<String> stepKeys = v.fields().keySet().stream().filter(k -> !commonKeys.contains(k))
          .collect(Collectors.toCollection(TreeSet::new));
      for (List<String> row : keys.rows()) {
        if (!row.get(keys.column("step")).equals(step)) {
          continue;
        }
        String key = FormatsDocument.code(row.get(keys.column("key")));
        boolean present = stepKeys.stream().anyMatch(k -> patterns.get(key).matcher(k).matches());
        if (present) {
          unmatchedRows.remove(key);
        } else {
          assertFalse(row.get(keys.column("presence")).equals("required")
              || row.get(keys.column("presence")).startsWith("required ("),
              v.name() + ", " + v.event().unitCode() + ": lacks the required " + key);
        }
      }
      for (String k : stepKeys) {
        assertTrue(patterns.entrySet().stream().anyMatch(p -> p.getKey().startsWith(step + ".")
            && p.getValue().matcher(k).matches()), v.name() + ": " + k + " is in the table");
      }
    }
    assertEquals(Set.of(), unmatchedRows, "every row of section 9's keys table in some vector");

    FormatsDocument.Table custody =
        doc.section("9.").section("State and custody of the new steps").table();
    for (SecondLifeEvent v : vectors) {
      if (SECTION_8_STEPS.contains(v.event().type())) {
        continue;
      }
      String part = v.fields().getOrDefault("step.part", "subject");
      List<String> row = custody.rows().stream()
          .filter(r -> r.get(custody.column("step")).equals(v.event().type().key())
              && r.get(custody.column("part")).equals(part))
          .findFirst().orElseThrow(() -> new AssertionError(v.name() + ": no row for " + part));
      String stateAfter = row.get(custody.column("`state.after`"));
      assertEquals(stateAfter.startsWith("the same as") ? v.fields().get("state.before")
          : FormatsDocument.code(stateAfter), v.fields().get("state.after"), v.name());
      String custodian = row.get(custody.column("custodian after"));
      boolean unchanged = custodian.equals("unchanged");
      assertTrue(unchanged || custodian.equals("`actor.organization` at `actor.site`"), custodian);
      assertEquals(unchanged ? v.before().custodian() : v.actor().organization(),
          v.after().custodian(), v.name() + ", " + v.event().unitCode() + ": custodian");
      assertEquals(unchanged ? v.before().custodianSite() : v.actor().site(),
          v.after().custodianSite(), v.name() + ", " + v.event().unitCode() + ": custodian site");
    }
  }


  /** Whether the lifecycle refuses the vector's step by {@code actor} with a {@code type} one. */
  private static boolean refusedFor(Vector v, Actor actor, String type) {
    try {
      Lifecycle.apply(v.before(), v.submission().step(), actor, v.submission().eventTime());
      return false;
    } catch (FailedPreconditionException e) {
      return e.violations().stream().anyMatch(violation -> violation.type().equals(type));
    }
  }

  /** The accepted and refused spellings of section 3 (UUIDs, unit names, test dates). */
  @Test
  void requestSpellingsAreAcceptedOrRefusedAsDocumented() throws Exception {
    FormatsDocument doc = FormatsDocument.load();
    FormatsDocument.CodeBlock b7 = doc.section("8.").section("B7 ").codeBlocks().get(0);
    RecordEventRequest.Builder parsed = RecordEventRequest.newBuilder();
    TextFormat.merge(b7.text(), parsed);
    RecordEventRequest inspection = parsed.build();
    Requests requests = new Requests();
    String id = inspection.getEventId();
    assertEquals(id, requests.submission(inspection.toBuilder()
        .setEventId(id.toUpperCase(Locale.ROOT)).build(), "").eventId().toString());
    for (String badId : List.of("{" + id + "}", id.replace("-", ""), "urn:uuid:" + id)) {
      assertRefused(requests, inspection.toBuilder().setEventId(badId).build(), "event_id");
    }
    assertRefused(requests, inspection.toBuilder()
        .setUnit(inspection.getUnit().toLowerCase(Locale.ROOT)).build(), "unit");
    // event.time 2026-09-18T13:05Z is 2026-09-19 at UTC+14, the latest time zone
    for (String good : List.of("2026-09-19", "2000-01-01")) {
      assertEquals(good, ((Step.Inspection) requests.submission(withTestDate(inspection, good), "")
          .step()).testDate().toString());
    }
    for (String bad : List.of("2026-09-20", "1999-12-31", "2026-9-18", "20260918", "2026-02-30",
        "+2026-09-18")) {
      assertRefused(requests, withTestDate(inspection, bad), "inspection.test_date");
    }
  }

  private static RecordEventRequest withTestDate(RecordEventRequest r, String date) {
    return r.toBuilder().setInspection(r.getInspection().toBuilder().setTestDate(date)).build();
  }

  private static void assertRefused(Requests requests, RecordEventRequest r, String field) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> requests.submission(r, ""));
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(field)),
        field + ": " + e.violations());
  }

  /** Evaluates a cell of the custody table for one event. */
  private static String rule(String cell, Map<String, String> fields, String before) {
    if (cell.equals("unchanged")) {
      return before;
    }
    List<String> keys = FormatsDocument.codes(cell);
    if (keys.size() == 1 && cell.equals("`" + keys.get(0) + "`")) {
      return fields.get(keys.get(0));
    }
    // "`actor.site` if `sale.dealer` is `actor.organization`, else none"
    if (keys.size() == 3 && cell.equals("`" + keys.get(0) + "` if `" + keys.get(1) + "` is `"
        + keys.get(2) + "`, else none")) {
      return fields.get(keys.get(1)).equals(fields.get(keys.get(2))) ? fields.get(keys.get(0))
          : null;
    }
    fail("the custody table has a rule this test cannot read: " + cell);
    return null;
  }

  // ---- replaying section 8 ----

  static List<Vector> replay(FormatsDocument doc) {
    FormatsDocument.Part vectors = doc.section("8.");
    Map<String, Actor> actors = actors(vectors.table());
    Map<String, UnitState> units = new HashMap<>();
    List<Vector> out = new ArrayList<>();
    for (FormatsDocument.Part part : vectors.subsections(4)) {
      List<FormatsDocument.CodeBlock> blocks = part.codeBlocks();
      assertEquals(3, blocks.size(), part.title() + ": request, fields, results");
      Map<String, String> documented = new LinkedHashMap<>();
      for (String line : blocks.get(1).lines()) {
        int eq = line.indexOf(" = ");
        if (!line.startsWith(" ") && eq > 0) {
          documented.put(line.substring(0, eq).trim(), line.substring(eq + 3));
        }
      }
      // the server's own choices are taken from the document
      Instant recorded = Instant.parse(documented.get("record.time"));
      long logIndex = Long.parseLong(documented.get("log.index"));
      Requests requests = new Requests();
      String text = blocks.get(0).text();
      Submission submission;
      String labelText = "";
      try {
        if (text.startsWith("# RegisterUnitRequest")) {
          RegisterUnitRequest.Builder request = RegisterUnitRequest.newBuilder();
          TextFormat.merge(text, request);
          submission = requests.registration(request.build(), "");
        } else {
          RecordEventRequest.Builder request = RecordEventRequest.newBuilder();
          TextFormat.merge(text, request);
          submission = requests.submission(request.build(), "");
          labelText = request.getLabelText();
          if (!labelText.isEmpty()) {
            submission = submission.withLabelSerial(
                LabelCodec.decodeWithPayload(labelText).payload().getSerial());
          }
        }
      } catch (TextFormat.ParseException e) {
        throw new AssertionError(part.title() + ": request does not parse", e);
      } catch (DomainException e) {
        throw new AssertionError("docs/formats.md section 8, " + part.title()
            + ": the server refuses this request; update it in the document", e);
      }
      Actor actor = actors.get(submission.actorSite());
      UnitState before = units.getOrDefault(submission.unitCode(),
          UnitState.unregistered(submission.unitCode()));
      UnitState after;
      try {
        after = Lifecycle.apply(before, submission.step(), actor, submission.eventTime());
      } catch (DomainException e) {
        throw new AssertionError("docs/formats.md section 8, " + part.title()
            + ": the lifecycle refuses this step; update it in the document", e);
      }
      EventChain.Sealed sealed = EventChain.seal(submission, actor, before, after, logIndex,
          recorded, submission.digest());
      units.put(submission.unitCode(), sealed.unit());
      out.add(new Vector(part.title(), blocks, labelText, submission, before, sealed));
    }
    return out;
  }

  /** The organisations table of section 8: each site's actor with its organisation's roles. */
  private static Map<String, Actor> actors(FormatsDocument.Table table) {
    Map<String, Actor> actors = new HashMap<>();
    for (List<String> row : table.rows()) {
      String organization = FormatsDocument.code(row.get(table.column("organisation")));
      Set<OrganizationRole> roles = Arrays.stream(row.get(table.column("roles")).split(","))
          .map(r -> OrganizationRole.valueOf(r.trim().toUpperCase(Locale.ROOT).replace(' ', '_')))
          .collect(Collectors.toSet());
      for (String site : FormatsDocument.codes(row.get(table.column("sites")))) {
        assertEquals(organization, ResourceNames.organizationOfSite(site));
        actors.put(site, new Actor(organization, site, roles));
      }
    }
    return actors;
  }

  private static void assertRequestFieldExists(StepType type, String path) {
    Descriptor message = switch (type) {
      case REGISTRATION -> io.packtrail.v1.Registration.getDescriptor();
      default -> RecordEventRequest.getDescriptor().findFieldByName(type.key()).getMessageType();
    };
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      FieldDescriptor field = message.findFieldByName(parts[i]);
      assertNotNull(field, type.key() + "." + path + " is a request field");
      if (i < parts.length - 1) {
        message = field.getMessageType();
      }
    }
  }

  // ---- canonical bytes, as the document shows them ----

  /** Key/value pairs of canonical bytes, in their order (the document's own reading). */
  static Map<String, String> decode(byte[] canonical) {
    Map<String, String> fields = new LinkedHashMap<>();
    ByteBuffer in = ByteBuffer.wrap(canonical);
    while (in.hasRemaining()) {
      byte[] key = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(key);
      byte[] value = new byte[in.getInt()];
      in.get(value);
      fields.put(new String(key, StandardCharsets.US_ASCII),
          new String(value, StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** Each field as "key = value", then its bytes: u16 length, key, u32 length, value. */
  static List<String> renderFields(byte[] canonical) {
    List<String> lines = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    decode(canonical).forEach((key, value) -> {
      byte[] k = key.getBytes(StandardCharsets.US_ASCII);
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      String hex = HEX.formatHex(ByteBuffer.allocate(2).putShort((short) k.length).array())
          + " " + HEX.formatHex(k)
          + " " + HEX.formatHex(ByteBuffer.allocate(4).putInt(v.length).array())
          + " " + HEX.formatHex(v);
      lines.add(key + " = " + value);
      lines.add("  " + hex);
      all.append(hex.replace(" ", ""));
    });
    assertEquals(HEX.formatHex(canonical), all.toString(),
        "the hex lines concatenate to the bytes");
    return lines;
  }

  /** The bytes hashed into the request digest: the event's fields less the server's. */
  private static byte[] digestInput(Map<String, String> eventFields) {
    CanonicalFields fields = new CanonicalFields();
    eventFields.forEach((key, value) -> {
      if (!NOT_IN_DIGEST.contains(key)) {
        fields.put(key, value);
      }
    });
    return fields.encode();
  }

  // ---- comparing, or refreshing after a deliberate change ----

  static void check(FormatsDocument doc, String what, FormatsDocument.CodeBlock block,
      List<String> computed) {
    if (REWRITE) {
      doc.replace(block, computed);
    } else {
      assertEquals(String.join("\n", computed), block.text(),
          "docs/formats.md, " + what + " (line " + (block.firstLine() + 1) + "): the document says "
              + "otherwise than the server's code. If the format changed on purpose, rerun with "
              + "PACKTRAIL_REWRITE_VECTORS=1 and review the diff");
    }
  }

  static void finish(FormatsDocument doc) {
    if (REWRITE) {
      doc.save();
    }
  }

  private static String upperSnake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }
}
