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
   * @param quick the {@code --quick} run: smaller sizes, the whole harness under 5 minutes on 2
   *     cores; keys keep their names and say the size they measured in a {@code *_n} key
   * @param work a scratch folder of its own
   */
  Map<String, Object> run(boolean quick, Path work) throws Exception;
}
