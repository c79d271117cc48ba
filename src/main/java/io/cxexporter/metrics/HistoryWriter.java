package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes gauge values at past instants as OpenMetrics text with timestamps, the input of {@code
 * promtool tsdb create-blocks-from openmetrics}: every family once ({@code # TYPE}, {@code # UNIT},
 * {@code # HELP}), its samples together, each series' samples in time order, and {@code # EOF} at
 * the end. Values arrive instant by instant, so each family's samples are spilled to a file of its
 * own and gathered family by family when written: memory holds one family at a time.
 *
 * <pre>{@code
 * try (HistoryWriter w = HistoryWriter.create(tmp, Map.of("job", "cx-exporter"))) {
 *   for (Instant t : instants) {
 *     w.step(t);
 *     w.addKpis(replay.at(t));
 *   }
 *   w.writeTo(out);
 * }
 * }</pre>
 *
 * <p>Series carry the labels the live {@code /metrics} gives them, plus the extra labels (such as
 * {@code job} and {@code instance}, which Prometheus adds when it scrapes), so history and live
 * data form one series.
 */
public final class HistoryWriter implements AutoCloseable {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final Path dir;
  private final Map<String, String> extra;
  private final Map<String, Family> families = new LinkedHashMap<>();
  private long[] times = new long[256];
  private int steps;
  private long samples;

  private HistoryWriter(Path dir, Map<String, String> extra) {
    this.dir = dir;
    this.extra = extra;
  }

  /**
   * A writer that spills into a new temporary folder under {@code tmp}, deleted by {@link
   * #close()}.
   *
   * @param extraLabels added to every series, e.g. {@code job} and {@code instance}
   * @throws IllegalArgumentException when a label name is not a valid Prometheus label name or is
   *     reserved ({@code __...})
   * @throws UncheckedIOException when the folder cannot be created
   */
  public static HistoryWriter create(Path tmp, Map<String, String> extraLabels) {
    for (String name : extraLabels.keySet()) {
      if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
        throw new IllegalArgumentException("not a label name: \"" + name + "\"");
      }
    }
    try {
      return new HistoryWriter(
          Files.createTempDirectory(tmp, "cx-history"), new TreeMap<>(extraLabels));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder in " + tmp, e);
    }
  }

  /**
   * Starts the next instant: what {@link #add} gets until the next call is at {@code t}.
   *
   * @throws IllegalArgumentException unless {@code t} is after the previous instant
   */
  public void step(Instant t) {
    long ms = t.toEpochMilli();
    if (steps > 0 && ms <= times[steps - 1]) {
      throw new IllegalArgumentException(
          t + " is not after the previous instant " + Instant.ofEpochMilli(times[steps - 1]));
    }
    if (steps == times.length) {
      times = Arrays.copyOf(times, steps * 2);
    }
    times[steps++] = ms;
  }

  /** Adds every {@code cx_kpi_*} series of {@code s} (per-tag ones too) at the current instant. */
  public void addKpis(KpiSnapshot s) {
    for (List<KpiSeries> list : List.of(s.series(), s.tagSeries())) {
      for (KpiSeries k : list) {
        if (k.name().startsWith("kpi_")) {
          add(k.name(), k.labelNames(), k.labelValues(), k.value());
        }
      }
    }
  }

  /**
   * Adds one value at the current instant.
   *
   * @param name without the {@code cx_} prefix, e.g. {@code kpi_csat_ratio}
   * @throws IllegalStateException before the first {@link #step}, or when the same series was
   *     already added at this instant
   * @throws IllegalArgumentException when the series has one of the extra labels itself
   */
  public void add(String name, List<String> labelNames, List<String> labelValues, double value) {
    if (steps == 0) {
      throw new IllegalStateException("no instant: call step(t) first");
    }
    Family f = families.computeIfAbsent(name, this::family);
    int id = f.series(labelNames, labelValues);
    if (f.lastStep.get(id) == steps) {
      throw new IllegalStateException("twice at one instant: " + f.text.get(id));
    }
    f.lastStep.set(id, steps);
    try {
      f.spill.writeInt(steps - 1);
      f.spill.writeInt(id);
      f.spill.writeDouble(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + f.file, e);
    }
    f.samples++;
    samples++;
  }

  /** Values added so far. */
  public long samples() {
    return samples;
  }

  /** Series seen so far, over every family. */
  public int series() {
    return families.values().stream().mapToInt(f -> f.text.size()).sum();
  }

  /** Families seen so far. */
  public int families() {
    return families.size();
  }

  /**
   * Writes every family, in the order first seen, each family's series in the order first seen with
   * their samples in time order, then {@code # EOF}. Call it once, after the last {@link #add}.
   *
   * @param progress told the number of samples written so far after each family
   */
  public void writeTo(OutputStream out, java.util.function.LongConsumer progress)
      throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    long written = 0;
    for (Family f : families.values()) {
      f.spill.close();
      f.write(w);
      written += f.samples;
      Files.deleteIfExists(f.file);
      progress.accept(written);
    }
    w.write("# EOF\n");
    w.flush();
  }

  /** Deletes the spill files. */
  @Override
  public void close() {
    for (Family f : families.values()) {
      try {
        f.spill.close();
        Files.deleteIfExists(f.file);
      } catch (IOException e) {
        // a leftover file in the temp folder
      }
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover folder
    }
  }

  private Family family(String name) {
    MetricMetadata meta =
        (MetricNames.PREFIX + name).equals(MetricNames.TICKETS_OPEN_HISTORY)
            ? new MetricMetadata(
                MetricNames.TICKETS_OPEN_HISTORY, MetricNames.TICKETS_OPEN_HISTORY_HELP)
            : SnapshotCollector.metadata(name);
    try {
      return new Family(meta, dir.resolve(name + ".bin"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + dir, e);
    }
  }

  /** One metric family: its series (text up to the value) and its spilled samples. */
  private final class Family {
    final MetricMetadata meta;
    final Path file;
    final DataOutputStream spill;
    final Map<List<String>, Integer> ids = new HashMap<>();
    final List<String> text = new ArrayList<>();
    final IntList lastStep = new IntList();
    long samples;

    Family(MetricMetadata meta, Path file) throws IOException {
      this.meta = meta;
      this.file = file;
      this.spill =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    int series(List<String> names, List<String> values) {
      List<String> key = new ArrayList<>(names.size() * 2);
      for (int i = 0; i < names.size(); i++) {
        key.add(names.get(i));
        key.add(values.get(i));
      }
      Integer id = ids.get(key);
      if (id != null) {
        return id;
      }
      TreeMap<String, String> labels = new TreeMap<>(extra);
      for (int i = 0; i < names.size(); i++) {
        if (extra.containsKey(names.get(i))) {
          throw new IllegalArgumentException(
              "label "
                  + names.get(i)
                  + ": "
                  + meta.getPrometheusName()
                  + " already carries it; choose another name");
        }
        labels.put(names.get(i), values.get(i));
      }
      StringBuilder b = new StringBuilder(meta.getPrometheusName());
      if (!labels.isEmpty()) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
          if (!first) {
            b.append(',');
          }
          first = false;
          b.append(e.getKey()).append("=\"");
          escape(b, e.getValue());
          b.append('"');
        }
        b.append('}');
      }
      b.append(' ');
      id = text.size();
      ids.put(key, id);
      text.add(b.toString());
      lastStep.add(0);
      return id;
    }

    void write(Writer w) throws IOException {
      int n = text.size();
      IntList[] at = new IntList[n];
      DoubleList[] values = new DoubleList[n];
      for (int i = 0; i < n; i++) {
        at[i] = new IntList();
        values[i] = new DoubleList();
      }
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        for (long i = 0; i < samples; i++) {
          int step = in.readInt();
          int id = in.readInt();
          at[id].add(step);
          values[id].add(in.readDouble());
        }
      } catch (EOFException e) {
        throw new IOException(file + " ends early", e);
      }
      String name = meta.getPrometheusName();
      w.write("# TYPE " + name + " gauge\n");
      if (meta.getUnit() != null) {
        w.write("# UNIT " + name + " " + meta.getUnit() + "\n");
      }
      StringBuilder b = new StringBuilder(256);
      b.append("# HELP ").append(name).append(' ');
      escape(b, meta.getHelp());
      w.write(b.append('\n').toString());
      for (int id = 0; id < n; id++) {
        String prefix = text.get(id);
        for (int i = 0; i < at[id].size; i++) {
          b.setLength(0);
          b.append(prefix);
          value(b, values[id].values[i]);
          b.append(' ');
          timestamp(b, times[at[id].values[i]]);
          b.append('\n');
          w.write(b.toString());
        }
        at[id] = null;
        values[id] = null;
      }
    }
  }

  /** Appends {@code s} escaped as OpenMetrics wants in label values and HELP. */
  static void escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '"' -> b.append("\\\"");
        default -> b.append(c);
      }
    }
  }

  /** Appends a sample value: {@code NaN}, {@code +Inf}, {@code -Inf} or the number. */
  static void value(StringBuilder b, double v) {
    if (Double.isNaN(v)) {
      b.append("NaN");
    } else if (v == Double.POSITIVE_INFINITY) {
      b.append("+Inf");
    } else if (v == Double.NEGATIVE_INFINITY) {
      b.append("-Inf");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      b.append((long) v); // 12 rather than 12.0: shorter, and the same value
    } else {
      b.append(v);
    }
  }

  /** Appends epoch milliseconds as seconds, with the milliseconds only when there are some. */
  static void timestamp(StringBuilder b, long ms) {
    b.append(Math.floorDiv(ms, 1000));
    long frac = Math.floorMod(ms, 1000);
    if (frac != 0) {
      b.append('.');
      if (frac < 100) {
        b.append('0');
      }
      if (frac < 10) {
        b.append('0');
      }
      b.append(frac);
    }
  }

  /** A growable int array. */
  private static final class IntList {
    int[] values = new int[16];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }

    void set(int i, int v) {
      values[i] = v;
    }
  }

  /** A growable double array. */
  private static final class DoubleList {
    double[] values = new double[16];
    int size;

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }
  }
}
