package io.cxexporter.connector.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Id → name lookups for labels (groups, agents), cached on Caffeine. A lookup never fails or stalls
 * the stream that asks: a name not (yet) known, or one whose lookup failed, is the id itself, and
 * the failure is logged, reported to the connector's {@link RequestListener#onLookupFailed} and
 * retried later. Two shapes:
 *
 * <ul>
 *   <li>{@link #listed}: the vendor lists them all (Zendesk {@code /groups}); the list is loaded on
 *       first use, reloaded in the background once it is older than {@code refreshAfter} (the old
 *       names are served meanwhile), and at once when an unknown id appears or the last load failed
 *       (at most once a minute);
 *   <li>{@link #batched}: the vendor looks ids up in batches (Zendesk {@code users/show_many});
 *       {@link #prefetch} loads a page's unknown ids before its records are mapped (so a record
 *       carries its name from the first sight), and names older than {@code refreshAfter} are
 *       reloaded in the background while the old ones are served. After a failed batch, new ids are
 *       not looked up for a minute, so a lookup that hangs costs the stream one request timeout a
 *       minute, not one a page.
 * </ul>
 *
 * <p>Give the loaders a client {@link ApiClient#forLookups() for lookups} (one attempt, no
 * retries): a lookup that fails or hangs then holds up the asking stream by at most one request
 * timeout.
 *
 * <pre>{@code
 * NameDirectory groups =
 *     NameDirectory.listed("groups", this::loadGroups, Duration.ofHours(1), clock, ctx.requests());
 * String name = groups.name("360001");   // "Billing", or "360001" until known
 * }</pre>
 */
public final class NameDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(NameDirectory.class);
  private static final Duration UNKNOWN_RELOAD = Duration.ofMinutes(1);

  /** Numeric ids in numeric order (shorter first), so batches ask for ids as people sort them. */
  private static final Comparator<String> ID_ORDER =
      Comparator.comparingInt(String::length).thenComparing(s -> s);

  /** Loads the whole list: id → name. */
  @FunctionalInterface
  public interface ListLoader {
    Map<String, String> load() throws ConnectorException;
  }

  /** Loads up to a batch of ids: id → name (ids it does not return are unknown to the vendor). */
  @FunctionalInterface
  public interface BatchLoader {
    Map<String, String> load(List<String> ids) throws ConnectorException;
  }

  /** A loaded list, or one looked-up name, with when it was loaded. */
  private record Loaded<T>(T value, Instant at) {}

  private final String what;
  private final Clock clock;
  private final RequestListener failures;
  private final ListLoader list;
  private final BatchLoader batch;
  private final int batchSize;
  private final Duration refreshAfter;
  private final Executor background;
  private final Cache<String, Loaded<String>> names;
  private volatile Loaded<Map<String, String>> all;
  private volatile Instant lastListTry;
  private volatile Instant lastBatchFailure;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();

  private NameDirectory(
      String what,
      Clock clock,
      RequestListener failures,
      ListLoader list,
      BatchLoader batch,
      int batchSize,
      Duration refreshAfter,
      long maxSize,
      Executor background) {
    this.what = what;
    this.clock = clock;
    this.failures = failures;
    this.list = list;
    this.batch = batch;
    this.batchSize = batchSize;
    this.refreshAfter = refreshAfter;
    this.background = background;
    this.names =
        Caffeine.newBuilder()
            .ticker(() -> clock.millis() * 1_000_000L)
            .maximumSize(maxSize)
            .expireAfterWrite(refreshAfter.multipliedBy(2))
            .build();
  }

  /**
   * A directory of a list the vendor returns whole.
   *
   * @param what a name for log lines, e.g. {@code groups}
   * @param refreshAfter how old the list may get before it is reloaded in the background
   */
  public static NameDirectory listed(
      String what,
      ListLoader loader,
      Duration refreshAfter,
      Clock clock,
      RequestListener failures) {
    return listed(what, loader, refreshAfter, clock, failures, ForkJoinPool.commonPool());
  }

  /** As above, refreshing on {@code background} (tests pass a queue they run by hand). */
  static NameDirectory listed(
      String what,
      ListLoader loader,
      Duration refreshAfter,
      Clock clock,
      RequestListener failures,
      Executor background) {
    return new NameDirectory(what, clock, failures, loader, null, 0, refreshAfter, 1, background);
  }

  /**
   * A directory the vendor answers in batches of up to {@code batchSize} ids.
   *
   * @param maxSize the most names kept
   */
  public static NameDirectory batched(
      String what,
      BatchLoader loader,
      int batchSize,
      Duration refreshAfter,
      long maxSize,
      Clock clock,
      RequestListener failures) {
    return batched(
        what, loader, batchSize, refreshAfter, maxSize, clock, failures, ForkJoinPool.commonPool());
  }

  /** As above, refreshing on {@code background}. */
  static NameDirectory batched(
      String what,
      BatchLoader loader,
      int batchSize,
      Duration refreshAfter,
      long maxSize,
      Clock clock,
      RequestListener failures,
      Executor background) {
    return new NameDirectory(
        what, clock, failures, null, loader, batchSize, refreshAfter, maxSize, background);
  }

  /** The name of {@code id}, or the id while it is unknown. Never throws. */
  public String name(String id) {
    if (list == null) {
      Loaded<String> n = names.getIfPresent(id);
      return n == null ? id : n.value();
    }
    Loaded<Map<String, String>> m = all;
    if ((m == null || !m.value().containsKey(id)) && mayReloadForUnknown()) {
      m = loadList();
    } else if (m != null && isOld(m.at())) {
      refreshInBackground(this::loadList);
    }
    return m == null ? id : m.value().getOrDefault(id, id);
  }

  /**
   * Makes sure the names of {@code ids} are known: one request per {@code batchSize} unknown or
   * stale ids. A failed batch leaves its ids unnamed (they stay ids) and is tried again next time.
   */
  public void prefetch(Collection<String> ids) {
    TreeSet<String> missing = new TreeSet<>(ID_ORDER);
    TreeSet<String> stale = new TreeSet<>(ID_ORDER);
    for (String id : ids) {
      Loaded<String> n = names.getIfPresent(id);
      if (n == null) {
        missing.add(id);
      } else if (isOld(n.at())) {
        stale.add(id);
      }
    }
    if (!missing.isEmpty() && !recentlyFailed()) {
      loadBatches(missing);
    }
    if (!stale.isEmpty()) {
      refreshInBackground(() -> loadBatches(stale));
    }
  }

  private void loadBatches(TreeSet<String> ids) {
    while (!ids.isEmpty()) {
      List<String> ask = new ArrayList<>();
      while (!ids.isEmpty() && ask.size() < batchSize) {
        ask.add(ids.pollFirst());
      }
      try {
        Map<String, String> got = batch.load(ask);
        recovered();
        Instant now = clock.instant();
        for (String id : ask) {
          // deleted or not visible to us: the id stands for the name
          names.put(id, new Loaded<>(got.getOrDefault(id, id), now));
        }
      } catch (ConnectorException e) {
        lastBatchFailure = clock.instant();
        failed(e);
        return;
      }
    }
  }

  private boolean recentlyFailed() {
    Instant last = lastBatchFailure;
    return last != null && clock.instant().isBefore(last.plus(UNKNOWN_RELOAD));
  }

  private boolean mayReloadForUnknown() {
    Instant last = lastListTry;
    return last == null || !clock.instant().isBefore(last.plus(UNKNOWN_RELOAD));
  }

  private boolean isOld(Instant loaded) {
    return !clock.instant().isBefore(loaded.plus(refreshAfter));
  }

  private Loaded<Map<String, String>> loadList() {
    lastListTry = clock.instant();
    try {
      all = new Loaded<>(Map.copyOf(list.load()), clock.instant());
      recovered();
    } catch (ConnectorException e) {
      failed(e);
    }
    return all;
  }

  private void recovered() {
    if (failing.compareAndSet(true, false)) {
      LOG.info("{} lookup works again", what);
      failures.onLookupRecovered(what);
    }
  }

  private void failed(ConnectorException e) {
    failing.set(true);
    LOG.warn("{} lookup failed ({}); ids stand for names until it works", what, e.getMessage());
    failures.onLookupFailed(what, e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
  }

  /** Runs one refresh at a time on the background executor; the old names serve meanwhile. */
  private void refreshInBackground(Runnable refresh) {
    if (refreshing.compareAndSet(false, true)) {
      background.execute(
          () -> {
            try {
              refresh.run();
            } finally {
              refreshing.set(false);
            }
          });
    }
  }
}
