package io.packtrail.server.security;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * The server side of mutual TLS: this server's certificate and key, client certificates
 * required, and the deployment CA as the only trust anchor. The handshake refuses a client
 * without a certificate, with one another CA issued, or outside its validity period; the
 * certificate's principal and revocation are the {@link CertificateCallerResolver}'s.
 */
public final class ServerTls {
  private ServerTls() {}

  public static SslContext context(X509Certificate ca, X509Certificate certificate,
      PrivateKey key) throws SSLException {
    return GrpcSslContexts.configure(SslContextBuilder.forServer(key, certificate))
        .trustManager(ca)
        .clientAuth(ClientAuth.REQUIRE)
        .build();
  }
}
