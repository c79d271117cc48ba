package io.cxexporter.config;

import java.nio.file.Path;

/**
 * The HTTP server of the config file's {@code server:} section: where it listens and how it is
 * protected. The exporter-toolkit web config of {@code --web.config.file} ({@code
 * io.cxexporter.web.WebConfig}) is the recommended way to set TLS and basic auth (bcrypt hashes,
 * client certificates, re-read without a restart); these keys keep working, and the two cannot both
 * set TLS.
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
