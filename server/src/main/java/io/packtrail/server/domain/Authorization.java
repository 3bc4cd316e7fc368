package io.packtrail.server.domain;

import static io.packtrail.server.domain.Principal.Kind.AUDITOR;
import static io.packtrail.server.domain.Principal.Kind.DEVICE;
import static io.packtrail.server.domain.Principal.Kind.OPERATOR;
import static io.packtrail.server.domain.Principal.Kind.ORGANIZATION_SYSTEM;
import static io.packtrail.server.domain.Principal.Kind.REGULATOR;
import static io.packtrail.server.domain.Principal.Kind.WORKER;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what: the one authorization table. For every RPC of every packtrail.v1 service it
 * says which kinds of principal may call it and under which scope rules. An RPC missing from the
 * table is refused (default deny). The kind is checked by one interceptor before the handler
 * runs; each scope rule is checked at one place (named on the {@link Scope}), before anything is
 * looked up that would tell whether a resource exists: a denied caller gets the same
 * PERMISSION_DENIED whether or not it does.
 *
 * <p>The operator has every right (it runs the deployment's CA, so it could issue itself any
 * party's certificate; what it records names it as the submitter), and {@link
 * Principal.Kind#LOCAL} (plaintext development mode, loopback only) is treated as an operator:
 * both pass every kind check and every scope rule, so a developer's server and the in-process
 * tests need no certificates. Auditors and regulators read everything and write nothing but
 * acknowledgements of anomalies (a reviewer's note beside a finding, not part of any history).
 */
public final class Authorization {

  /** A scope rule, and where it is checked. */
  public enum Scope {
    /** The kind of principal is enough. */
    NONE("the kind of principal is enough"),
    /**
     * Steps (RecordEvent, RegisterUnit and their batches): the acting site is the caller's own
     * site (device, worker) or a site of its organisation (organisation system), and a
     * registration's maker is the caller's organisation (whose manufacturer code the unit code
     * must then carry). Checked by app/Recorder from the request alone.
     */
    ACTING_SITE("the acting site is the caller's own (a device or worker: its site; a system: "
        + "its organisation's sites), and a registration's maker is the caller's organisation"),
    /**
     * Steps: the units a step touches are the caller's to record on. A step the life-cycle table
     * reserves to the custodian (shipment, inspection, dismantling, recycling, ...) only on units
     * the caller's organisation holds; a receipt only of a unit shipped to the caller's
     * organisation; a correction only by a party of the unit ({@link #LEGITIMATE_INTEREST}).
     * Steps that take a unit over (sale, removal, collection, trade-in) need only the acting
     * site: recording them is how the network learns who has the unit. Checked by the sequencer
     * ({@link #checkUnit}) where it reads the units under the log head lock.
     */
    UNIT_CUSTODY("the step's units are held by the caller's organisation or shipped to it"),
    /**
     * The organisation, site or device the request names is the caller's: an organisation's
     * system, its organisation and everything under it; a worker, its site and that site's
     * devices; a device, itself and its site (never another device). Checked in the application
     * service of the RPC from the name alone ({@link #owns}).
     */
    OWN_RESOURCE("the organisation, site or device the request names is the caller's own"),
    /**
     * Labels: the unit's maker is the caller's organisation (a cascade-use firm is the maker of
     * what it assembled). Checked by label/LabelIssuer before the unit or label is looked up for
     * anything else; an unknown unit or label is denied alike.
     */
    UNIT_MAKER("the unit's maker is the caller's organisation"),
    /**
     * The EU access tiers: a unit's public part (identity, maker, chemistry, rated figures,
     * status) for any authenticated caller; its history, custody and state of health for the
     * parties of the unit (its maker, every organisation that recorded a step of it or held it,
     * the organisations it was shipped to) and authorities. A single read of the restricted
     * part is denied without that interest; listings and streams leave out what the caller may
     * not see, and answers that mix units show others' public part only. Checked by the app
     * services through the unit's parties (store: {@code unit_party}).
     */
    LEGITIMATE_INTEREST("the caller's organisation is a party of the unit (it made, held, "
        + "handled or was sent it) or the caller is an authority"),
    /**
     * AddCosignature: the cosignature is by a witness key the log is configured with (serve
     * --witness-key). The witness's signature is the proof, so any caller may hand it in.
     * Checked by log/AuditLog before the checkpoint is looked up.
     */
    WITNESS_KEY("the cosignature is by a witness key this log accepts"),
    /**
     * Anomalies: an organisation's system or worker reads and acknowledges only the anomalies
     * that involve its organisation (it recorded one of their events, held the unit or was the
     * shipment's destination); authorities all. Checked by app/Anomalies from the anomaly's
     * organisations alone, so an unknown anomaly is denied like another's.
     */
    INVOLVED("the anomaly involves the caller's organisation (it recorded one of its events, "
        + "held the unit or was sent it), or the caller is an authority");

    private final String description;

    Scope(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /** One row of the table: an RPC, who may call it, its scopes, and why, for people. */
  public record Rule(String method, Set<Principal.Kind> kinds, Set<Scope> scopes, String why) {
    public Rule {
      kinds = Collections.unmodifiableSet(kinds.isEmpty() ? EnumSet.noneOf(Principal.Kind.class)
          : EnumSet.copyOf(kinds));
      scopes = Collections.unmodifiableSet(scopes.isEmpty() ? EnumSet.noneOf(Scope.class)
          : EnumSet.copyOf(scopes));
    }

    /** Whether a principal of this kind may call the RPC (before scope rules). */
    public boolean admits(Principal.Kind kind) {
      return kind == Principal.Kind.LOCAL || kinds.contains(kind);
    }
  }

  /** A request refused by a scope rule; PERMISSION_DENIED, never remembered under an id. */
  public static final class Denied extends DomainException {
    private final Scope scope;

    public Denied(Scope scope, String reason) {
      super(reason);
      this.scope = scope;
    }

    public Scope scope() {
      return scope;
    }
  }

  static final Set<Principal.Kind> EVERYONE =
      EnumSet.of(ORGANIZATION_SYSTEM, DEVICE, WORKER, AUDITOR, REGULATOR, OPERATOR);
  /**
   * Who records steps: the parties, in their own name at their own sites, and the operator
   * (who runs the deployment's CA and could issue itself any party's certificate anyway; its
   * steps name it as their submitter).
   */
  static final Set<Principal.Kind> PARTIES =
      EnumSet.of(ORGANIZATION_SYSTEM, DEVICE, WORKER, OPERATOR);

  private static final Map<String, Rule> TABLE = new LinkedHashMap<>();

  private static void rule(String service, String method, Set<Principal.Kind> kinds,
      List<Scope> scopes, String why) {
    String name = "packtrail.v1." + service + "/" + method;
    if (TABLE.put(name, new Rule(name, kinds, EnumSet.copyOf(scopes), why)) != null) {
      throw new IllegalStateException("two rules for " + name);
    }
  }

  private static final List<Scope> NO_SCOPE = List.of(Scope.NONE);

  static {
    // registry: public directory; changes for operators only
    rule("RegistryService", "CreateOrganization", EnumSet.of(OPERATOR), NO_SCOPE,
        "registry changes (organisations and their roles) are for operators");
    rule("RegistryService", "GetOrganization", EVERYONE, NO_SCOPE,
        "the network's parties are public");
    rule("RegistryService", "ListOrganizations", EVERYONE, NO_SCOPE,
        "the network's parties are public");
    rule("RegistryService", "CreateSite", EnumSet.of(OPERATOR), NO_SCOPE,
        "registry changes (sites) are for operators");
    rule("RegistryService", "GetSite", EVERYONE, NO_SCOPE,
        "sites are public: steps and shipments name them");
    rule("RegistryService", "ListSites", EVERYONE, NO_SCOPE,
        "sites are public: steps and shipments name them");

    // label keys and labels
    rule("LabelService", "CreateLabelKey", EnumSet.of(ORGANIZATION_SYSTEM, OPERATOR),
        List.of(Scope.OWN_RESOURCE), "a maker creates label keys only for itself");
    rule("LabelService", "ListLabelKeys", EVERYONE, NO_SCOPE,
        "public keys, published in the trust list anyway");
    rule("LabelService", "RevokeLabelKey", EnumSet.of(ORGANIZATION_SYSTEM, OPERATOR),
        List.of(Scope.OWN_RESOURCE), "only the key's organisation or an operator revokes it");
    rule("LabelService", "IssueLabel", EnumSet.of(ORGANIZATION_SYSTEM, WORKER, OPERATOR),
        List.of(Scope.UNIT_MAKER), "a label is signed in the maker's name: its system or "
            + "its workers (or the operator)");
    rule("LabelService", "BatchIssueLabels", EnumSet.of(ORGANIZATION_SYSTEM, WORKER, OPERATOR),
        List.of(Scope.UNIT_MAKER), "as IssueLabel, per item");
    rule("LabelService", "ReissueLabel", EnumSet.of(ORGANIZATION_SYSTEM, WORKER, OPERATOR),
        List.of(Scope.UNIT_MAKER), "as IssueLabel");
    rule("LabelService", "RevokeLabel", EnumSet.of(ORGANIZATION_SYSTEM, OPERATOR),
        List.of(Scope.UNIT_MAKER), "the maker withdraws its label; an operator any label");
    rule("LabelService", "GetLabel", EVERYONE, NO_SCOPE, "a label is printed on its unit");
    rule("LabelService", "GetUnitLabel", EVERYONE, NO_SCOPE, "a label is printed on its unit");
    rule("LabelService", "GetTrustList", EVERYONE, NO_SCOPE,
        "scanners verify labels offline with it");

    // units
    rule("UnitService", "RegisterUnit", PARTIES, List.of(Scope.ACTING_SITE),
        "a maker registers units with its own manufacturer code, at its own sites");
    rule("UnitService", "BatchRegisterUnits", PARTIES, List.of(Scope.ACTING_SITE),
        "as RegisterUnit, per item");
    rule("UnitService", "GetUnit", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "the public part for everyone, custody and state of health for parties and "
            + "authorities");
    rule("UnitService", "ListUnits", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "a party lists the units it is a party of; authorities every unit");

    // events
    rule("EventService", "RecordEvent", PARTIES,
        List.of(Scope.ACTING_SITE, Scope.UNIT_CUSTODY),
        "a party records steps in its own name, at its own sites, on units it holds or "
            + "takes over");
    rule("EventService", "BatchRecordEvents", PARTIES,
        List.of(Scope.ACTING_SITE, Scope.UNIT_CUSTODY), "as RecordEvent, per item");
    rule("EventService", "ListEvents", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "a unit's history is for its parties and authorities");
    rule("EventService", "WatchEvents", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "a party follows the events of the units it is a party of; authorities all");

    // lineage
    rule("LineageService", "GetLineage", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "for the parties of the unit or lot asked about; other nodes show their public part");
    rule("LineageService", "GetMaterialLot", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "for the lot's maker and the parties of its inputs");
    rule("LineageService", "ListMaterialLots", EVERYONE,
        List.of(Scope.OWN_RESOURCE, Scope.LEGITIMATE_INTEREST),
        "a party lists the lots of its own plants or of units it is a party of");
    rule("LineageService", "ListTradeIns", EVERYONE, List.of(Scope.OWN_RESOURCE),
        "a site's trade-ins are its organisation's business");
    rule("LineageService", "GetPlantFigures", EVERYONE, List.of(Scope.OWN_RESOURCE),
        "a plant's figures are its organisation's business (and the regulator's)");

    // devices
    rule("DeviceService", "CreateEnrollmentCode", EnumSet.of(ORGANIZATION_SYSTEM, WORKER, OPERATOR),
        List.of(Scope.OWN_RESOURCE), "the site's organisation (or a worker of the site) lets "
            + "a scanner enroll there");
    rule("DeviceService", "EnrollDevice",
        EnumSet.of(ORGANIZATION_SYSTEM, DEVICE, WORKER, OPERATOR), List.of(Scope.OWN_RESOURCE),
        "the one-time code is the proof; a device enrolls only itself");
    rule("DeviceService", "GetDevice", EVERYONE, NO_SCOPE,
        "public keys that signed steps; their enrollments are log entries anyway");
    rule("DeviceService", "ListDevices", EVERYONE, NO_SCOPE,
        "public keys that signed steps; their enrollments are log entries anyway");
    rule("DeviceService", "RetireDevice", EnumSet.of(ORGANIZATION_SYSTEM, WORKER, OPERATOR),
        List.of(Scope.OWN_RESOURCE), "the site's organisation (or a worker of the site) "
            + "retires its scanners");

    // the verifiable log: hashes and proofs for everyone, entries by tier
    rule("AuditService", "GetCheckpoint", EVERYONE, NO_SCOPE, "signed roots are public");
    rule("AuditService", "CreateCheckpoint", EVERYONE, NO_SCOPE,
        "signs the tree that exists; records nothing in anyone's name");
    rule("AuditService", "GetInclusionProof", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "by log index for everyone (hashes only); by event name for the unit's parties");
    rule("AuditService", "GetConsistencyProof", EVERYONE, NO_SCOPE, "hashes only");
    rule("AuditService", "ListLogEntries", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "registry entries for everyone; an event entry's bytes for the unit's parties, "
            + "its leaf hash for everyone (enough to rebuild the tree)");
    rule("AuditService", "GetLogKey", EVERYONE, NO_SCOPE, "the log's public key");
    rule("AuditService", "AddCosignature", EVERYONE, List.of(Scope.WITNESS_KEY),
        "a witness's cosignature, proved by its key; records nothing of anyone");

    // reports and exports: built from the caller's own reads, so they show what it may see
    rule("ReportService", "GetUnitReport", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "a unit's report holds its history: for its parties and authorities");
    rule("ReportService", "ExportUnitHistory", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "an export holds the histories: for their parties and authorities");
    rule("ReportService", "ExportEvents", EVERYONE, List.of(Scope.LEGITIMATE_INTEREST),
        "the events of the units the caller's organisation is a party of (authorities: all); "
            + "others' are left out of the export, not refused");
    rule("ReportService", "GetRegionalOverview", EnumSet.of(AUDITOR, REGULATOR, OPERATOR),
        NO_SCOPE, "a region's figures across every organisation are the authorities' view");
    rule("ReportService", "GetRegionalOverviewPage", EnumSet.of(AUDITOR, REGULATOR, OPERATOR),
        NO_SCOPE, "as GetRegionalOverview");

    // reporting deadlines: the authorities' view of every party; a party's system its own
    rule("ComplianceService", "ListLateReports",
        EnumSet.of(ORGANIZATION_SYSTEM, AUDITOR, REGULATOR, OPERATOR), List.of(Scope.OWN_RESOURCE),
        "authorities list every organisation's late reports; an organisation's system its own");
    rule("ComplianceService", "ListOverdueReports",
        EnumSet.of(ORGANIZATION_SYSTEM, AUDITOR, REGULATOR, OPERATOR), List.of(Scope.OWN_RESOURCE),
        "as ListLateReports, for the steps the organisation is expected to report");
  }

  static {
    // anomalies: what the scan found and the flags raised at ingest
    rule("AnomalyService", "ListAnomalies",
        EnumSet.of(ORGANIZATION_SYSTEM, WORKER, AUDITOR, REGULATOR, OPERATOR),
        List.of(Scope.INVOLVED), "an organisation lists the anomalies involving it; "
            + "authorities all (scanner devices have no use for them)");
    rule("AnomalyService", "GetAnomaly",
        EnumSet.of(ORGANIZATION_SYSTEM, WORKER, AUDITOR, REGULATOR, OPERATOR),
        List.of(Scope.INVOLVED), "as ListAnomalies");
    rule("AnomalyService", "AcknowledgeAnomaly",
        EnumSet.of(ORGANIZATION_SYSTEM, WORKER, AUDITOR, REGULATOR, OPERATOR),
        List.of(Scope.INVOLVED), "an involved organisation explains its anomaly; auditors and "
            + "regulators record their review (a note beside the finding, never a step)");
  }

  private Authorization() {}

  /** The rule of an RPC by its full method name ({@code packtrail.v1.Service/Method}). */
  public static Optional<Rule> rule(String fullMethodName) {
    return Optional.ofNullable(TABLE.get(fullMethodName));
  }

  /** Every rule, in table order. */
  public static Collection<Rule> rules() {
    return Collections.unmodifiableCollection(TABLE.values());
  }

  /**
   * Whether the principal reads everything and is bound by no scope: the plaintext development
   * principal and the authorities (auditor, regulator, operator). The table keeps authorities
   * away from steps; where an operator may write, it may for any organisation.
   */
  public static boolean unscoped(Principal p) {
    return switch (p.kind()) {
      case LOCAL, AUDITOR, REGULATOR, OPERATOR -> true;
      case ORGANIZATION_SYSTEM, DEVICE, WORKER -> false;
    };
  }

  /**
   * {@link Scope#OWN_RESOURCE}: whether {@code name} (an organisation, a site, a device or
   * anything under them) is the principal's own: under its organisation (a system), under its
   * site (a worker), its own device name or its site (a device). Names are compared segment by
   * segment, so {@code organizations/abc} does not own {@code organizations/abcd}.
   */
  public static boolean owns(Principal p, String name) {
    if (unscoped(p)) {
      return true;
    }
    if (name == null) {
      return false;
    }
    String own = switch (p.kind()) {
      case ORGANIZATION_SYSTEM -> p.organization();
      case WORKER -> p.site();
      case DEVICE -> p.name();
      default -> null;
    };
    if (own == null) {
      return false;
    }
    if (p.kind() == DEVICE) {
      // itself, and its site for reading the site's figures; never another device
      return name.equals(own) || name.equals(p.site());
    }
    return name.equals(own) || name.startsWith(own + "/");
  }

  /** As {@link #owns}, or {@link Denied} saying what the caller may name instead. */
  public static void requireOwn(Principal p, String name, String what) {
    if (!owns(p, name)) {
      throw new Denied(Scope.OWN_RESOURCE, "the caller may name only its own " + what + " ("
          + ownDescription(p) + "), not " + ResourceNames.abbreviate(String.valueOf(name)));
    }
  }

  private static String ownDescription(Principal p) {
    return switch (p.kind()) {
      case ORGANIZATION_SYSTEM -> "under " + p.organization();
      case WORKER -> "under " + p.site();
      case DEVICE -> String.valueOf(p.name());
      default -> "none";
    };
  }

  /**
   * {@link Scope#ACTING_SITE}: the principal may record at {@code actorSite}; a registration
   * only as its own organisation's maker.
   */
  public static void checkActingSite(Principal p, String actorSite, Step step) {
    if (unscoped(p)) {
      return;
    }
    boolean atOwnSite = switch (p.kind()) {
      case ORGANIZATION_SYSTEM -> actorSite != null && p.organization() != null
          && actorSite.startsWith(p.organization() + "/sites/");
      case DEVICE, WORKER -> actorSite != null && actorSite.equals(p.site());
      default -> false;
    };
    if (!atOwnSite) {
      throw new Denied(Scope.ACTING_SITE, "the caller may record only at "
          + (p.kind() == ORGANIZATION_SYSTEM ? "the sites of " + p.organization()
              : String.valueOf(p.site())) + ", not at " + actorSite);
    }
    if (step instanceof Step.Registration r && !r.maker().equals(p.organization())) {
      throw new Denied(Scope.ACTING_SITE, "the caller registers units only as their maker "
          + p.organization() + ", not as " + r.maker());
    }
  }

  /**
   * {@link Scope#UNIT_CUSTODY} for one unit a step touches, as the sequencer read it ({@code
   * unit} null: not registered): the same denial whether the unit exists or not, naming no
   * other organisation. {@code custodianOnly} is the life-cycle table's rule for the unit's part
   * in the step; {@code parties} the unit's parties, read for corrections only.
   */
  public static void checkUnit(Principal p, StepType step, String code, UnitState unit,
      boolean custodianOnly, Set<String> parties) {
    if (unscoped(p)) {
      return;
    }
    String own = String.valueOf(p.organization()); // a certificate without one holds nothing
    String name = ResourceNames.unit(code);
    if (custodianOnly && (unit == null || unit.state() == null
        || !own.equals(unit.custodian()))) {
      throw new Denied(Scope.UNIT_CUSTODY, own + " does not hold " + name + "; "
          + step.key() + " is recorded by the unit's custodian");
    }
    if (step == StepType.RECEIPT && unit != null && unit.state() == LifecycleState.IN_TRANSIT
        && (unit.shipmentDestination() == null
            || !unit.shipmentDestination().startsWith(own + "/sites/"))) {
      throw new Denied(Scope.UNIT_CUSTODY, name + " is not shipped to " + own);
    }
    if (step == StepType.CORRECTION && (parties == null || !parties.contains(own))) {
      throw new Denied(Scope.UNIT_CUSTODY, own + " is not a party of " + name
          + "; a correction is recorded by a party of the unit");
    }
  }

  /** {@link Scope#LEGITIMATE_INTEREST}: whether the principal may see the restricted part. */
  public static boolean interested(Principal p, Set<String> parties) {
    return unscoped(p) || (p.organization() != null && parties.contains(p.organization()));
  }

  /** The denial of a restricted read of {@code name}, the same whether it exists or not. */
  public static Denied noInterest(Principal p, String name) {
    return new Denied(Scope.LEGITIMATE_INTEREST, "the history, custody and state of health of "
        + ResourceNames.abbreviate(name) + " are for its parties and authorities; "
        + p.organization() + " is not a party of it");
  }
}
