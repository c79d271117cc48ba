package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;

import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws the CRM deals created in one UTC hour: about {@value #PER_WEEKDAY} per weekday in working
 * hours, each won or lost after a long-tailed few days to weeks, and a few that stall and are
 * marked lost after two to three months. Deals from up to {@link #WARM_UP} before the backfill
 * start exist, so the backfill also sees older deals close.
 */
final class DealGenerator implements Generator {
  static final int PER_WEEKDAY = 8;
  static final long WARM_UP = 30 * DAY;

  private static final long REACH = 95 * DAY;
  private static final double WON = 0.36;
  private static final double LOST = 0.54;

  private final long seed;
  private final WorkCalendar cal;
  private final Rhythm rhythm;
  private final long firstHour;

  DealGenerator(DemoOptions options, WorkCalendar cal, long start) {
    this.seed = options.seed();
    this.cal = cal;
    this.rhythm = Rhythm.officeHours(cal, PER_WEEKDAY);
    this.firstHour = Math.floorDiv(start - WARM_UP, HOUR);
  }

  @Override
  public Set<Feed> feeds() {
    return Set.of(Feed.DEALS);
  }

  @Override
  public long firstHour() {
    return firstHour;
  }

  @Override
  public long reach(long hour) {
    return REACH;
  }

  @Override
  public long maxReach() {
    return REACH;
  }

  @Override
  public List<History> generate(long hour) {
    if (hour < firstHour) {
      return List.of();
    }
    long from = hour * HOUR;
    SplittableRandom r = Rng.of(seed, Rng.DEAL, hour);
    long[] times = Rng.arrivals(r, rhythm.expected(from), from, from + HOUR);
    List<History> out = new ArrayList<>(times.length);
    for (int k = 0; k < Math.min(times.length, 100); k++) {
      String id = "deal-" + ((hour - TicketGenerator.HOUR_2020) * 100 + k);
      long created = times[k];
      double amount =
          Math.round(Math.max(500, Math.min(250_000, 6000 * Math.exp(r.nextGaussian()))) / 100)
              * 100.0;
      double u = r.nextDouble();
      DealStage outcome = u < WON ? DealStage.WON : DealStage.LOST;
      long closeAfter =
          u < WON + LOST
              ? Math.min(Rng.lognormalMillis(r, 4 * DAY, 0.9), 60 * DAY)
              : Rng.uniformMillis(r, 60 * DAY, 89 * DAY);
      long closed = cal.plusWorking(created + closeAfter, Rng.uniformMillis(r, 0, HOUR));
      Instant c = Instant.ofEpochMilli(created);
      Instant d = Instant.ofEpochMilli(closed);
      out.add(
          new History.Builder(Feed.DEALS)
              .add(created, new Deal(id, c, c, DealStage.OPEN, null, amount))
              .add(closed, new Deal(id, d, c, outcome, d, amount))
              .build());
    }
    return out;
  }
}
