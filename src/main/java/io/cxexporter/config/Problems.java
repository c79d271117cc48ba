package io.cxexporter.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects every configuration problem, each prefixed with its path, so all are shown at once. */
public final class Problems {
  private final List<String> messages = new ArrayList<>();

  /** Records {@code path: message}. */
  public void add(String path, String message) {
    messages.add(path.isEmpty() ? message : path + ": " + message);
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  /** The problems in the order they were found. */
  public List<String> messages() {
    return Collections.unmodifiableList(messages);
  }
}
