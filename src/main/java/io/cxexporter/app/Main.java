package io.cxexporter.app;

import io.cxexporter.config.ConfigException;
import io.cxexporter.config.ServerConfig;
import io.cxexporter.log.LogFormat;
import io.cxexporter.log.LogSettings;
import io.cxexporter.web.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.event.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line. Without {@code --config.file} it runs the built-in demo.
 *
 * <pre>
 * java -jar cx-exporter.jar                                   # demo on :9877
 * java -jar cx-exporter.jar --config.file=cx.yml --config.check
 * java -jar cx-exporter.jar --config.file=cx.yml --web.listen-address=127.0.0.1:9877
 * java -jar cx-exporter.jar --config.file=cx.yml --web.config.file=web.yml --web.enable-lifecycle
 * java -jar cx-exporter.jar --config.file=cx.yml --shard=1 --total-shards=3   # see {@link Sharding}
 * java -jar cx-exporter.jar probe --config.file=cx.yml --connector=acme   # see {@link Probe}
 * java -jar cx-exporter.jar history --config.file=cx.yml --from 30d --step 5m   # see {@link History}
 * </pre>
 */
@Command(
    name = "cx-exporter",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {Probe.class, History.class},
    description = "Customer-service KPIs from helpdesk and CRM APIs, for Prometheus.")
public final class Main implements Callable<Integer> {
  private static final List<String> LEVELS = List.of("debug", "info", "warn", "error");

  @Spec CommandSpec spec;

  @Option(
      names = "--config.file",
      paramLabel = "FILE",
      description = "YAML config file. Without it the built-in demo config runs.")
  Path configFile;

  @Option(
      names = "--config.check",
      description = "Validate the config, print every problem, exit 0 (valid) or 1 (invalid).")
  boolean check;

  @Option(
      names = "--config.probe",
      description =
          "Read one page of each stream, print the first mapped records and what could not be"
              + " mapped, store nothing, exit (the probe subcommand with its defaults).")
  boolean probe;

  @Option(
      names = "--web.listen-address",
      paramLabel = "HOST:PORT",
      description = "Address to listen on; overrides server.listen_address (default :9877).")
  String listenAddress;

  @Option(
      names = "--web.config.file",
      paramLabel = "FILE",
      description =
          "TLS, basic auth (bcrypt) and response headers in the Prometheus exporter-toolkit"
              + " format; re-read when it changes.")
  Path webConfigFile;

  @Option(
      names = "--web.telemetry-path",
      paramLabel = "PATH",
      defaultValue = "/metrics",
      description = "Path under which metrics are served (default ${DEFAULT-VALUE}).")
  String telemetryPath;

  @Option(
      names = "--web.max-requests",
      paramLabel = "N",
      defaultValue = "40",
      description =
          "Concurrent scrapes of the telemetry path; more get 503 (0 = no limit, default"
              + " ${DEFAULT-VALUE}).")
  int maxRequests;

  @Option(
      names = "--web.enable-lifecycle",
      description = "Serve POST /-/reload (SIGHUP always reloads).")
  boolean enableLifecycle;

  @Option(
      names = "--log.level",
      paramLabel = "LEVEL",
      defaultValue = "info",
      description = "debug, info, warn or error (default ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(
      names = "--log.format",
      paramLabel = "FORMAT",
      defaultValue = "logfmt",
      description =
          "logfmt or json: one line per event on standard error (default ${DEFAULT-VALUE}).")
  String logFormat;

  @Mixin ShardFlags shardFlags = new ShardFlags();

