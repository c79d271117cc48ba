package io.cxexporter.app;

import io.cxexporter.config.ConfigException;
import io.cxexporter.config.Settings;
import io.cxexporter.kpi.KpiReplay;
import io.cxexporter.kpi.OpenTicketsHistory;
import io.cxexporter.metrics.HistoryWriter;
import io.cxexporter.metrics.MetricNames;
import io.cxexporter.model.Record;
import io.cxexporter.store.OnCorruption;
import io.cxexporter.store.Store;
import io.cxexporter.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cx-exporter history}: the {@code cx_kpi_*} series at each step of a past stretch, from the
 * records in the state file, as OpenMetrics text with timestamps for {@code promtool tsdb
 * create-blocks-from openmetrics}, so Grafana shows trends from the first day. No vendor API is
 * called and no connector starts: the stored records (their latest versions) are replayed through
 * the KPI engine ({@link KpiReplay}) with its clock at each step. Beside the KPIs it writes {@code
 * cx_tickets_open_total_history{source}} (see {@link OpenTicketsHistory}).
 *
 * <pre>
 * cx-exporter history --config.file=cx.yml --from 30d --step 5m [--until now] \
 *     --label job=cx-exporter --label instance=host:9877 --out history.om
 * </pre>
 *
 * <p>Steps fall on multiples of {@code --step} since the epoch, from {@code until - from} to {@code
 * until}, so two runs give the same instants. Exit codes: 0 written, 1 invalid config or no state
 * file, 2 a bad option, 3 the output could not be written.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Write the cx_kpi_* series of a past stretch, computed from the stored records, as"
          + " OpenMetrics with timestamps for promtool tsdb create-blocks-from openmetrics. Calls"
          + " no vendor API.",
      "Exit 0: written; 1: invalid config or no state file; 2: bad option; 3: cannot write."
    })
