package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.packtrail.server.api.AuthorizationInterceptor;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.RawCalls;
import io.packtrail.server.testing.TestPrincipals;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

/**
 * The table covers the API: every RPC of every packtrail.v1 service has exactly one row (a
 * method added to a proto without a row fails here), and an RPC without a row is refused at run
 * time (default deny).
 */
class AuthorizationTableTest {
  /** The proto files of the packtrail.v1 services. */
  static final List<Descriptors.FileDescriptor> SERVICE_FILES = List.of(
      io.packtrail.v1.RegistryServiceProto.getDescriptor(),
      io.packtrail.v1.LabelServiceProto.getDescriptor(),
      io.packtrail.v1.UnitServiceProto.getDescriptor(),
      io.packtrail.v1.EventServiceProto.getDescriptor(),
      io.packtrail.v1.LineageServiceProto.getDescriptor(),
      io.packtrail.v1.DeviceServiceProto.getDescriptor(),
      io.packtrail.v1.AuditServiceProto.getDescriptor(),
      io.packtrail.v1.ReportServiceProto.getDescriptor(),
      io.packtrail.v1.AnomalyServiceProto.getDescriptor(),
      io.packtrail.v1.ComplianceServiceProto.getDescriptor());

  @Test
  void everyRpcOfEveryServiceHasExactlyOneRow() {
    Set<String> rpcs = new TreeSet<>();
    for (Descriptors.FileDescriptor file : SERVICE_FILES) {
      for (Descriptors.ServiceDescriptor service : file.getServices()) {
        service.getMethods().forEach(m -> rpcs.add(service.getFullName() + "/" + m.getName()));
      }
    }
    Set<String> rows = new TreeSet<>();
    Authorization.rules().forEach(r -> rows.add(r.method()));
    Set<String> missing = new TreeSet<>(rpcs);
    missing.removeAll(rows);
    assertTrue(missing.isEmpty(), "RPCs without a row (refused by default): " + missing);
    Set<String> stale = new TreeSet<>(rows);
    stale.removeAll(rpcs);
    assertTrue(stale.isEmpty(), "rows of RPCs that do not exist: " + stale);
    assertEquals(51, rows.size(), "the API's RPCs");
  }

  @Test
  void theProtoFilesAreEveryServiceOfThePackage() {
    // a new service file must join SERVICE_FILES (and the table): the descriptors of the
    // generated stubs of the package, which the server binds, name the same services
    Set<String> listed = new TreeSet<>();
    SERVICE_FILES.forEach(f -> f.getServices().forEach(s -> listed.add(s.getFullName())));
    Set<String> bound = new TreeSet<>();
    for (Authorization.Rule r : Authorization.rules()) {
      bound.add(r.method().substring(0, r.method().indexOf('/')));
    }
    assertEquals(listed, bound);
  }

  @Test
  void everyRowNamesItsKindsItsScopesAndWhy() {
    for (Authorization.Rule r : Authorization.rules()) {
      assertFalse(r.kinds().isEmpty(), r.method());
      assertFalse(r.kinds().contains(Principal.Kind.LOCAL), r.method() + ": LOCAL is implicit");
      assertTrue(r.kinds().contains(Principal.Kind.OPERATOR), r.method()
          + ": the operator has every right");
      assertFalse(r.scopes().isEmpty(), r.method());
      assertFalse(r.why().isBlank(), r.method());
      if (r.kinds().contains(Principal.Kind.AUDITOR) != r.kinds().contains(
          Principal.Kind.REGULATOR)) {
        Assertions.fail(r.method() + ": auditors and regulators have the same rights");
      }
    }
  }

