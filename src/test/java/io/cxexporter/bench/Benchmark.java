package io.cxexporter.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One benchmark of {@code bench/run.sh}: measures and returns flat keys for {@code
 * bench/results/latest.json}. Speed is measured here, never in unit tests.
 */
public interface Benchmark {
  /** A short name for the printed table and the log. */
  String name();

  /**
   * Runs and returns its keys (numbers, or strings for notes). Baselines it compares against are
   * measured in the same call.
   *
   * @param quick the {@code --quick} run: smaller sizes where a goal allows it (kpi_refresh and
   *     history keep their goals' 1M tickets, with fewer repetitions); keys name the size they
   *     measured ({@link BenchMain#size}) and record it in a {@code *_n} key
   * @param work a scratch folder of its own
   */
  Map<String, Object> run(boolean quick, Path work) throws Exception;
}
