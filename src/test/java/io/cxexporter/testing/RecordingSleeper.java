package io.cxexporter.testing;

import io.cxexporter.util.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link Sleeper} that sleeps no real time: it records each wait and moves a {@link MutableClock}
 * on by it, so rate limits and {@code Retry-After} are asserted exactly and tests never wait.
 */
public final class RecordingSleeper implements Sleeper {
  private final MutableClock clock;
  private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  public RecordingSleeper(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration d) {
    waits.add(d);
    clock.advance(d);
  }

  /** Every wait asked for, in order. */
  public List<Duration> waits() {
    synchronized (waits) {
      return List.copyOf(waits);
    }
  }
}
