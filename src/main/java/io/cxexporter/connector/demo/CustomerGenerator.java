package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;

import io.cxexporter.model.Customer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws the CRM customers: a base of {@value #BASE} accounts active at the backfill start (joined
 * up to a few years earlier, delivered in the first minutes of the backfill), about {@value
 * #NEW_PER_WEEKDAY} new ones per weekday after it, and for each an exponential time to churn of
 * about {@value #CHURN_PER_MONTH_PERCENT} % a month. Churn is processed in working hours.
 *
 * <p>A customer can churn at any later time, so customers are never forgotten: the set grows by a
 * few small records a day.
 */
final class CustomerGenerator implements Generator {
  static final int BASE = 400;
  static final int NEW_PER_WEEKDAY = 2;
  static final int CHURN_PER_MONTH_PERCENT = 3;

  private static final double MEAN_LIFETIME = 30.44 * DAY * 100 / CHURN_PER_MONTH_PERCENT;

  private final long seed;
  private final WorkCalendar cal;
  private final Rhythm rhythm;
  private final long start;
  private final long firstHour;

  CustomerGenerator(DemoOptions options, WorkCalendar cal, long start) {
    this.seed = options.seed();
    this.cal = cal;
    this.rhythm = Rhythm.officeHours(cal, NEW_PER_WEEKDAY);
    this.start = start;
    this.firstHour = Math.floorDiv(start, HOUR);
  }

  @Override
  public Set<Feed> feeds() {
    return Set.of(Feed.CUSTOMERS);
  }

  @Override
  public long firstHour() {
    return firstHour;
  }

  @Override
  public long reach(long hour) {
    return UNBOUNDED;
  }

  @Override
  public long maxReach() {
    return UNBOUNDED;
  }

  @Override
  public List<History> generate(long hour) {
    List<History> out = new ArrayList<>();
    if (hour == firstHour) {
      base(out);
    }
    long from = hour * HOUR;
    SplittableRandom r = Rng.of(seed, Rng.CUSTOMER, hour);
    long[] times = Rng.arrivals(r, rhythm.expected(from), from, from + HOUR);
    for (int k = 0; k < Math.min(times.length, 100); k++) {
      if (times[k] > start) {
        long since = times[k];
        String id = id(hour, k);
        long churn = churn(r, since);
        out.add(history(id, since, since, churn, mrr(r)));
      }
    }
    return out;
  }

  /** The accounts that were customers already when the backfill starts. */
  private void base(List<History> out) {
    SplittableRandom r = Rng.of(seed, Rng.CUSTOMER_BASE, firstHour);
    long[] since = new long[BASE];
    for (int i = 0; i < BASE; i++) {
      double age = 3 * DAY - Math.log(1 - r.nextDouble()) * 420 * DAY;
      since[i] = cal.plusWorking(start - (long) Math.min(age, 6 * 365 * DAY), 0);
    }
    Arrays.sort(since);
    long previousHour = Long.MIN_VALUE;
    int k = 0;
    for (long s : since) {
      long h = Math.floorDiv(s, HOUR);
      k = h == previousHour ? k + 1 : 0;
      previousHour = h;
      long seen = start + Rng.uniformMillis(r, 1_000, 10 * Rng.MINUTE);
      out.add(history(id(h, k), s, seen, churn(r, seen), mrr(r)));
    }
  }

  private static String id(long hour, int k) {
    return "cus-" + ((hour - TicketGenerator.HOUR_2020) * 100 + k);
  }

  private long churn(SplittableRandom r, long from) {
    double after = -Math.log(1 - r.nextDouble()) * MEAN_LIFETIME;
    long t = from + (long) Math.min(after, 100 * 365 * DAY);
    return cal.plusWorking(t, Rng.uniformMillis(r, 0, 2 * HOUR));
  }

  private static double mrr(SplittableRandom r) {
    double v = 300 * Math.exp(1.1 * r.nextGaussian());
    return Math.round(Math.max(50, Math.min(5000, v)) / 10) * 10.0;
  }

  private static History history(String id, long since, long firstSeen, long churn, double mrr) {
    Instant s = Instant.ofEpochMilli(since);
    Instant c = Instant.ofEpochMilli(churn);
    return new History.Builder(Feed.CUSTOMERS)
        .add(firstSeen, new Customer(id, Instant.ofEpochMilli(firstSeen), s, null, mrr))
        .add(churn, new Customer(id, c, s, c, mrr))
        .build();
  }
}
