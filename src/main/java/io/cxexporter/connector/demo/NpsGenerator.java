package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.HOUR;

import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws the NPS answers of one UTC hour: about {@value #PER_DAY} a day from the customer base,
 * mostly in daytime, not linked to any ticket. Each answer is a single version.
 */
final class NpsGenerator implements Generator {
  static final int PER_DAY = 15;

  private final long seed;
  private final Rhythm rhythm;
  private final long firstHour;

  NpsGenerator(DemoOptions options, WorkCalendar cal, long start) {
    this.seed = options.seed();
    this.rhythm = Rhythm.surveys(cal, PER_DAY);
    this.firstHour = Math.floorDiv(start, HOUR);
  }

  @Override
  public Set<Feed> feeds() {
    return Set.of(Feed.SURVEYS);
  }

  @Override
  public long firstHour() {
    return firstHour;
  }

  @Override
  public long reach(long hour) {
    return 0;
  }

  @Override
  public long maxReach() {
    return 0;
  }

  @Override
  public List<History> generate(long hour) {
    long from = hour * HOUR;
    SplittableRandom r = Rng.of(seed, Rng.NPS, hour);
    long[] times = Rng.arrivals(r, rhythm.expected(from), from, from + HOUR);
    List<History> out = new ArrayList<>(times.length);
    for (int k = 0; k < Math.min(times.length, 100); k++) {
      Instant at = Instant.ofEpochMilli(times[k]);
      String id = "nps-" + ((hour - TicketGenerator.HOUR_2020) * 100 + k);
      SurveyResponse s =
          new SurveyResponse(
              id, at, SurveyKind.NPS, Feedback.nps(r), 0, 10, at, null, null, null, null);
      out.add(new History.Builder(Feed.SURVEYS).add(times[k], s).build());
    }
    return out;
  }
}