  /**
   * Testing only: the system property that fixes the clock at an instant ({@code
   * -Dcx.clock.fixed=2026-11-30T12:00:00Z}), so several processes compute the same KPIs. Never in
   * production: windows stop moving and nothing new is ever read.
   */
  static final String FIXED_CLOCK = "cx.clock.fixed";

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    String level = logLevel.toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      err.println(
          "--log.level: expected one of "
              + String.join(", ", LEVELS)
              + ", got \""
              + logLevel
              + "\"");
      return 2;
    }
    LogFormat format;
    try {
      format = LogFormat.of(logFormat);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    Sharding sharding;
    Clock clock;
    String fixedClock = System.getProperty(FIXED_CLOCK);
    try {
      sharding = shardFlags.sharding();
      clock = clock(fixedClock);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    if (probe) {
      // the subcommand as registered (its defaults, the same out and err), on this config file
      return spec.commandLine()
          .getSubcommands()
          .get("probe")
          .execute(
              configFile == null ? new String[0] : new String[] {"--config.file=" + configFile});
    }
    LogSettings.configure(Level.valueOf(level.toUpperCase(Locale.ROOT)), format);
    if (fixedClock != null && !fixedClock.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(Main.class)
          .warn(
              "-D{}: the clock is fixed at {}; for tests only: KPI windows never move and no new"
                  + " record is ever read",
              FIXED_CLOCK,
              clock.instant());
    }
    ConfigLoader loader = ConfigLoader.standard();
    App.Overrides overrides = overrides();
    ExporterConfig config;
    try {
      config =
          overrides.apply(configFile == null ? loader.loadBuiltInDemo() : loader.load(configFile));
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    WebServer.Options web;
    try {
      web =
          new WebServer.Options(
              telemetryPath,
              maxRequests,
              enableLifecycle,
              webConfigFile,
              WebServer.Options.DEFAULTS.webConfigPoll());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    List<String> webProblems = WebServer.check(config.server(), webConfigFile);
    if (!webProblems.isEmpty()) {
      webProblems.forEach(err::println);
      err.flush();
      return 1;
    }
    if (check) {
      out.println(
          config.origin()
              + ": valid, "
              + config.connectors().size()
              + " connector(s): "
              + String.join(
                  ", ",
                  config.connectors().stream()
                      .map(c -> c.name() + " (" + c.type() + ")")
                      .toList()));
      if (sharding.sharded()) {
        List<ConnectorSpec> here = sharding.mine(config.connectors());
        out.println(
            sharding.describe(here.size(), config.connectors().size())
                + (here.isEmpty()
                    ? ""
                    : ": " + String.join(", ", here.stream().map(ConnectorSpec::name).toList())));
      }
      out.flush();
      return 0;
    }
    App app;
    try {
      app =
          App.start(
              config,
              web,
              loader,
              configFile,
              overrides,
              sharding,
              PrometheusRegistry.defaultRegistry,
              clock);
    } catch (RuntimeException e) {
      err.println("cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          app.close();
          stopped.countDown();
        };
    // SIGTERM/SIGINT stop the app and return 0 here; the hook covers every other way out
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "cx-shutdown"));
    Signals.onTerminate(stop);
    Signals.onHangup(app::requestReload);
    stopped.await();
    return 0;
  }

  /**
   * The clock: the system's, or fixed at the instant of {@code -Dcx.clock.fixed} (testing only).
   *
   * @throws IllegalArgumentException when the property is not an ISO-8601 instant
   */
  static Clock clock(String fixed) {
    if (fixed == null || fixed.isEmpty()) {
      return Clock.systemUTC();
    }
    try {
      return Clock.fixed(java.time.Instant.parse(fixed), java.time.ZoneOffset.UTC);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "-D"
              + FIXED_CLOCK
              + ": expected an instant such as 2026-11-30T12:00:00Z, got \""
              + fixed
              + "\"");
    }
  }

  /** What the flags change in each config, the first one and every reloaded one. */
  App.Overrides overrides() {
    String address = listenAddress;
    return c -> address == null ? c : withListenAddress(c, address);
  }

  private static ExporterConfig withListenAddress(ExporterConfig c, String address)
      throws ConfigException {
    ConfigException[] bad = new ConfigException[1];
    String[] hp =
        ConfigLoader.splitListenAddress(
            address, msg -> bad[0] = new ConfigException("--web.listen-address", List.of(msg)));
    if (bad[0] != null) {
      throw bad[0];
    }
    ServerConfig s = c.server();
    return c.withServer(
        new ServerConfig(hp[0], Integer.parseInt(hp[1]), s.basicAuth(), s.bearerToken(), s.tls()));
  }

  /** Prints the version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      java.util.Properties p = new java.util.Properties();
      try (var in = App.class.getResourceAsStream("build.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException e) {
        // unknown
      }
      return new String[] {
        "cx-exporter "
            + p.getProperty("version", "dev")
            + " ("
            + p.getProperty("revision", "unknown")
            + ")"
      };
    }
  }
}
