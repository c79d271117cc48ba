package io.cxexporter.metrics;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A by-hand timing of {@link HistoryWriter} alone (no KPI engine), shaped like {@code history} at
 * 1M tickets: 1,729 series (9 KPI families by source, group/priority/channel, window, and for the
 * {@code _seconds} ones hours and stat, plus {@code cx_tickets_open_total_history}) with {@code
 * job} and {@code instance}, over 8,641 five-minute steps (14.9M samples). Prints the time of the
 * adds (per sample), of {@code writeTo} and the bytes written. Not a test: it asserts nothing.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.cxexporter.metrics.HistoryWriterBench \
 *     [steps] [out-file] [distinct] [keep] [null] [ballast=MB]
 * </pre>
 *
 * <p>{@code distinct} makes every non-integer value a fresh random double (the worst case for
 * formatting); by default ratios are small fractions and the seconds' means repeat within a series
 * for a few steps, as windowed values do. {@code keep} leaves the output file (both repetitions
 * write the same one); {@code null} writes to no file, to see the formatting alone; {@code
 * ballast=MB} keeps that many MB of small objects alive throughout.
 */
public final class HistoryWriterBench {
  private HistoryWriterBench() {}

  record Series(String family, List<String> names, List<String> values, int kind) {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 8641;
    Path out = Path.of(args.length > 1 ? args[1] : "/tmp/history-bench.om");
    List<String> flags = Arrays.asList(args).subList(Math.min(2, args.length), args.length);
    boolean distinct = flags.contains("distinct");
    // live objects the size of a loaded KPI engine, so the collector has a full heap to work with
    int ballastMb =
        flags.stream()
            .filter(f -> f.startsWith("ballast="))
            .mapToInt(f -> Integer.parseInt(f.substring(8)))
            .findFirst()
            .orElse(0);
    List<long[]> ballast = new ArrayList<>();
    for (long b = 0; b < ballastMb * 1024L * 1024; b += 64 + 16) {
      ballast.add(new long[8]);
    }
    List<Series> all = series();
    Path tmp = Files.createTempDirectory("hwbench");
    SplittableRandom rnd = new SplittableRandom(17);
    double[] state = new double[all.size()];
    long b0 = System.nanoTime();
    double sum = 0;
    Instant base = Instant.parse("2026-10-01T00:00:00Z");
    for (int s = 0; s < steps; s++) {
      sum += base.plusSeconds(300L * s).toEpochMilli();
      for (int i = 0; i < all.size(); i++) {
        Series x = all.get(i);
        sum += value(x.kind, i, s, state, rnd, distinct) + x.names.size() + x.family.length();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "the loop without the writer (values, instants): %.2f s (%s)%n",
        (System.nanoTime() - b0) / 1e9,
        sum > 0 ? "+" : "-");
    for (int rep = 0; rep < 2; rep++) {
      rnd = new SplittableRandom(17);
      Arrays.fill(state, 0);
      long t0 = System.nanoTime();
      try (HistoryWriter w =
          HistoryWriter.create(tmp, Map.of("job", "cx-exporter", "instance", "bench:9877"))) {
        Instant start = Instant.parse("2026-10-01T00:00:00Z");
        for (int s = 0; s < steps; s++) {
          w.step(start.plusSeconds(300L * s));
          for (int i = 0; i < all.size(); i++) {
            Series x = all.get(i);
            w.add(x.family, x.names, x.values, value(x.kind, i, s, state, rnd, distinct));
          }
        }
        long t1 = System.nanoTime();
        if (flags.contains("null")) {
          w.writeTo(OutputStream.nullOutputStream(), n -> {});
        } else {
          try (OutputStream os = Files.newOutputStream(out)) {
            w.writeTo(os, n -> {});
          }
        }
        long t2 = System.nanoTime();
        System.out.printf(
            Locale.ROOT,
            "rep %d: %,d samples of %,d series in %d families: add %.2f s (%.0f ns/sample),"
                + " write %.2f s, %,d bytes%n",
            rep,
            w.samples(),
            w.series(),
            w.families(),
            (t1 - t0) / 1e9,
            (double) (t1 - t0) / w.samples(),
            (t2 - t1) / 1e9,
            Files.exists(out) ? Files.size(out) : -1);
      }
    }
    System.out.println("ballast objects: " + ballast.size());
    if (!flags.contains("keep")) {
      Files.deleteIfExists(out);
    }
    Files.deleteIfExists(tmp);
  }

  static double value(
      int kind, int i, int step, double[] state, SplittableRandom rnd, boolean distinct) {
    switch (kind) {
      case 0: // a count: an integer that drifts
        if (rnd.nextInt(4) == 0) {
          state[i] = Math.max(0, state[i] + rnd.nextInt(-3, 4));
        }
        return state[i];
      case 1: // a ratio: a fraction of counts
        if (distinct) {
          return rnd.nextDouble();
        }
        int n = 50 + (step / 7 + i) % 400;
        return (double) ((step / 5 + i * 7) % n) / n;
      case 2: // a percentile of durations in seconds: whole seconds
        if (rnd.nextInt(3) == 0) {
          state[i] = rnd.nextInt(30, 200_000);
        }
        return state[i];
      default: // a mean of durations
        if (distinct) {
          return rnd.nextDouble() * 100_000;
        }
        if (rnd.nextInt(3) == 0) {
          state[i] = rnd.nextInt(30, 200_000) / (double) rnd.nextInt(1, 400);
        }
        return state[i];
    }
  }

  static List<Series> series() {
    List<String[]> dims = new ArrayList<>();
    dims.add(null);
    for (int g = 0; g < 8; g++) {
      dims.add(new String[] {"group", "group-" + g});
    }
    for (String p : List.of("urgent", "high", "normal", "low")) {
      dims.add(new String[] {"priority", p});
    }
    for (String c : List.of("email", "web", "chat", "phone", "api")) {
      dims.add(new String[] {"channel", c});
    }
    List<String> windows = List.of("1h", "24h", "7d", "30d");
    List<Series> all = new ArrayList<>();
    String[] counts = {
      "kpi_tickets_created",
      "kpi_tickets_solved",
      "kpi_csat_ratio",
      "kpi_sla_breach_ratio",
      "kpi_reopen_ratio",
      "kpi_tickets_backlog_delta"
    };
    for (String f : counts) {
      for (String[] d : dims) {
        for (String win : windows) {
          all.add(series(f, d, win, null, null, f.endsWith("_ratio") ? 1 : 0));
        }
      }
    }
    String[] durations = {
      "kpi_first_reply_seconds", "kpi_resolution_seconds", "kpi_requester_wait_seconds"
    };
    for (String f : durations) {
      for (String[] d : dims) {
        for (String win : windows) {
          for (String hours : List.of("calendar", "business")) {
            for (String stat : List.of("mean", "p50", "p90")) {
              all.add(series(f, d, win, hours, stat, stat.equals("mean") ? 3 : 2));
            }
          }
        }
      }
    }
    all.add(new Series("tickets_open_total_history", List.of("source"), List.of("zendesk"), 0));
    return all;
  }

  static Series series(String f, String[] dim, String window, String hours, String stat, int kind) {
    List<String> names = new ArrayList<>(List.of("source"));
    List<String> values = new ArrayList<>(List.of("zendesk"));
    if (dim != null) {
      names.add(dim[0]);
      values.add(dim[1]);
    }
    names.add("window");
    values.add(window);
    if (hours != null) {
      names.add("hours");
      values.add(hours);
      names.add("stat");
      values.add(stat);
    }
    return new Series(f, List.copyOf(names), List.copyOf(values), kind);
  }
}
