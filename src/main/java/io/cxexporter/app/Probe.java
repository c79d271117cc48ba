package io.cxexporter.app;

import io.cxexporter.config.ConfigException;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.RequestLimits;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.util.Sleeper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cx-exporter probe}: reads one page of each stream from its start and prints what the
 * exporter makes of it (the requests, the first mapped records field by field, the records it could
 * not map and why, failed lookups), for someone writing a mapping. Nothing is stored: the
 * connectors are built without the state store, and their HTTP retries and waits are capped by
 * {@link RequestLimits#PROBE} so that a failing vendor answers within seconds. Credentials show as
 * {@code <redacted>}.
 *
 * <pre>
 * cx-exporter probe --config.file=cx.yml [--connector NAME] [--stream NAME] [--records N]
 * </pre>
 *
 * <p>Exit codes: 0 every stream read a page, 1 the config is invalid, 2 a bad option (an unknown
 * connector or stream), 3 a stream could not read its page.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Read one page of each stream and print what the exporter makes of it: the requests"
          + " (credentials redacted), the first mapped records, the records that could not be"
          + " mapped and why. Stores nothing.",
      "Exit 0: every stream read a page; 1: invalid config; 2: bad option; 3: a stream failed."
    })
final class Probe implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand Main parent;

  @Option(
      names = "--config.file",
      paramLabel = "FILE",
      description = "YAML config file. Without it the built-in demo config is probed.")
  Path configFile;

  @Option(
      names = "--connector",
      paramLabel = "NAME",
      description = "Probe only this connector (default: every connector).")
  String connector;

  @Option(
      names = "--stream",
      paramLabel = "NAME",
      description = "Probe only this stream, e.g. tickets (default: every stream).")
  String stream;

  @Option(
      names = "--records",
      paramLabel = "N",
      defaultValue = "3",
      description = "How many mapped records of each page to print (default ${DEFAULT-VALUE}).")
  int records;

  /** The connectors' time (the backfill start); tests fix it. */
  Clock clock = Clock.systemUTC();

  /** How the connectors wait between retries; tests record instead of sleeping. */
  Sleeper sleeper = Sleeper.SYSTEM;

  /** The caps on every connector's retries, waits and timeouts; tests lower them. */
  RequestLimits limits = RequestLimits.PROBE;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int run(PrintWriter out, PrintWriter err) {
    if (records < 0) {
      err.println("--records: expected 0 or more, got " + records);
      return 2;
    }
    io.cxexporter.log.LogSettings.configure(
        org.slf4j.event.Level.WARN, io.cxexporter.log.LogFormat.LOGFMT);
    Path file = configFile != null ? configFile : parent == null ? null : parent.configFile;
    ConfigLoader loader = ConfigLoader.standard();
    ExporterConfig config;
    try {
      config = file == null ? loader.loadBuiltInDemo() : loader.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 1;
    }
    List<ConnectorSpec> specs = config.connectors();
    if (connector != null) {
      specs = specs.stream().filter(s -> s.name().equals(connector)).toList();
      if (specs.isEmpty()) {
        err.println(
            "--connector: no connector named \""
                + connector
                + "\" in "
                + config.origin()
                + " (connectors: "
                + String.join(", ", config.connectors().stream().map(ConnectorSpec::name).toList())
                + ")");
        return 2;
      }
    }
    List<Probed> probed = new ArrayList<>();
    try {
      for (ConnectorSpec s : specs) {
        Recorder recorder = new Recorder();
        Connector c = s.create(new ConnectorContext(clock, recorder, sleeper, limits));
        probed.add(new Probed(s, c, recorder));
      }
      if (stream != null
          && probed.stream()
              .noneMatch(p -> p.connector.streams().stream().anyMatch(st -> named(st, stream)))) {
        List<String> known = new ArrayList<>();
        for (Probed p : probed) {
          known.add(
              p.spec.name()
                  + ": "
                  + String.join(", ", p.connector.streams().stream().map(Stream::name).toList()));
        }
        err.println(
            "--stream: no stream named \""
                + stream
                + "\" (streams of "
                + String.join("; ", known)
                + ")");
        return 2;
      }
      int read = 0;
      int failed = 0;
      for (Probed p : probed) {
        out.println(p.spec.name() + " (" + p.spec.type() + ")");
        for (Stream st : p.connector.streams()) {
          if (stream != null && !named(st, stream)) {
            continue;
          }
          if (probe(out, st, p.recorder)) {
            read++;
          } else {
            failed++;
          }
        }
      }
      out.println(
          (read + failed) + " stream(s) probed: " + read + " read a page, " + failed + " failed");
      return failed == 0 ? 0 : 3;
    } finally {
      probed.forEach(p -> p.connector.close());
    }
  }

  private static boolean named(Stream s, String name) {
    return s.name().equals(name);
  }

  /** Reads one page of {@code s} from its start and prints it; false when it could not. */
  private boolean probe(PrintWriter out, Stream s, Recorder recorder) {
    out.println("  stream " + s.name());
    recorder.clear();
    Page page;
    String error = null;
    try {
      page = s.read(Cursor.START);
    } catch (ConnectorException e) {
      page = null;
      error = e.kind() + ": " + e.getMessage();
    } catch (RuntimeException e) {
      page = null;
      error = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    List<String> sent = recorder.sent();
    if (sent.isEmpty()) {
      out.println("    requests: none (no HTTP request was made)");
    } else {
      out.println("    requests:");
      sent.forEach(line -> out.println("      " + line));
    }
    if (page == null) {
      out.println("    error: " + error);
      lookupFailures(out, recorder);
      return false;
    }
    int mapped = page.records().size();
    int rejected = page.rejected().size();
    out.println(
        "    page: "
            + (mapped + page.skipped() + rejected)
            + " record(s): "
            + mapped
            + " mapped, "
            + page.skipped()
            + " skipped, "
            + rejected
            + " rejected");
    int shown = Math.min(records, mapped);
    out.println("    first " + shown + " mapped record(s) of " + mapped + ":");
    for (Record r : page.records().subList(0, shown)) {
      List<String> lines = RecordText.lines(r);
      out.println("      " + lines.get(0));
      lines.subList(1, lines.size()).forEach(l -> out.println("        " + l));
    }
    if (rejected == 0) {
      out.println("    rejected: none");
    } else {
      out.println("    rejected " + rejected + " (not applied):");
      Map<String, Integer> reasons = new LinkedHashMap<>();
      for (Rejected r : page.rejected()) {
        out.println("      " + r.id() + ": " + r.reason());
        reasons.merge(r.reason(), 1, Integer::sum);
      }
      out.println("    reasons:");
      reasons.forEach((reason, n) -> out.println("      " + n + " x " + reason));
    }
    lookupFailures(out, recorder);
    out.println(
        "    next: "
            + (page.caughtUp() ? "caught up" : "more pages follow")
            + ", cursor "
            + (page.next().isStart() ? "(start)" : page.next().value()));
    return true;
  }

  private static void lookupFailures(PrintWriter out, Recorder recorder) {
    List<String> failures = recorder.lookupFailures();
    if (failures.isEmpty()) {
      out.println("    lookup failures: none");
    } else {
      out.println("    lookup failures:");
      failures.forEach(f -> out.println("      " + f));
    }
  }

  /** One selected connector, built for the probe, and what its requests reported. */
  private record Probed(ConnectorSpec spec, Connector connector, Recorder recorder) {}

  /** Keeps what a connector's requests and lookups reported, redacted by the HTTP layer. */
  private static final class Recorder implements RequestListener {
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> lookupFailures = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onRequest(String endpoint, String code, Duration latency) {}

    @Override
    public void onRateLimitRemaining(double remaining) {}

    @Override
    public void onSent(String method, String url, Map<String, String> headers, String code) {
      StringBuilder b = new StringBuilder(method + " " + url + " -> " + code);
      headers.forEach(
          (name, value) -> b.append("\n        ").append(name).append(": ").append(value));
      sent.add(b.toString());
    }

    @Override
    public void onLookupFailed(String lookup, String kind, String message) {
      lookupFailures.add(lookup + " (" + kind + "): " + message);
    }

    void clear() {
      sent.clear();
      lookupFailures.clear();
    }

    List<String> sent() {
      synchronized (sent) {
        return List.copyOf(sent);
      }
    }

    List<String> lookupFailures() {
      synchronized (lookupFailures) {
        return List.copyOf(lookupFailures);
      }
    }
  }
}
