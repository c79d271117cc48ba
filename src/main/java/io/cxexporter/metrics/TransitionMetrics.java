package io.cxexporter.metrics;

import io.cxexporter.kpi.Transition;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * The counters and histograms fed by live {@link Transition}s: created, solved, reopened,
 * escalated, SLA breaches, survey responses, first-response and resolution times. They count what
 * happened while the process ran, never history read in a backfill.
 *
 * <p>With {@code kpi.tags} the counters also carry {@code tag}: a transition counts once with
 * {@code tag=""} and its dimensions (summable, as without tags), and once per tag value of its
 * ticket with {@code tag} alone (dimensions empty), so the per-tag series are not summable. The
 * histograms carry no {@code tag}, and of the dimensions only {@code kpi.histogram_dimensions}
 * (default {@code [group]}): their buckets multiply every label set by 18, so the full cross
 * product is the largest series cost; the counters keep every dimension.
 *
 * <p>{@code cx_series_dropped_total{source}} counts the label combinations the series budget
 * ({@code kpi.max_series_per_source}) folded into {@code other}, from 0 for every source the engine
 * knows.
 */
public final class TransitionMetrics {
  private final PrometheusRegistry registry;
  private final Counter created;
  private final Counter solved;
  private final Counter reopened;
  private final Counter escalated;
  private final Counter breaches;
  private final Counter surveys;
  private final Counter deals;
  private final Histogram firstResponse;
  private final Histogram resolution;
  private final Counter seriesDropped;

  /** Per source: the engine's running total already counted in {@link #seriesDropped}. */
  private final java.util.Map<String, Long> droppedCounted =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Per histogram dimension: its index in the dimensions. */
  private final int[] histogramIndex;

  private final List<String> histogramDimensions;

  /** Whether the ticket counters carry {@code tag}; how many dimension labels they carry. */
  private final boolean tags;

  private final int dims;

  private final List<String> dimensions;

  private TransitionMetrics(
      PrometheusRegistry registry,
      List<String> dimensions,
      List<String> histogramDimensions,
      boolean tags) {
    if (!dimensions.containsAll(histogramDimensions)) {
      throw new IllegalArgumentException(
          "histogram dimensions " + histogramDimensions + " not all in " + dimensions);
    }
    this.registry = registry;
    this.tags = tags;
    this.dims = dimensions.size();
    this.dimensions = List.copyOf(dimensions);
    this.histogramDimensions = List.copyOf(histogramDimensions);
    this.histogramIndex = histogramDimensions.stream().mapToInt(dimensions::indexOf).toArray();
    List<String> tagged = new ArrayList<>(dimensions);
    if (tags) {
      tagged.add("tag");
    }
    String[] ticket = names(tagged);
    String[] timed = names(histogramDimensions, "hours");
    String[] sla = names(tagged, "target");
    created = counter(MetricNames.TICKETS_CREATED, "Tickets created (first seen live).", ticket);
    solved =
        counter(
            MetricNames.TICKETS_SOLVED, "Ticket solves, a re-solve after a reopen too.", ticket);
    reopened = counter(MetricNames.TICKETS_REOPENED, "Tickets reopened after a solve.", ticket);
    escalated = counter(MetricNames.TICKETS_ESCALATED, "Tickets that became escalated.", ticket);
    breaches =
        counter(
            MetricNames.SLA_BREACHES,
            "SLA targets breached (vendor SLA data where present, else kpi.sla).",
            sla);
    surveys =
        counter(
            MetricNames.SURVEY_RESPONSES,
            "Survey responses (CSAT, NPS, CES) by score.",
            new String[] {"source", "kind", "score"});
    deals =
        counter(
            MetricNames.DEALS_CLOSED,
            "CRM deals closed, by outcome (won or lost).",
            new String[] {"source", "outcome"});
    seriesDropped =
        counter(
            MetricNames.SERIES_DROPPED,
            "Label combinations of a source folded into other by its series budget"
                + " (kpi.max_series_per_source), each once.",
            new String[] {"source"});
    firstResponse =
        histogram(
            MetricNames.FIRST_RESPONSE,
            "Created to first agent reply, observed once per ticket; hours=calendar|business.",
            timed);
    resolution =
        histogram(
            MetricNames.RESOLUTION,
            "Created to solved, observed on each solve; hours=calendar|business.",
            timed);
  }

  /**
   * Registers the transition metrics with {@code dimensions} as labels after {@code source} (of the
   * histograms too).
   *
   * @throws IllegalArgumentException when they are already registered
   */
  public static TransitionMetrics register(PrometheusRegistry registry, List<String> dimensions) {
    return register(registry, dimensions, false);
  }

