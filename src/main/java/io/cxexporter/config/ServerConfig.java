package io.cxexporter.config;

import java.nio.file.Path;

/**
 * The HTTP server: where it listens and how it is protected.
 *
 * @param host the host to bind, or empty for every interface
 * @param port the port (0 picks a free one)
 * @param basicAuth optional basic auth for every endpoint but {@code /-/healthy}
 * @param bearerToken optional bearer token accepted instead of basic auth
 * @param tls optional TLS with PEM files
 */
public record ServerConfig(
    String host, int port, BasicAuth basicAuth, Secret bearerToken, Tls tls) {

  /** Basic auth credentials. */
  public record BasicAuth(String username, Secret password) {}

  /** PEM certificate chain and PKCS#8 private key files. */
  public record Tls(Path certFile, Path keyFile) {}
}
