package io.cxexporter.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cxexporter.config.ConfigException;
import io.cxexporter.config.ServerConfig;
import io.cxexporter.metrics.MetricNames;
import io.cxexporter.metrics.ScrapeHandler;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The HTTP endpoints: the telemetry path ({@code /metrics}), {@code /-/healthy}, {@code /-/ready},
 * {@code /-/reload} (with {@code --web.enable-lifecycle}) and the status page {@code /}. Basic auth
 * (bcrypt users from {@code --web.config.file}, or {@code server.basic_auth}) or a bearer token
 * protects all but {@code /-/healthy}. TLS comes from the web config (re-read when it changes) or
 * from {@code server.tls}.
 *
 * <pre>{@code
 * WebServer web = WebServer.start(config.server(), WebServer.Options.DEFAULTS, registry,
 *     statusSource, Clock.systemUTC());
 * int port = web.port();
 * }</pre>
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  /** Idle timeout of a connection: a half-open or silent connection is closed after this. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** Largest request line plus headers: more gets 431. */
  static final int MAX_HEADER_BYTES = 8 * 1024;

  /** Largest request body: no endpoint takes one, so more gets 413. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  private static final String DUMMY_HASH =
      "$2a$10$AJxbOrfUdcJZ0b7Ce5SDUe3GYFHRA3tq6bz1b7ONg6wMvlNSgoSQq";

  /**
   * The {@code --web.*} flags.
   *
   * @param telemetryPath where metrics are served, {@code /metrics} by default
   * @param maxRequests concurrent scrapes of the telemetry path before 503; 0 for no limit
   * @param enableLifecycle whether {@code POST /-/reload} reloads (SIGHUP always does)
   * @param webConfigFile the exporter-toolkit web config, or null
   * @param webConfigPoll how often the web config and its files are checked for changes
   */
  public record Options(
      String telemetryPath,
      int maxRequests,
      boolean enableLifecycle,
      Path webConfigFile,
      Duration webConfigPoll) {

    /** What runs without flags. */
    public static final Options DEFAULTS =
        new Options("/metrics", 40, false, null, Duration.ofSeconds(5));

    /**
     * Checks the flags.
     *
     * @throws IllegalArgumentException naming the flag
     */
    public Options {
      if (telemetryPath == null
          || !telemetryPath.startsWith("/")
          || telemetryPath.equals("/")
          || telemetryPath.startsWith("/-/")
          || telemetryPath.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
        throw new IllegalArgumentException(
            "--web.telemetry-path: expected a path such as /metrics (not / or /-/...), got \""
                + telemetryPath
                + "\"");
      }
      if (maxRequests < 0) {
        throw new IllegalArgumentException(
            "--web.max-requests: expected 0 (no limit) or more, got " + maxRequests);
      }
      if (webConfigPoll == null || webConfigPoll.isNegative() || webConfigPoll.isZero()) {
        throw new IllegalArgumentException("web config poll interval must be positive");
      }
    }

    /** These options with the lifecycle endpoint on or off. */
    public Options withLifecycle(boolean on) {
      return new Options(telemetryPath, maxRequests, on, webConfigFile, webConfigPoll);
    }
  }

  private final ServerConfig server;
  private final Options options;
  private final Semaphore scrapes;
  private final Counter rejected;
  private final Gauge webConfigOk;
  private final Cache<String, Boolean> goodLogins =
      Caffeine.newBuilder().maximumSize(256).expireAfterWrite(Duration.ofMinutes(10)).build();
  private volatile WebConfig web;
  private volatile String webFingerprint;
  private String lastProblem;
  private SslContextFactory.Server ssl;
  private ScheduledExecutorService watcher;
  private Javalin app;

  private WebServer(
      ServerConfig server, Options options, WebConfig web, PrometheusRegistry registry) {
    this.server = server;
    this.options = options;
    this.web = web;
    this.scrapes = options.maxRequests() == 0 ? null : new Semaphore(options.maxRequests());
    this.rejected =
        Counter.builder()
            .name(MetricNames.HTTP_REQUESTS_REJECTED)
            .help(
                "Scrapes of the telemetry path answered 503 because --web.max-requests were"
                    + " already in flight.")
            .register(registry);
    this.webConfigOk =
        Gauge.builder()
            .name(MetricNames.WEB_CONFIG_RELOAD_OK)
            .help(
                "1 when the last read of --web.config.file succeeded (or none is set), 0 when it"
                    + " failed and the previous web config keeps serving.")
            .register(registry);
    webConfigOk.set(1);
  }

  /** Starts listening with the default {@link Options}. */
  public static WebServer start(
      ServerConfig server, PrometheusRegistry registry, StatusSource status, Clock clock) {
    return start(server, Options.DEFAULTS, registry, status, clock);
  }

  /**
   * Starts listening.
   *
   * @throws IllegalArgumentException one line, when the web config or a TLS file is unusable (a key
   *     that does not match its certificate, an unreadable file)
   * @throws RuntimeException when the address cannot be bound
   */
  public static WebServer start(
      ServerConfig server,
      Options options,
      PrometheusRegistry registry,
      StatusSource status,
      Clock clock) {
    WebConfig web = loadChecked(server, options.webConfigFile());
    WebServer ws = new WebServer(server, options, web, registry);
    ws.webFingerprint = fingerprint(web.files());
    Tls.Material tls =
        web.tls() != null
            ? web.tls()
            : server.tls() == null
                ? null
                : Tls.legacy(server.tls().certFile(), server.tls().keyFile());
    ws.ssl = tls == null ? null : Tls.factory(tls);
    ws.app = ws.javalin(registry, status, clock);
    ws.app.start();
    LOG.info(
        "listening on {}://{}:{}{}",
        ws.ssl == null ? "http" : "https",
        server.host().isEmpty() ? "*" : server.host(),
        ws.app.port(),
        options.webConfigFile() == null ? "" : " (web config " + options.webConfigFile() + ")");
    if (options.webConfigFile() != null) {
      ws.watcher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "cx-web-config");
                t.setDaemon(true);
                return t;
              });
      long ms = options.webConfigPoll().toMillis();
      ws.watcher.scheduleWithFixedDelay(
          ws::reloadWebConfigIfChanged, ms, ms, TimeUnit.MILLISECONDS);
    }
    return ws;
  }

  /**
   * The problems {@code --config.check} reports for the HTTP side: the web config and the TLS files
   * of either source, each on one line. Empty when they are usable.
   */
  public static List<String> check(ServerConfig server, Path webConfigFile) {
    try {
      loadChecked(server, webConfigFile);
      if (server.tls() != null) {
        Tls.legacy(server.tls().certFile(), server.tls().keyFile());
      }
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }

  private static WebConfig loadChecked(ServerConfig server, Path file) {
    if (file == null) {
      return WebConfig.NONE;
    }
    WebConfig w;
    try {
      w = WebConfig.load(file);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(oneLine(file, e));
    }
    if (w.tls() != null && server.tls() != null) {
      throw new IllegalArgumentException(
          file
              + ": tls_server_config and server.tls of the config file are both set; keep one"
              + " (the web config is recommended)");
    }
    return w;
  }

  private static String oneLine(Path file, ConfigException e) {
    return "--web.config.file " + file + ": " + String.join("; ", e.problems());
  }

  /**
   * {@code https} when the listener has TLS (web config or {@code server.tls}), else {@code http}.
   */
  public String scheme() {
    return ssl == null ? "http" : "https";
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return app.port();
  }

  /**
   * Reads the web config again if it or a file it names changed. On a problem the running setup
   * keeps serving and the problem is logged. Called by the watcher every few seconds.
   *
   * @return null when nothing changed or the new config is in force, else the problem
   */
  public synchronized String reloadWebConfigIfChanged() {
    Path file = options.webConfigFile();
    if (file == null || fingerprint(web.files()).equals(webFingerprint)) {
      return null;
    }
    String problem;
    WebConfig next = null;
    try {
      next = WebConfig.load(file);
      problem = null;
    } catch (ConfigException e) {
      problem = oneLine(file, e);
    }
    if (next != null && next.tls() != null && server.tls() != null) {
      problem = file + ": tls_server_config and server.tls are both set; keep one";
    } else if (next != null && (next.tls() != null || server.tls() != null) != (ssl != null)) {
      problem = file + ": turning TLS on or off needs a restart";
    }
    if (problem == null && next.tls() != null) {
      Tls.Material m = next.tls();
      try {
        ssl.reload(f -> Tls.apply((SslContextFactory.Server) f, m));
      } catch (Exception e) {
        problem = file + ": TLS setup rejected (" + e + ")";
      }
    }
    if (problem != null) {
      webFingerprint = null; // try again at the next poll, but log each problem once
      webConfigOk.set(0);
      if (!problem.equals(lastProblem)) {
        LOG.error("web config not reloaded, the previous one keeps serving: {}", problem);
      }
      lastProblem = problem;
      return problem;
    }
    web = next;
    goodLogins.invalidateAll();
    webFingerprint = fingerprint(next.files());
    webConfigOk.set(1);
    lastProblem = null;
    LOG.info("web config reloaded from {}", file);
    return null;
  }

  private Javalin javalin(PrometheusRegistry registry, StatusSource status, Clock clock) {
    ScrapeHandler scrape = new ScrapeHandler(registry);
    return Javalin.create(
        cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.startup.showOldJavalinVersionWarning = false;
          cfg.http.compressionStrategy = CompressionStrategy.NONE; // /metrics gzips itself
          cfg.http.maxRequestSize = MAX_BODY_BYTES;
          cfg.jetty.host = server.host().isEmpty() ? null : server.host();
          cfg.jetty.port = server.port();
          cfg.jetty.modifyHttpConfiguration(
              h -> {
                h.setSendServerVersion(false);
                h.setSendXPoweredBy(false);
                h.setRequestHeaderSize(MAX_HEADER_BYTES);
                h.setIdleTimeout(IDLE_TIMEOUT.toMillis());
              });
          cfg.jetty.modifyServer(s -> s.setErrorHandler(new PlainErrors()));
          cfg.jetty.addConnector(this::connector);
          cfg.routes.before(this::before);
          cfg.routes.get(options.telemetryPath(), ctx -> metrics(ctx, scrape));
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
          cfg.routes.post("/-/reload", ctx -> reload(ctx, status));
          cfg.routes.get(
              "/",
              ctx -> {
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header(
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
                ctx.html(StatusPage.render(status, clock.instant(), options.telemetryPath()));
              });
        });
  }

  private ServerConnector connector(
      org.eclipse.jetty.server.Server jetty, HttpConfiguration httpConfig) {
    ServerConnector c;
    if (ssl == null) {
      c = new ServerConnector(jetty, new HttpConnectionFactory(httpConfig));
    } else {
      HttpConfiguration https = new HttpConfiguration(httpConfig);
      SecureRequestCustomizer src = new SecureRequestCustomizer();
      src.setSniHostCheck(false);
      https.addCustomizer(src);
      c =
          new ServerConnector(
              jetty, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    }
    c.setHost(server.host().isEmpty() ? null : server.host());
    c.setPort(server.port());
    c.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    return c;
  }

  private void before(Context ctx) {
    WebConfig w = web;
    for (Map.Entry<String, String> h : w.headers().entrySet()) {
      ctx.header(h.getKey(), h.getValue());
    }
    if (!authorized(ctx, w)) {
      if (server.basicAuth() != null || !w.basicAuthUsers().isEmpty()) {
        ctx.header("WWW-Authenticate", "Basic realm=\"cx-exporter\"");
      }
      ctx.status(HttpStatus.UNAUTHORIZED).result("Unauthorized.\n");
      ctx.skipRemainingHandlers();
      return;
    }
    if (ctx.path().equals("/-/reload") && !ctx.method().name().equals("POST")) {
      ctx.header("Allow", "POST");
      ctx.status(HttpStatus.METHOD_NOT_ALLOWED).result("Only POST reloads.\n");
      ctx.skipRemainingHandlers();
      return;
    }
    long length = ctx.req().getContentLengthLong();
    if (length > MAX_BODY_BYTES) {
      ctx.status(HttpStatus.CONTENT_TOO_LARGE)
          .result("Request body too large: no endpoint takes more than 64 KiB.\n");
      ctx.skipRemainingHandlers();
    }
  }

  private void metrics(Context ctx, ScrapeHandler scrape) throws IOException {
    if (scrapes != null && !scrapes.tryAcquire()) {
      rejected.inc();
      ctx.header("Retry-After", "1");
      ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
          .result(
              "Too many concurrent scrapes: "
                  + options.maxRequests()
                  + " in flight (--web.max-requests).\n");
      return;
    }
    try (MetricsExchange ex = new MetricsExchange(ctx)) {
      scrape.handleRequest(ex);
    } finally {
      if (scrapes != null) {
        scrapes.release();
      }
    }
  }

  private void reload(Context ctx, StatusSource status) {
    if (!options.enableLifecycle()) {
      ctx.status(HttpStatus.FORBIDDEN)
          .result(
              "Lifecycle API is not enabled: start cx-exporter with --web.enable-lifecycle, or"
                  + " send SIGHUP.\n");
      return;
    }
    if (crossSite(ctx)) {
      ctx.status(HttpStatus.FORBIDDEN).result("Cross-site reload refused.\n");
      return;
    }
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
  }

  /**
   * True for a browser's cross-site request (a form on another site posting to a local exporter):
   * {@code Sec-Fetch-Site: cross-site}, or an {@code Origin} whose host and port differ from the
   * {@code Host} asked for. Prometheus, curl and config reloaders send neither.
   */
  static boolean crossSite(Context ctx) {
    if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
      return true;
    }
    String origin = ctx.header("Origin");
    if (origin == null) {
      return false;
    }
    try {
      String authority = java.net.URI.create(origin).getAuthority();
      return authority == null || !authority.equalsIgnoreCase(ctx.header("Host"));
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  private boolean authorized(Context ctx, WebConfig w) {
    boolean any =
        server.basicAuth() != null || server.bearerToken() != null || !w.basicAuthUsers().isEmpty();
    if (!any || ctx.path().equals("/-/healthy")) {
      return true;
    }
    String h = ctx.header("Authorization");
    if (h == null) {
      return false;
    }
    if (server.bearerToken() != null && h.startsWith("Bearer ")) {
      return equal(h.substring(7).trim(), server.bearerToken().reveal());
    }
    if (!h.startsWith("Basic ")) {
      return false;
    }
    String up;
    try {
      up = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false; // malformed header
    }
    int colon = up.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String user = up.substring(0, colon);
    String password = up.substring(colon + 1);
    if (server.basicAuth() != null
        && equal(
            up, server.basicAuth().username() + ":" + server.basicAuth().password().reveal())) {
      return true;
    }
    return !w.basicAuthUsers().isEmpty() && bcryptUser(w.basicAuthUsers(), user, password);
  }

  /**
   * Checks {@code user} against every configured name in constant time and the password with bcrypt
   * (a dummy hash when the user is unknown, so both cost the same). Good logins are cached by a
   * digest of user, password and hash, so a scrape every 15 s does not pay bcrypt each time.
   */
  private boolean bcryptUser(Map<String, String> users, String user, String password) {
    String hash = null;
    byte[] given = user.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, String> e : users.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        hash = e.getValue();
      }
    }
    String key = hash == null ? null : digest(user + '\0' + password + '\0' + hash);
    if (key != null && goodLogins.getIfPresent(key) != null) {
      return true;
    }
    boolean ok;
    try {
      ok = BCrypt.checkpw(password, hash == null ? DUMMY_HASH : hash) && hash != null;
    } catch (IllegalArgumentException e) {
      ok = false;
    }
    if (ok) {
      goodLogins.put(key, Boolean.TRUE);
    }
    return ok;
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String digest(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 over the contents of {@code files}; a missing file counts as its own state. */
  static String fingerprint(List<Path> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path f : files) {
        md.update(f.toString().getBytes(StandardCharsets.UTF_8));
        try {
          md.update(Files.readAllBytes(f));
        } catch (IOException e) {
          md.update(
              ("unreadable:" + e.getClass().getSimpleName()).getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
    app.stop();
  }

  /** Jetty's own errors (400, 413, 431, ...) as one plain line: no stack, no server version. */
  private static final class PlainErrors extends ErrorHandler {
    PlainErrors() {
      setShowStacks(false);
      setShowCauses(false);
    }

    @Override
    protected boolean generateAcceptableResponse(
        Request request,
        Response response,
        Callback callback,
        String contentType,
        List<Charset> charsets,
        int code,
        String message,
        Throwable cause) {
      String reason = org.eclipse.jetty.http.HttpStatus.getMessage(code);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.write(
          true,
          ByteBuffer.wrap((code + " " + reason + "\n").getBytes(StandardCharsets.UTF_8)),
          callback);
      return true;
    }
  }
}