  /**
   * Registers the transition metrics with {@code dimensions}, and {@code tag} when {@code tags}, as
   * labels of the ticket counters after {@code source} (the histograms carry all {@code
   * dimensions}).
   *
   * @throws IllegalArgumentException when they are already registered
   */
  public static TransitionMetrics register(
      PrometheusRegistry registry, List<String> dimensions, boolean tags) {
    return register(registry, dimensions, dimensions, tags);
  }

  /**
   * Registers the transition metrics as {@code kpi} labels them: its dimensions on the counters,
   * its histogram dimensions on the histograms, {@code tag} on the counters with {@code kpi.tags}.
   *
   * <pre>{@code
   * TransitionMetrics t = TransitionMetrics.register(registry, config.kpi());
   * }</pre>
   *
   * @throws IllegalArgumentException when they are already registered
   */
  public static TransitionMetrics register(
      PrometheusRegistry registry, io.cxexporter.config.KpiConfig kpi) {
    return register(registry, kpi.dimensions(), kpi.histogramDimensions(), kpi.tags() != null);
  }

  /**
   * Registers the transition metrics with {@code dimensions} (and {@code tag} when {@code tags}) on
   * the counters and {@code histogramDimensions}, a subset of them, on the histograms.
   *
   * @throws IllegalArgumentException when they are already registered, or a histogram dimension is
   *     not one of {@code dimensions}
   */
  public static TransitionMetrics register(
      PrometheusRegistry registry,
      List<String> dimensions,
      List<String> histogramDimensions,
      boolean tags) {
    TransitionMetrics m = new TransitionMetrics(registry, dimensions, histogramDimensions, tags);
    for (var c : m.collectors()) {
      registry.register(c);
    }
    return m;
  }

  /** Removes them from the registry (before a reload registers new ones). */
  public void unregister() {
    for (var c : collectors()) {
      registry.unregister(c);
    }
  }

  /**
   * Whether these metrics have the label names that {@code dimensions} and {@code tags} give: a
   * reload that keeps them keeps these metrics and their values.
   */
  public boolean sameLabels(List<String> dimensions, boolean tags) {
    return this.tags == tags && this.dimensions.equals(dimensions);
  }

  /**
   * Whether these metrics have the label names {@code kpi} gives them (dimensions, histogram
   * dimensions, tags): a reload that keeps them keeps these metrics and their values.
   */
  public boolean sameLabels(io.cxexporter.config.KpiConfig kpi) {
    return sameLabels(kpi.dimensions(), kpi.tags() != null)
        && histogramDimensions.equals(kpi.histogramDimensions());
  }

  /** Drops every series of a connector removed by a reload; the others keep counting. */
  public void forget(String source) {
    for (var c : List.of(created, solved, reopened, escalated, breaches, surveys, deals)) {
      c.removeIf(l -> l.get(0).equals(source));
    }
    firstResponse.removeIf(l -> l.get(0).equals(source));
    resolution.removeIf(l -> l.get(0).equals(source));
    seriesDropped.remove(source);
    droppedCounted.remove(source);
  }

  private List<io.prometheus.metrics.model.registry.Collector> collectors() {
    return List.of(
        created,
        solved,
        reopened,
        escalated,
        breaches,
        surveys,
        deals,
        firstResponse,
        resolution,
        seriesDropped);
  }

  /** Creates the series of newly seen label values at 0, so the first increase is visible. */
  public void initialize(io.cxexporter.kpi.SeenLabels seen) {
    for (var c : seen.tickets()) {
      String[] v = counted(c.source(), c.values(), "");
      created.labelValues(v);
      solved.labelValues(v);
      reopened.labelValues(v);
      escalated.labelValues(v);
      for (String hours :
          seen.businessHours() ? List.of("calendar", "business") : List.of("calendar")) {
        firstResponse.labelValues(timed(c.source(), c.values(), hours));
        resolution.labelValues(timed(c.source(), c.values(), hours));
      }
    }
    for (var c : seen.slaTickets()) {
      for (String target : List.of("first_response", "resolution")) {
        breaches.labelValues(counted(c.source(), c.values(), "", target));
      }
    }
    for (var c : tags ? seen.tags() : List.<io.cxexporter.kpi.SeenLabels.Combo>of()) {
      String[] v = counted(c.source(), null, c.values().get(0));
      created.labelValues(v);
      solved.labelValues(v);
      reopened.labelValues(v);
      escalated.labelValues(v);
    }
    for (var c : tags ? seen.slaTags() : List.<io.cxexporter.kpi.SeenLabels.Combo>of()) {
      for (String target : List.of("first_response", "resolution")) {
        breaches.labelValues(counted(c.source(), null, c.values().get(0), target));
      }
    }
    for (var c : seen.surveys()) {
      surveys.labelValues(values(c.source(), c.values()));
    }
    for (String source : seen.dealSources()) {
      deals.labelValues(source, "won");
      deals.labelValues(source, "lost");
    }
    // a running total per engine: a reload's new engine folds the same combinations again, so
    // only what passes the most counted so far is new
    seen.seriesDropped()
        .forEach(
            (source, total) -> {
              long before = droppedCounted.getOrDefault(source, 0L);
              var c = seriesDropped.labelValues(source);
              if (total > before) {
                c.inc(total - before);
                droppedCounted.put(source, total);
              }
            });
  }

