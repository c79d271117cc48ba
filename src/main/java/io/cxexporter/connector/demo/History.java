package io.cxexporter.connector.demo;

import io.cxexporter.model.Record;
import java.util.Arrays;

/**
 * Every version one simulated record goes through, drawn in advance: version {@code i} is what the
 * record looks like from {@code time(i)} until the next version. A reader at time {@code t} sees
 * {@link #at(long)}; versions after {@code t} stay hidden until the clock reaches them.
 *
 * <p>Identity matters: the event index and the pager tell histories apart by reference.
 */
final class History {
  private final Feed feed;
  private final long[] times;
  private final Record[] versions;

  private History(Feed feed, long[] times, Record[] versions) {
    this.feed = feed;
    this.times = times;
    this.versions = versions;
  }

  /** The stream this record belongs to. */
  Feed feed() {
    return feed;
  }

  /** The number of versions (events). */
  int size() {
    return times.length;
  }

  /** When version {@code i} appeared, epoch milliseconds. */
  long time(int i) {
    return times[i];
  }

  /** Version {@code i}. */
  Record version(int i) {
    return versions[i];
  }

  /** When the last version appears: after it the record never changes. */
  long lastTime() {
    return times[times.length - 1];
  }

  /** The record as of {@code t}: its latest version at or before {@code t}, or null before. */
  Record at(long t) {
    for (int i = times.length - 1; i >= 0; i--) {
      if (times[i] <= t) {
        return versions[i];
      }
    }
    return null;
  }

  /**
   * This history without the versions that only a read from before {@code t} could see: the ones
   * older than the latest version at or before {@code t}, which {@link #at} returns for any time
   * from {@code t} on. Itself when nothing goes.
   */
  History from(long t) {
    int k = 0;
    while (k + 1 < times.length && times[k + 1] <= t) {
      k++;
    }
    return k == 0
        ? this
        : new History(
            feed,
            Arrays.copyOfRange(times, k, times.length),
            Arrays.copyOfRange(versions, k, versions.length));
  }

  /**
   * This history without the versions after {@code t}: what a read up to {@code t} can see, the
   * same as the whole for {@link #at} and the event index up to {@code t}. Itself when nothing
   * goes, null when every version comes after {@code t}.
   */
  History until(long t) {
    int n = times.length;
    while (n > 0 && times[n - 1] > t) {
      n--;
    }
    if (n == times.length) {
      return this;
    }
    return n == 0 ? null : new History(feed, Arrays.copyOf(times, n), Arrays.copyOf(versions, n));
  }

  @Override
  public String toString() {
    return feed.streamName() + "/" + versions[0].id() + " (" + times.length + " versions)";
  }

  /** Collects versions in time order; a version at the same instant as the last replaces it. */
  static final class Builder {
    private final Feed feed;
    private long[] times = new long[8];
    private Record[] versions = new Record[8];
    private int n;

    Builder(Feed feed) {
      this.feed = feed;
    }

    /**
     * Adds the version that holds from {@code t} on.
     *
     * @throws IllegalStateException when {@code t} is before the previous version
     */
    Builder add(long t, Record version) {
      if (n > 0 && t < times[n - 1]) {
        throw new IllegalStateException("version at " + t + " before " + times[n - 1]);
      }
      if (n > 0 && t == times[n - 1]) {
        versions[n - 1] = version;
        return this;
      }
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
        versions = Arrays.copyOf(versions, n * 2);
      }
      times[n] = t;
      versions[n] = version;
      n++;
      return this;
    }

    /** The time of the latest version so far. */
    long lastTime() {
      return times[n - 1];
    }

    History build() {
      return new History(feed, Arrays.copyOf(times, n), Arrays.copyOf(versions, n));
    }
  }
}
