package io.cxexporter.config;

import java.util.Objects;

/**
 * A credential read from the config, an environment variable or a {@code *_file}. Its {@link
 * #toString()} never shows the value, so a secret that reaches a log line or an error stays hidden.
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret itself: only for building an auth header. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "<secret>";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
