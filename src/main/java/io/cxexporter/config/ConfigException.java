package io.cxexporter.config;

import java.util.List;

/**
 * The config is invalid: every problem, each naming its path. Carries no stack trace worth showing.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(source + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, each {@code path: message}. */
  public List<String> problems() {
    return problems;
  }
}
