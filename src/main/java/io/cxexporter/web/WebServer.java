package io.cxexporter.web;

import io.cxexporter.config.ServerConfig;
import io.cxexporter.metrics.ScrapeHandler;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints: {@code /metrics}, {@code /-/healthy}, {@code /-/ready}, {@code /-/reload} and
 * the status page {@code /}. Optional basic auth or bearer token protects all but {@code
 * /-/healthy}.
 *
 * <pre>{@code
 * WebServer web = WebServer.start(config.server(), registry, statusSource, Clock.systemUTC());
 * int port = web.port();
 * }</pre>
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  private final Javalin app;

  private WebServer(Javalin app) {
    this.app = app;
  }

  /**
   * Starts listening.
   *
   * @throws RuntimeException when the address cannot be bound
   */
  public static WebServer start(
      ServerConfig server, PrometheusRegistry registry, StatusSource status, Clock clock) {
    ScrapeHandler scrape = new ScrapeHandler(registry);
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.http.compressionStrategy = CompressionStrategy.NONE; // /metrics gzips itself
              cfg.jetty.host = server.host().isEmpty() ? null : server.host();
              cfg.jetty.port = server.port();
              if (server.tls() != null) {
                Tls.configure(cfg, server);
              }
              cfg.routes.before(ctx -> authorize(ctx, server));
              cfg.routes.get(
                  "/metrics",
                  ctx -> {
                    try (MetricsExchange ex = new MetricsExchange(ctx)) {
                      scrape.handleRequest(ex);
                    }
                  });
              cfg.routes.get("/-/healthy", ctx -> ctx.result("Healthy.\n"));
              cfg.routes.get(
                  "/-/ready",
                  ctx -> {
                    if (status.ready()) {
                      ctx.result("Ready.\n");
                    } else {
                      ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                          .result("Not ready: backfill has no data yet.\n");
                    }
                  });
              cfg.routes.post(
                  "/-/reload",
                  ctx -> {
                    List<String> problems = status.reload();
                    if (problems == null) {
                      ctx.result("Reloaded.\n");
                    } else {
                      ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                          .result(
                              "Reload failed, previous config still running:\n  "
                                  + String.join("\n  ", problems)
                                  + "\n");
                    }
                  });
              cfg.routes.get(
                  "/",
                  ctx -> {
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.header(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
                    ctx.html(StatusPage.render(status, clock.instant()));
                  });
            });
    app.start();
    LOG.info("listening on {}:{}", server.host().isEmpty() ? "*" : server.host(), app.port());
    return new WebServer(app);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return app.port();
  }

  private static void authorize(Context ctx, ServerConfig server) {
    if ((server.basicAuth() == null && server.bearerToken() == null)
        || ctx.path().equals("/-/healthy")) {
      return;
    }
    String h = ctx.header("Authorization");
    if (h != null) {
      if (server.bearerToken() != null && h.startsWith("Bearer ")) {
        if (equal(h.substring(7).trim(), server.bearerToken().reveal())) {
          return;
        }
      } else if (server.basicAuth() != null && h.startsWith("Basic ")) {
        try {
          String up =
              new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
          String expected =
              server.basicAuth().username() + ":" + server.basicAuth().password().reveal();
          if (equal(up, expected)) {
            return;
          }
        } catch (IllegalArgumentException e) {
          // malformed header: unauthorized below
        }
      }
    }
    if (server.basicAuth() != null) {
      ctx.header("WWW-Authenticate", "Basic realm=\"cx-exporter\"");
    }
    ctx.status(HttpStatus.UNAUTHORIZED).result("Unauthorized.\n");
    ctx.skipRemainingHandlers();
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    app.stop();
  }
}
