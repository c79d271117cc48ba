package io.cxexporter.util;

import java.time.Duration;

/** Waits; tests inject one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the calling thread. */
  Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

  void sleep(Duration d) throws InterruptedException;
}
