package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  /** Bytes of one spilled record: an int series id and the double value. */
  private static final int RECORD = 12;

  /** Bytes each family buffers before it writes to its spill file. */
  private static final int SPILL_BUFFER = 1 << 18;

  /** Bytes of one chunk of formatted text: below G1's humongous size even with 1 MB regions. */
  private static final int CHUNK = 1 << 18;

  /** Bytes of output (estimated) formatted as one part, on one thread. */
  private static final int PART_BYTES = 8 << 20;

  /** Parts formatted ahead of the one being written. */
  private static final int AHEAD = 4;

  /** Threads formatting parts: the CPUs, at most this many. */
  private static final int FORMATTERS = 2;

  private static final byte[] NAN = bytes("NaN");
  private static final byte[] POS_INF = bytes("+Inf");
  private static final byte[] NEG_INF = bytes("-Inf");

  private final Path dir;
  private final Map<String, String> extra;
  private final Map<String, Family> families = new LinkedHashMap<>();

  /** The family of the previous {@link #add}: a snapshot gives its series family by family. */
  private Family last;

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
    addKpis(s.series());
    addKpis(s.tagSeries());
  }

  private void addKpis(List<KpiSeries> list) {
    for (int i = 0, n = list.size(); i < n; i++) {
      KpiSeries k = list.get(i);
      if (k.name().startsWith("kpi_")) {
        add(k.name(), k.labelNames(), k.labelValues(), k.value());
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
    Family f = last;
    if (f == null || !f.name.equals(name)) { // equals sees the same String first
      f = families.get(name);
      if (f == null) {
        f = family(name);
        families.put(name, f);
      }
      last = f;
    }
    f.add(steps, labelNames, labelValues, value);
    samples++;
  }

  /** Values added so far. */
  public long samples() {
    return samples;
  }

  /** Series seen so far, over every family. */
  public int series() {
    int n = 0;
    for (Family f : families.values()) {
      n += f.size;
    }
    return n;
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
    Timestamps ts = timestamps();
    int threads = Math.max(1, Math.min(FORMATTERS, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "cx-history-format");
              t.setDaemon(true);
              return t;
            });
    // parts formatted on the pool, written here in order; at most AHEAD parts are under way
    ArrayDeque<Part> parts = new ArrayDeque<>();
    ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    try {
      long written = 0;
      for (Family f : families.values()) {
        Samples s = f.read();
        f.delete();
        written += f.samples;
        int from = 0;
        long bytes = 0;
        for (int id = 0; id < f.size || from == 0; id++) {
          if (id < f.size) {
            bytes += (long) (s.start[id + 1] - s.start[id]) * (f.prefix[id].length + 16 + ts.max);
            if (bytes < PART_BYTES && id + 1 < f.size) {
              continue;
            }
          }
          int a = from;
          int b = Math.min(id + 1, f.size);
          boolean last = b >= f.size;
          Future<List<Chunk>> text =
              pool.submit(
                  () -> {
                    Out o = new Out(free, ts);
                    if (a == 0) {
                      o.put(f.header());
                    }
                    for (int k = a; k < b; k++) {
                      o.series(f.prefix[k], s.at, s.values, s.start[k], s.start[k + 1]);
                    }
                    return o.chunks();
                  });
          parts.add(new Part(text, last ? written : -1));
          while (parts.size() > AHEAD) {
            write(parts.poll(), out, free, progress);
          }
          from = b;
          bytes = 0;
          if (last) {
            break;
          }
        }
      }
      while (!parts.isEmpty()) {
        write(parts.poll(), out, free, progress);
      }
      out.write(bytes("# EOF\n"));
      out.flush();
    } finally {
      pool.shutdownNow(); // after a failure: the parts under way are dropped
    }
  }

  /** Part of the output being formatted; {@code written} to report after it, or -1. */
  private record Part(Future<List<Chunk>> text, long written) {}

  private static void write(
      Part p, OutputStream out, Queue<byte[]> free, java.util.function.LongConsumer progress)
      throws IOException {
    List<Chunk> chunks;
    try {
      chunks = p.text().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
    for (Chunk c : chunks) {
      out.write(c.bytes(), 0, c.length());
      if (c.bytes().length == CHUNK) {
        free.offer(c.bytes());
      }
    }
    if (p.written() >= 0) {
      progress.accept(p.written());
    }
  }

  /** Deletes the spill files. */
  @Override
  public void close() {
    for (Family f : families.values()) {
      try {
        f.delete();
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
      return new Family(name, meta, dir.resolve(name + ".bin"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + dir, e);
    }
  }

  /**
   * The text of every step's timestamp, each as {@code " <seconds>[.<millis>]\n"}: step {@code i}
   * is {@code text[at[i]..at[i + 1])}. All families share the steps, so each is formatted once.
   */
  private Timestamps timestamps() {
    StringBuilder b = new StringBuilder(steps * 16);
    int[] at = new int[steps + 1];
    for (int i = 0; i < steps; i++) {
      at[i] = b.length();
      b.append(' ');
      timestamp(b, times[i]);
      b.append('\n');
    }
    at[steps] = b.length();
    int max = 0;
    for (int i = 0; i < steps; i++) {
      max = Math.max(max, at[i + 1] - at[i]);
    }
    return new Timestamps(bytes(b.toString()), at, max);
  }

  /** Step {@code i}'s text is {@code text[at[i]..at[i + 1])}, at most {@code max} bytes. */
  private record Timestamps(byte[] text, int[] at, int max) {}

  /**
   * One metric family: its series and its spilled samples. The spill holds records of {@link
   * #RECORD} bytes in time order: a negative id {@code -s} starts the samples of step {@code s}
   * (1-based), then {@code (id, value)} for each series at that step.
   */
  private final class Family {
    final String name;
    final MetricMetadata meta;
    final Path file;
    final FileChannel channel;
    final ByteBuffer spill = ByteBuffer.allocate(SPILL_BUFFER).order(ByteOrder.nativeOrder());
    int spillStep;
    boolean deleted;

    /** Per series (by id, in the order first seen): its labels, hash, text up to the value. */
    String[][] labelNames = new String[16][];

    String[][] labelValues = new String[16][];
    int[] hashes = new int[16];
    byte[][] prefix = new byte[16][];
    int[] lastStep = new int[16];
    int[] counts = new int[16];
    int size;
    int expect;

    /** Open addressing over the series: id + 1, 0 when free; at most half full. */
    int[] table = new int[64];

    long samples;

    Family(String name, MetricMetadata meta, Path file) throws IOException {
      this.name = name;
      this.meta = meta;
      this.file = file;
      this.channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    }

    void add(int step, List<String> names, List<String> values, double value) {
      // a snapshot gives a family's series in the same order step after step: try the one after
      // the previous first, compared by label (mostly the same String instances), before hashing
      int id = expect;
      if (id >= size || !same(id, names, values)) {
        int n = names.size();
        int h = n;
        for (int i = 0; i < n; i++) {
          // label names are part of the key: {group="x"} and {priority="x"} are two series
          h = 31 * (31 * h + names.get(i).hashCode()) + values.get(i).hashCode();
        }
        id = find(h, names, values);
        if (id < 0) {
          id = create(h, names, values);
        }
      }
      expect = id + 1;
      if (lastStep[id] == step) {
        throw new IllegalStateException("twice at one instant: " + text(id));
      }
      lastStep[id] = step;
      counts[id]++;
      if (spill.remaining() < 2 * RECORD) {
        flush();
      }
      if (spillStep != step) {
        spill.putInt(-step).putDouble(0);
        spillStep = step;
      }
      spill.putInt(id).putDouble(value);
      samples++;
    }

    private int find(int h, List<String> names, List<String> values) {
      int mask = table.length - 1;
      for (int i = slot(h) & mask; ; i = (i + 1) & mask) {
        int e = table[i];
        if (e == 0) {
          return -1;
        }
        int id = e - 1;
        if (hashes[id] == h && same(id, names, values)) {
          return id;
        }
      }
    }

    private boolean same(int id, List<String> names, List<String> values) {
      String[] n = labelNames[id];
      String[] v = labelValues[id];
      if (n.length != names.size()) {
        return false;
      }
      for (int i = 0; i < n.length; i++) {
        if (!n[i].equals(names.get(i)) || !v[i].equals(values.get(i))) {
          return false;
        }
      }
      return true;
    }

    private int create(int h, List<String> names, List<String> values) {
      int n = names.size();
      String[] ns = new String[n];
      String[] vs = new String[n];
      TreeMap<String, String> labels = new TreeMap<>(extra);
      for (int i = 0; i < n; i++) {
        ns[i] = names.get(i);
        vs[i] = values.get(i);
        if (extra.containsKey(ns[i])) {
          throw new IllegalArgumentException(
              "label "
                  + ns[i]
                  + ": "
                  + meta.getPrometheusName()
                  + " already carries it; choose another name");
        }
        labels.put(ns[i], vs[i]);
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
      if (size == hashes.length) {
        int c = size * 2;
        labelNames = Arrays.copyOf(labelNames, c);
        labelValues = Arrays.copyOf(labelValues, c);
        hashes = Arrays.copyOf(hashes, c);
        prefix = Arrays.copyOf(prefix, c);
        lastStep = Arrays.copyOf(lastStep, c);
        counts = Arrays.copyOf(counts, c);
      }
      int id = size++;
      labelNames[id] = ns;
      labelValues[id] = vs;
      hashes[id] = h;
      prefix[id] = b.toString().getBytes(StandardCharsets.UTF_8);
      if (2 * size > table.length) {
        table = new int[table.length * 2];
        for (int j = 0; j < size; j++) {
          insert(j);
        }
      } else {
        insert(id);
      }
      return id;
    }

    private void insert(int id) {
      int mask = table.length - 1;
      int i = slot(hashes[id]) & mask;
      while (table[i] != 0) {
        i = (i + 1) & mask;
      }
      table[i] = id + 1;
    }

    private String text(int id) {
      return new String(prefix[id], StandardCharsets.UTF_8);
    }

    private void flush() {
      spill.flip();
      try {
        while (spill.hasRemaining()) {
          channel.write(spill);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to " + file, e);
      }
      spill.clear();
    }

    /** Reads the spill back, each series' samples together: their steps and values. */
    Samples read() throws IOException {
      try {
        flush();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      int[] start = new int[size + 1];
      for (int id = 0; id < size; id++) {
        start[id + 1] = start[id] + counts[id];
      }
      int total = start[size];
      int[] next = Arrays.copyOf(start, size);
      int[] at = new int[total];
      double[] values = new double[total];
      ByteBuffer in = ByteBuffer.allocate(1 << 20).order(ByteOrder.nativeOrder());
      channel.position(0);
      int step = 0;
      int filled = 0;
      while (channel.read(in) >= 0 || in.position() > 0) {
        in.flip();
        if (in.remaining() < RECORD) {
          break;
        }
        while (in.remaining() >= RECORD) {
          int id = in.getInt();
          double v = in.getDouble();
          if (id < 0) {
            step = -id - 1;
          } else {
            int k = next[id]++;
            at[k] = step;
            values[k] = v;
            filled++;
          }
        }
        in.compact();
      }
      if (filled != total) {
        throw new IOException(file + " ends early");
      }
      return new Samples(start, at, values);
    }

    /** The family's TYPE, UNIT and HELP lines. */
    byte[] header() {
      String metric = meta.getPrometheusName();
      StringBuilder b = new StringBuilder(256);
      b.append("# TYPE ").append(metric).append(" gauge\n");
      if (meta.getUnit() != null) {
        b.append("# UNIT ").append(metric).append(' ').append(meta.getUnit()).append('\n');
      }
      b.append("# HELP ").append(metric).append(' ');
      escape(b, meta.getHelp());
      b.append('\n');
      return bytes(b.toString());
    }

    void delete() throws IOException {
      if (!deleted) {
        deleted = true;
        channel.close();
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * A family's samples, series by series: series {@code id} is {@code [start[id], start[id + 1])}.
   */
  private record Samples(int[] start, int[] at, double[] values) {}

  /** Formatted text: {@code bytes[0..length)}. */
  private record Chunk(byte[] bytes, int length) {}

  /**
   * Lines gathered as bytes in chunks of {@link #CHUNK} (taken from {@code free}, the chunks
   * already written, when there are some).
   */
  private static final class Out {
    final Queue<byte[]> free;
    final byte[] ts;
    final int[] tsAt;
    final int tsMax;
    final ValueText text = new ValueText();
    final List<Chunk> chunks = new ArrayList<>();
    byte[] buf;
    int pos;

    Out(Queue<byte[]> free, Timestamps t) {
      this.free = free;
      this.ts = t.text();
      this.tsAt = t.at();
      this.tsMax = t.max();
      this.buf = chunk();
    }

    private byte[] chunk() {
      byte[] b = free.poll();
      return b != null ? b : new byte[CHUNK];
    }

    void put(byte[] b) {
      reserve(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    /** The lines of one series: its prefix, each value, each value's timestamp. */
    void series(byte[] prefix, int[] at, double[] values, int from, int to) {
      int line = prefix.length + ValueText.MAX + tsMax;
      for (int k = from; k < to; k++) {
        if (pos + line > buf.length) {
          reserve(line);
        }
        byte[] b = buf;
        int p = pos;
        System.arraycopy(prefix, 0, b, p, prefix.length);
        p = text.put(b, p + prefix.length, values[k]);
        int step = at[k];
        int t0 = tsAt[step];
        int n = tsAt[step + 1] - t0;
        System.arraycopy(ts, t0, b, p, n);
        pos = p + n;
      }
    }

    private void reserve(int n) {
      if (pos + n > buf.length) {
        chunks.add(new Chunk(buf, pos));
        buf = n > CHUNK ? new byte[n] : chunk();
        pos = 0;
      }
    }

    List<Chunk> chunks() {
      chunks.add(new Chunk(buf, pos));
      return chunks;
    }
  }

  /**
   * Sample values as text, the same as {@link #value}: integers formatted without allocation, other
   * numbers by {@link Double#toString} through a small cache, since windowed values repeat.
   */
  private static final class ValueText {
    /** The longest text: {@link Double#toString} gives at most 24 characters. */
    static final int MAX = 32;

    private static final int SLOTS = 1 << 12;
    private final long[] bits = new long[SLOTS];
    private final byte[][] text = new byte[SLOTS][];

    ValueText() {
      Arrays.fill(bits, Double.doubleToRawLongBits(Double.NaN)); // NaN never reaches the cache
    }

    int put(byte[] b, int p, double v) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        return putLong(b, p, (long) v); // 12 rather than 12.0: shorter, and the same value
      }
      byte[] t;
      if (Double.isNaN(v)) {
        t = NAN;
      } else if (v == Double.POSITIVE_INFINITY) {
        t = POS_INF;
      } else if (v == Double.NEGATIVE_INFINITY) {
        t = NEG_INF;
      } else {
        long x = Double.doubleToRawLongBits(v);
        int slot = (int) ((x * 0x9E3779B97F4A7C15L) >>> 52);
        if (bits[slot] != x) {
          text[slot] = bytes(Double.toString(v));
          bits[slot] = x;
        }
        t = text[slot];
      }
      System.arraycopy(t, 0, b, p, t.length);
      return p + t.length;
    }

    static int putLong(byte[] b, int p, long v) {
      if (v < 0) {
        b[p++] = '-';
        v = -v;
      }
      int digits = 1;
      for (long x = v; x >= 10; x /= 10) {
        digits++;
      }
      int end = p + digits;
      for (int i = end - 1; i >= p; i--) {
        b[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      return end;
    }
  }

  private static int slot(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
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
}