  /** Counts each transition once. */
  public void record(List<Transition> transitions) {
    for (Transition t : transitions) {
      switch (t.type()) {
        case CREATED -> inc(created, t);
        case SOLVED -> {
          inc(solved, t);
          observe(resolution, t);
        }
        case FIRST_REPLY -> observe(firstResponse, t);
        case REOPENED -> inc(reopened, t);
        case ESCALATED -> inc(escalated, t);
        case SLA_BREACH -> inc(breaches, t, t.detail());
        case SURVEY -> surveys.labelValues(t.source(), t.detail(), t.score()).inc();
        case DEAL_CLOSED -> deals.labelValues(t.source(), t.detail()).inc();
      }
    }
  }

  /**
   * Counts a ticket transition once without a tag value and, with tags, once per tag value of its
   * ticket.
   */
  private void inc(Counter c, Transition t, String... extra) {
    c.labelValues(counted(t.source(), t.dimensions(), "", extra)).inc();
    if (tags) {
      for (String tag : t.tags()) {
        c.labelValues(counted(t.source(), null, tag, extra)).inc();
      }
    }
  }

  /**
   * Label values of a ticket counter: {@code source}, the dimensions (empty when null: a per-tag
   * series), {@code tag} when tags are on, then {@code extra}.
   */
  private String[] counted(String source, List<String> dimValues, String tag, String... extra) {
    List<String> v = new ArrayList<>();
    v.add(source);
    for (int i = 0; i < dims; i++) {
      v.add(dimValues == null ? "" : dimValues.get(i));
    }
    if (tags) {
      v.add(tag);
    }
    v.addAll(List.of(extra));
    return v.toArray(String[]::new);
  }

  private void observe(Histogram h, Transition t) {
    if (!Double.isNaN(t.calendarSeconds())) {
      h.labelValues(timed(t.source(), t.dimensions(), "calendar")).observe(t.calendarSeconds());
    }
    if (!Double.isNaN(t.businessSeconds())) {
      h.labelValues(timed(t.source(), t.dimensions(), "business")).observe(t.businessSeconds());
    }
  }

  /**
   * Label values of a histogram: {@code source}, the histogram dimensions' values, {@code hours}.
   */
  private String[] timed(String source, List<String> dimValues, String hours) {
    String[] v = new String[histogramIndex.length + 2];
    v[0] = source;
    for (int i = 0; i < histogramIndex.length; i++) {
      v[i + 1] = dimValues.get(histogramIndex[i]);
    }
    v[v.length - 1] = hours;
    return v;
  }

  private static String[] values(String source, List<String> dims, String... extra) {
    List<String> v = new ArrayList<>();
    v.add(source);
    v.addAll(dims);
    v.addAll(List.of(extra));
    return v.toArray(String[]::new);
  }

  private static String[] names(List<String> dims, String... extra) {
    List<String> v = new ArrayList<>();
    v.add("source");
    v.addAll(dims);
    v.addAll(List.of(extra));
    return v.toArray(String[]::new);
  }

  private static final String CACHED =
      " Cached: counted when a sync sees the change, never at scrape time; history read in a"
          + " backfill is not counted.";

  private static Counter counter(String name, String help, String[] labels) {
    return Counter.builder().name(name).help(help + CACHED).labelNames(labels).build();
  }

  private static Histogram histogram(String name, String help, String[] labels) {
    return Histogram.builder()
        .name(name)
        .help(help + CACHED)
        .unit(Unit.SECONDS)
        .labelNames(labels)
        .classicUpperBounds(MetricNames.SERVICE_TIME_BUCKETS)
        .build();
  }
}
