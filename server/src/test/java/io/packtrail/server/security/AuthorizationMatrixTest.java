package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.RawCalls;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.ListMaterialLotsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The authorization matrix, generated from the table: every RPC the server answers, called by
 * one principal of every kind (and the plaintext development principal), is refused with
 * PERMISSION_DENIED (rule KIND) exactly when the table does not name the kind, and otherwise
 * goes on to the handler (which may refuse the empty request as bad input, but never as not
 * permitted). In process, with a resolver that trusts test headers; {@link ScopeRulesTest} has
 * the scope rules.
 */
public class AuthorizationMatrixTest {
  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withCallerResolver(TestPrincipals.RESOLVER));

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @TestFactory
  Stream<DynamicTest> everyRpcForEveryKindOfPrincipal() {
    Map<Principal.Kind, Principal> principals = new java.util.EnumMap<>(
        TestPrincipals.oneOfEachKind());
    principals.put(Principal.Kind.LOCAL, Principal.LOCAL); // plaintext development mode
    return cases(harness.services(), p -> TestPrincipals.as(harness.channel(), p), principals);
  }

  /**
   * The matrix over {@code services}, each principal calling through {@code as(principal)};
   * shared with the run over mutual TLS.
   */
  public static Stream<DynamicTest> cases(List<ServerServiceDefinition> services,
      Function<Principal, Channel> as, Map<Principal.Kind, Principal> principals) {
    List<DynamicTest> tests = new ArrayList<>();
    int methods = 0;
    for (ServerServiceDefinition service : services) {
      if (!service.getServiceDescriptor().getName().startsWith("packtrail.v1.")) {
        continue;
      }
      for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
        methods++;
        MethodDescriptor<?, ?> method = m.getMethodDescriptor();
        Authorization.Rule rule = Authorization.rule(method.getFullMethodName()).orElseThrow(
            () -> new AssertionError(method.getFullMethodName() + " is not in the table"));
        for (Principal p : principals.values()) {
          boolean allowed = rule.admits(p.kind());
          tests.add(DynamicTest.dynamicTest(method.getFullMethodName() + " as " + p.kind()
              + (allowed ? ": allowed" : ": PERMISSION_DENIED"),
              () -> check(as.apply(p), method, p, allowed)));
        }
      }
    }
    assertEquals(Authorization.rules().size(), methods,
        "the server answers exactly the RPCs of the table");
    assertTrue(tests.size() >= 40 * 6, "every RPC x every kind: " + tests.size());
    return tests.stream();
  }

  private static void check(Channel channel, MethodDescriptor<?, ?> method, Principal p,
      boolean allowed) {
    Status.Code code = call(channel, method, request(method, p));
    if (allowed) {
      assertNotEquals(Status.Code.PERMISSION_DENIED, code, "the table admits " + p.kind());
      assertNotEquals(Status.Code.UNAUTHENTICATED, code);
      assertFalse(code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN, code.toString());
    } else {
      assertEquals(Status.Code.PERMISSION_DENIED, code, "the table does not admit " + p.kind());
    }
  }

  /** The status a call ends with; a stream still open after a moment went past the check. */
  static Status.Code call(Channel channel, MethodDescriptor<?, ?> method, byte[] request) {
    return call(channel, method, request, 300);
  }

  /** As above, waiting up to {@code streamMillis} for a stream's first answer or end. */
  static Status.Code call(Channel channel, MethodDescriptor<?, ?> method, byte[] request,
      long streamMillis) {
    try {
      if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
        RawCalls.firstOfStream(channel, method.getFullMethodName(), request, streamMillis);
      } else {
        RawCalls.unary(channel, method.getFullMethodName(), request);
      }
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
        assertKindRefusal(e);
      }
      return e.getStatus().getCode();
    }
  }

  /** A refusal by kind names the rule (ErrorInfo reason KIND) and nothing else. */
  private static void assertKindRefusal(StatusRuntimeException e) {
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    ErrorInfo info = s.getDetailsList().stream().filter(d -> d.is(ErrorInfo.class)).map(d -> {
      try {
        return d.unpack(ErrorInfo.class);
      } catch (InvalidProtocolBufferException x) {
        throw new AssertionError(x);
      }
    }).findFirst().orElseThrow(() -> new AssertionError("no ErrorInfo: " + s));
    assertEquals("KIND", info.getReason(), s.getMessage());
    assertTrue(s.getMessage().contains("may not call"), s.getMessage());
  }

  /**
   * An empty request, which the handler refuses as bad input or answers; a listing whose empty
   * request would itself be out of scope names the caller's own site.
   */
  private static byte[] request(MethodDescriptor<?, ?> method, Principal p) {
    if (method.getFullMethodName().endsWith("/ListMaterialLots")
        && !Authorization.unscoped(p)) {
      return ListMaterialLotsRequest.newBuilder().setPlantSite(p.site() != null ? p.site()
          : p.organization() + "/sites/station").build().toByteArray();
    }
    return new byte[0];
  }
}