  @Test
  void auditorsAndRegulatorsReadEverythingAndWriteNothing() {
    for (Authorization.Rule r : Authorization.rules()) {
      // CreateCheckpoint signs the tree that exists (an auditor's bundle asks for it) and
      // AddCosignature hands in a witness's signature of it: they record nothing of anyone;
      // AcknowledgeAnomaly is a reviewer's note beside a finding, in no history and not in the
      // log (docs/decisions.md, anomalies)
      boolean read = READS.contains(r.method().substring(r.method().indexOf('/') + 1)
          .replaceAll("^(Get|List|Watch|Export).*", "$1"))
          || r.method().equals("packtrail.v1.AuditService/CreateCheckpoint")
          || r.method().equals("packtrail.v1.AuditService/AddCosignature")
          || r.method().equals("packtrail.v1.AnomalyService/AcknowledgeAnomaly");
      assertEquals(read, r.admits(Principal.Kind.AUDITOR), r.method());
      assertEquals(read, r.admits(Principal.Kind.REGULATOR), r.method());
    }
  }

  private static final Set<String> READS = Set.of("Get", "List", "Watch", "Export");

  @Test
  void registryChangesAreForOperatorsOnly() {
    for (String m : List.of("CreateOrganization", "CreateSite")) {
      Authorization.Rule r = Authorization.rule("packtrail.v1.RegistryService/" + m)
          .orElseThrow();
      assertEquals(Set.of(Principal.Kind.OPERATOR), r.kinds(), m);
    }
  }

  @Test
  void anRpcWithoutARowIsRefusedBeforeItsHandlerRuns() throws Exception {
    MethodDescriptor<byte[], byte[]> method = RawCalls.method("packtrail.v1.Unlisted/Anything",
        MethodDescriptor.MethodType.UNARY);
    AtomicBoolean ran = new AtomicBoolean();
    ServerServiceDefinition service = ServerServiceDefinition.builder(
            ServiceDescriptor.newBuilder("packtrail.v1.Unlisted").addMethod(method).build())
        .addMethod(method, ServerCalls.asyncUnaryCall((request, response) -> {
          ran.set(true);
          response.onNext(request);
          response.onCompleted();
        }))
        .build();
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(
        service, new AuthorizationInterceptor(), new CallerInterceptor(TestPrincipals.RESOLVER,
            io.packtrail.server.api.ErrorMapper::toStatusException)))
        .build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      for (Principal p : List.of(Principal.LOCAL, TestPrincipals.operator())) {
        StatusRuntimeException e = Assertions.assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(TestPrincipals.as(channel, p), method,
                CallOptions.DEFAULT, new byte[0]));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("not in the authorization table"));
      }
      assertFalse(ran.get(), "the handler never ran");
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  /**
   * README's table of who may do what is this table, rendered (PACKTRAIL_REWRITE_VECTORS=1
   * writes it).
   */
  @Test
  void theReadmeShowsThisTable() throws Exception {
    java.nio.file.Path readme = java.nio.file.Path.of("../README.md");
    String text = java.nio.file.Files.readString(readme);
    String begin = "<!-- authorization table: generated from domain/Authorization.java, checked by "
        + "AuthorizationTableTest -->\n";
    String end = "<!-- end of authorization table -->";
    int from = text.indexOf(begin) + begin.length();
    int to = text.indexOf(end);
    assertTrue(from > begin.length() && to >= from, "README has the table's markers");
    StringBuilder table = new StringBuilder("| RPC | who may call it | scope |\n|---|---|---|\n");
    for (Authorization.Rule r : Authorization.rules()) {
      table.append("| `").append(r.method().substring("packtrail.v1.".length())).append("` | ")
          .append(who(r.kinds())).append(" | ")
          .append(r.scopes().stream().map(s -> s == Authorization.Scope.NONE ? "-"
              : "`" + s.name() + "`").collect(java.util.stream.Collectors.joining(", ")))
          .append(" |\n");
    }
    if (System.getenv("PACKTRAIL_REWRITE_VECTORS") != null) {
      java.nio.file.Files.writeString(readme, text.substring(0, from) + table
          + text.substring(to));
    } else {
      assertEquals(table.toString(), text.substring(from, to), "README.md, Who may do what");
    }
  }

  private static String who(Set<Principal.Kind> kinds) {
    if (kinds.size() == 6) {
      return "everyone";
    }
    return kinds.stream().map(k -> switch (k) {
      case ORGANIZATION_SYSTEM -> "system";
      default -> k.name().toLowerCase(java.util.Locale.ROOT);
    }).collect(java.util.stream.Collectors.joining(", "));
  }
}
