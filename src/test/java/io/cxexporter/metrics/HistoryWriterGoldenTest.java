package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the exact bytes {@link HistoryWriter} writes for a small case, so a faster writer stays
 * byte-identical to the one this text was taken from: NaN, infinities, integers (negative zero,
 * large ones), fractions in both {@link Double#toString} forms, timestamps with and without
 * milliseconds, escaped label values, UNIT and HELP lines, label names that differ with equal
 * values, a series that is missing at some instants.
 */
class HistoryWriterGoldenTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  @TempDir Path tmp;

  static final double[] VALUES = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    0,
    -0.0,
    12,
    -3,
    999_999_999_999_999.0,
    1e15,
    -1e15,
    Long.MAX_VALUE,
    0.1,
    1 / 3.0,
    -2.5,
    1e-5,
    123456789.125,
    1.0e20,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    0.001,
    9.999999999999999e22,
  };

  @Test
  void writesTodaysExactBytes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (HistoryWriter w =
        HistoryWriter.create(dir, Map.of("job", "cx-exporter", "instance", "h\\o\"s\nt:9877"))) {
      long[] millis = {0, 1, 10, 100, 999, 1000, 300_000, 300_250};
      for (int i = 0; i < VALUES.length; i++) {
        w.step(T0.plusMillis(i < millis.length ? millis[i] : 300_000L * i + (i % 3) * 7));
        w.add("kpi_csat_ratio", List.of("source", "window"), List.of("zd", "7d"), VALUES[i]);
        if (i % 3 != 1) {
          w.add(
              "kpi_csat_ratio",
              List.of("source", "group", "window"),
              List.of("zd", "a\"b\\c\nd é", "1h"),
              -VALUES[i]);
        }
        w.add(
            "kpi_first_reply_seconds",
            List.of("source", "group", "stat"),
            List.of("zd", "x", "p50"),
            VALUES[VALUES.length - 1 - i]);
        w.add(
            "kpi_first_reply_seconds",
            List.of("source", "priority", "stat"),
            List.of("zd", "x", "p50"),
            i);
        w.add("tickets_open_total_history", List.of("source"), List.of("zd"), i * 0.5);
      }
      w.writeTo(out, n -> {});
    }
    String dump = System.getProperty("cx.golden.dump");
    if (dump != null) {
      Files.write(Path.of(dump), out.toByteArray());
    }
    byte[] expected;
    try (var in = HistoryWriterGoldenTest.class.getResourceAsStream("history-golden.om")) {
      expected = in.readAllBytes();
    }
    // as text first, for a readable difference
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(out.toByteArray()).isEqualTo(expected);
  }
}