final class History implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand Main parent;

  /** On a sharded replica, the replica's own connectors only (its state holds only theirs). */
  @Mixin ShardFlags shardFlags = new ShardFlags();

  @Option(
      names = "--config.file",
      paramLabel = "FILE",
      description = "YAML config file. Without it the built-in demo config (and its state).")
  Path configFile;

  @Option(
      names = "--from",
      paramLabel = "DURATION",
      defaultValue = "30d",
      description = "How far back from --until to start (default ${DEFAULT-VALUE}).")
  String from;

  @Option(
      names = "--step",
      paramLabel = "DURATION",
      defaultValue = "5m",
      description = "Time between two samples (default ${DEFAULT-VALUE}).")
  String step;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      defaultValue = "now",
      description = "The last instant: now or an ISO time such as 2026-11-30T12:00:00Z.")
  String until;

  @Option(
      names = "--label",
      paramLabel = "NAME=VALUE",
      description =
          "A label added to every series, as Prometheus adds job and instance when it scrapes"
              + " (repeat it: --label job=cx-exporter --label instance=host:9877).")
  List<String> labels = List.of();

  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "history.om",
      description = "Where to write (default ${DEFAULT-VALUE}).")
  Path out;

  /** The time {@code --until now} means; tests fix it. */
  Clock clock = Clock.systemUTC();

  /** Time for the progress line and its ETA. */
  LongSupplier nanos = System::nanoTime;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(err);
    } finally {
      err.flush();
    }
  }

  private int run(PrintWriter err) {
    io.cxexporter.log.LogSettings.configure(
        org.slf4j.event.Level.WARN, io.cxexporter.log.LogFormat.LOGFMT);
    Duration back;
    Duration every;
    Instant last;
    Map<String, String> extra = new LinkedHashMap<>();
    Sharding sharding;
    try {
      // the subcommand's flags, else the exporter's given before it
      sharding =
          shardFlags.given() || parent == null
              ? shardFlags.sharding()
              : parent.shardFlags.sharding();
      back = duration("--from", from);
      every = duration("--step", step);
      if (every.toMillis() <= 0) {
        throw new IllegalArgumentException("--step: must be at least 1ms, got \"" + step + "\"");
      }
      last = until.equals("now") ? clock.instant() : parseInstant(until);
      for (String l : labels) {
        int eq = l.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--label: expected NAME=VALUE, got \"" + l + "\"");
        }
        extra.put(l.substring(0, eq), l.substring(eq + 1));
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    List<Instant> instants = instants(last.minus(back), last, every);
    if (instants.isEmpty()) {
      err.println("--from " + from + " --step " + step + ": no step falls in the stretch");
      return 2;
    }
    Path file = configFile != null ? configFile : parent == null ? null : parent.configFile;
    ExporterConfig config;
    try {
      ConfigLoader loader = ConfigLoader.standard();
      config = file == null ? loader.loadBuiltInDemo() : loader.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 1;
    }
    Path db = config.statePath().resolve(Store.FILE);
    if (!Files.isRegularFile(db)) {
      err.println(
          "no state file at "
              + db
              + ": run the exporter with this config first (its backfill fills the state)");
      return 1;
    }
    Path parentDir = out.toAbsolutePath().getParent();
    try (HistoryWriter writer = HistoryWriter.create(parentDir, extra)) {
      KpiReplay replay = KpiReplay.of(config.kpi(), instants.get(0));
      Map<String, OpenTicketsHistory> open = new LinkedHashMap<>();
      long records = 0;
      long reading = nanos.getAsLong();
      // REFUSE: a damaged state file is reported, never moved aside by a read-only command
      try (Store store = Store.open(config.statePath(), clock, OnCorruption.REFUSE)) {
        for (ConnectorSpec c : sharding.mine(config.connectors())) {
          OpenTicketsHistory o = new OpenTicketsHistory();
          open.put(c.name(), o);
          records +=
              replay.load(
                  c.name(),
                  action ->
                      store.forEach(
                          c.name(),
                          (String stream, Record r) -> {
                            o.add(r);
                            action.accept(stream, r);
                          }));
        }
      } catch (StoreException e) {
        err.println(e.getMessage());
        return 1;
      }
      err.println(
          String.format(
              Locale.ROOT,
              "history: read %d stored records into the KPI engine in %.1f s",
              records,
              (nanos.getAsLong() - reading) / 1e9));
      Progress progress = new Progress(err, nanos, instants.size());
      List<String> sourceLabel = List.of("source");
      String openName = MetricNames.TICKETS_OPEN_HISTORY.substring(MetricNames.PREFIX.length());
      for (int i = 0; i < instants.size(); i++) {
        Instant t = instants.get(i);
        writer.step(t);
        writer.addKpis(replay.at(t));
        for (Map.Entry<String, OpenTicketsHistory> e : open.entrySet()) {
          writer.add(openName, sourceLabel, List.of(e.getKey()), e.getValue().at(t));
        }
        progress.update("computing", i + 1);
      }
      progress.done("computing");
      replay = null; // the engine's memory is free for the writing
      open.clear();
      Progress writing = new Progress(err, nanos, writer.samples());
      Path tmp = parentDir.resolve(out.getFileName() + ".tmp");
      try {
        try (OutputStream os = Files.newOutputStream(tmp)) {
          writer.writeTo(os, n -> writing.update("writing", n));
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      writing.done("writing");
      err.println(
          "history: "
              + records
              + " stored records, "
              + instants.size()
              + " steps from "
              + instants.get(0)
              + " to "
              + instants.get(instants.size() - 1)
              + ", "
              + writer.samples()
              + " samples of "
              + writer.series()
              + " series in "
              + writer.families()
              + " families, "
              + Files.size(out)
              + " bytes in "
              + out);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage()); // a --label the series already carry
      return 2;
    } catch (IOException | UncheckedIOException e) {
      err.println("cannot write " + out + ": " + e.getMessage());
      return 3;
    }
  }

  /** The multiples of {@code step} since the epoch in {@code [first, last]}. */
  static List<Instant> instants(Instant first, Instant last, Duration step) {
    long s = step.toMillis();
    long start = Math.floorDiv(first.toEpochMilli() + s - 1, s) * s;
    long end = last.toEpochMilli();
    List<Instant> out = new java.util.ArrayList<>();
    for (long t = start; t <= end; t += s) {
      out.add(Instant.ofEpochMilli(t));
    }
    return out;
  }

  private static Duration duration(String option, String value) {
    try {
      return Settings.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  private static Instant parseInstant(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--until: expected now or a time like 2026-11-30T12:00:00Z, got \"" + value + "\"", e);
    }
  }

  /** A progress line on stderr, rewritten in place ({@code \r}) at most four times a second. */
  static final class Progress {
    private static final long EVERY_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final LongSupplier nanos;
    private final long total;
    private final long start;
    private long shown = Long.MIN_VALUE;

    Progress(PrintWriter err, LongSupplier nanos, long total) {
      this.err = err;
      this.nanos = nanos;
      this.total = Math.max(total, 1);
      this.start = nanos.getAsLong();
    }

    void update(String what, long done) {
      long now = nanos.getAsLong();
      if (shown != Long.MIN_VALUE && now - shown < EVERY_NANOS) {
        return;
      }
      shown = now;
      err.print("\r" + line(what, done, now - start));
      err.flush();
    }

    void done(String what) {
      err.println("\r" + line(what, total, nanos.getAsLong() - start));
    }

    String line(String what, long done, long elapsedNanos) {
      int pct = (int) (100 * done / total);
      String eta =
          done == 0
              ? "?"
              : format(Duration.ofNanos((long) (elapsedNanos * ((double) (total - done) / done))));
      return String.format(
          "history: %s %3d%% (%d/%d), elapsed %s, ETA %s   ",
          what, pct, done, total, format(Duration.ofNanos(elapsedNanos)), eta);
    }

    private static String format(Duration d) {
      long s = d.toSeconds();
      return s >= 3600
          ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
          : String.format("%dm%02ds", s / 60, s % 60);
    }
  }
}
