package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.HOUR;

/**
 * How many arrivals of one kind to expect in a given hour: a weekly shape in the team's local time
 * (busy weekday late mornings, quiet nights and weekends) scaled to a daily volume.
 *
 * <pre>{@code
 * Rhythm tickets = Rhythm.tickets(cal, 240); // 240 a day on average over the week
 * double mean = tickets.expected(hour * Rng.HOUR); // Poisson mean for that UTC hour
 * }</pre>
 */
final class Rhythm {
  /** Relative ticket volume per local hour on a weekday: a late-morning peak, quiet nights. */
  private static final double[] WEEKDAY_TICKETS = {
    0.15, 0.12, 0.10, 0.10, 0.12, 0.20, 0.35, 0.70, 1.50, 2.40, 2.90, 3.00, 2.40, 2.50, 2.60, 2.30,
    1.90, 1.30, 0.90, 0.70, 0.55, 0.45, 0.30, 0.20
  };

  /** The shape of a weekend day (flatter, midday); scaled to a fifth of a weekday's volume. */
  private static final double[] WEEKEND_SHAPE = {
    0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.5, 0.8, 1.0, 1.2, 1.3, 1.3, 1.2, 1.2, 1.1, 1.0, 0.9, 0.8,
    0.7, 0.6, 0.5, 0.4, 0.3
  };

  private static final double WEEKEND_SHARE = 0.2;

  private final WorkCalendar cal;

  /** Expected arrivals per [local day of week][local hour]. */
  private final double[][] perHour;

  private Rhythm(WorkCalendar cal, double[][] perHour) {
    this.cal = cal;
    this.perHour = perHour;
  }

  /**
   * Tickets: {@code perDay} on average over a whole week, weekends at about a fifth of weekdays.
   */
  static Rhythm tickets(WorkCalendar cal, double perDay) {
    double[] weekend = scaled(WEEKEND_SHAPE, WEEKEND_SHARE * sum(WEEKDAY_TICKETS));
    double[][] w = new double[7][];
    for (int d = 0; d < 7; d++) {
      w[d] = d < 5 ? WEEKDAY_TICKETS : weekend;
    }
    return normalized(cal, w, perDay);
  }

  /** Survey answers: {@code perDay} on average, from early morning to late evening, every day. */
  static Rhythm surveys(WorkCalendar cal, double perDay) {
    double[][] w = new double[7][24];
    for (int d = 0; d < 7; d++) {
      for (int h = 0; h < 24; h++) {
        w[d][h] = (h >= 7 && h < 23 ? 1.0 : 0.1) * (d < 5 ? 1.0 : 0.6);
      }
    }
    return normalized(cal, w, perDay);
  }

  /** Sales events (new customers, new deals): {@code perWeekday} in weekday working hours only. */
  static Rhythm officeHours(WorkCalendar cal, double perWeekday) {
    double[][] w = new double[7][24];
    for (int d = 0; d < 5; d++) {
      for (int h = 8; h < 17; h++) {
        w[d][h] = perWeekday / 9;
      }
    }
    return new Rhythm(cal, w);
  }

  /** The expected number of arrivals in the UTC hour starting at {@code hourStart}. */
  double expected(long hourStart) {
    long mid = hourStart + HOUR / 2;
    return perHour[cal.dayOfWeek(mid)][cal.localHour(mid)];
  }

  private static Rhythm normalized(WorkCalendar cal, double[][] weights, double perDay) {
    double week = 0;
    for (double[] day : weights) {
      week += sum(day);
    }
    double scale = perDay * 7 / week;
    double[][] out = new double[7][];
    for (int d = 0; d < 7; d++) {
      out[d] = scaled(weights[d], scale * sum(weights[d]));
    }
    return new Rhythm(cal, out);
  }

  private static double[] scaled(double[] shape, double total) {
    double s = sum(shape);
    double[] out = new double[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i] * total / s;
    }
    return out;
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }
}
