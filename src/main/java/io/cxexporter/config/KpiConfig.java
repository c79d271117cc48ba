package io.cxexporter.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How KPIs are computed and labelled.
 *
 * @param windows the windows of the {@code cx_kpi_*} gauges, label value → length, in order
 * @param dimensions the ticket labels, e.g. {@code group, priority, channel}
 * @param maxLabelValues per dimension and source, more values collapse into {@code other}
 * @param businessHours the schedule for {@code hours="business"}, or null when not configured
 * @param sla configured SLA targets by priority
 * @param slaRiskHorizon an open ticket whose target falls due within this is "at risk"
 * @param targets goals exported as {@code cx_kpi_target}
 * @param refreshInterval how often KPIs are recomputed even when nothing changed (time moves)
 * @param tags the {@code tag} label ({@code kpi.tags}), or null for none
 * @param assigneeLabel what the {@code assignee} dimension shows: {@code name} (as the vendor gives
 *     it), {@code id} (the vendor's agent id; {@code unknown} for a named assignee without one,
 *     never the name) or {@code hash} (a keyed hash of the name); only used with that dimension
 * @param assigneeHashKey the HMAC key for {@code hash}, else null
 * @param histogramDimensions the dimensions the ticket histograms carry ({@code
 *     kpi.histogram_dimensions}), each one of {@code dimensions}; counters and gauges carry all of
 *     {@code dimensions}
 * @param maxSeriesPerSource the series budget of a source ({@code kpi.max_series_per_source}): past
 *     it, a new label combination folds into {@code other} (see {@code SeriesBudget})
 */
public record KpiConfig(
    Map<String, Duration> windows,
    List<String> dimensions,
    int maxLabelValues,
    BusinessHoursConfig businessHours,
    List<SlaPolicy> sla,
    Duration slaRiskHorizon,
    List<KpiTarget> targets,
    Duration refreshInterval,
    TagConfig tags,
    String assigneeLabel,
    Secret assigneeHashKey,
    List<String> histogramDimensions,
    int maxSeriesPerSource) {

  /** The default of {@code kpi.max_series_per_source}. */
  public static final int DEFAULT_MAX_SERIES_PER_SOURCE = 20_000;

  /**
   * The least {@code kpi.max_series_per_source}: room for one label combination with SLA series and
   * both histograms in both {@code hours} (78 series) and the all-{@code other} one beside it.
   */
  public static final int MIN_MAX_SERIES_PER_SOURCE = 160;

  /**
   * The default of {@code kpi.histogram_dimensions}: {@code [group]} when {@code group} is one of
   * {@code dimensions}, else none.
   */
  public static List<String> defaultHistogramDimensions(List<String> dimensions) {
    return dimensions.contains("group") ? List.of("group") : List.of();
  }

  /** A config with the default histogram dimensions and series budget. */
  public KpiConfig(
      Map<String, Duration> windows,
      List<String> dimensions,
      int maxLabelValues,
      BusinessHoursConfig businessHours,
      List<SlaPolicy> sla,
      Duration slaRiskHorizon,
      List<KpiTarget> targets,
      Duration refreshInterval,
      TagConfig tags,
      String assigneeLabel,
      Secret assigneeHashKey) {
    this(
        windows,
        dimensions,
        maxLabelValues,
        businessHours,
        sla,
        slaRiskHorizon,
        targets,
        refreshInterval,
        tags,
        assigneeLabel,
        assigneeHashKey,
        defaultHistogramDimensions(dimensions),
        DEFAULT_MAX_SERIES_PER_SOURCE);
  }

  /** A config without the {@code tag} label. */
  public KpiConfig(
      Map<String, Duration> windows,
      List<String> dimensions,
      int maxLabelValues,
      BusinessHoursConfig businessHours,
      List<SlaPolicy> sla,
      Duration slaRiskHorizon,
      List<KpiTarget> targets,
      Duration refreshInterval) {
    this(
        windows,
        dimensions,
        maxLabelValues,
        businessHours,
        sla,
        slaRiskHorizon,
        targets,
        refreshInterval,
        null,
        "name",
        null);
  }

  /** This config with {@code kpi.tags} set ({@code null}: no {@code tag} label). */
  public KpiConfig withTags(TagConfig other) {
    return new KpiConfig(
        windows,
        dimensions,
        maxLabelValues,
        businessHours,
        sla,
        slaRiskHorizon,
        targets,
        refreshInterval,
        other,
        assigneeLabel,
        assigneeHashKey,
        histogramDimensions,
        maxSeriesPerSource);
  }

  /** This config with other {@code kpi.sla} policies. */
  public KpiConfig withSla(List<SlaPolicy> other) {
    return new KpiConfig(
        windows,
        dimensions,
        maxLabelValues,
        businessHours,
        other,
        slaRiskHorizon,
        targets,
        refreshInterval,
        tags,
        assigneeLabel,
        assigneeHashKey,
        histogramDimensions,
        maxSeriesPerSource);
  }

  /** This config with other {@code kpi.histogram_dimensions} and series budget. */
  public KpiConfig withCardinality(List<String> histogramDims, int maxSeries) {
    return new KpiConfig(
        windows,
        dimensions,
        maxLabelValues,
        businessHours,
        sla,
        slaRiskHorizon,
        targets,
        refreshInterval,
        tags,
        assigneeLabel,
        assigneeHashKey,
        histogramDims,
        maxSeries);
  }

  public KpiConfig {
    windows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(windows));
    dimensions = List.copyOf(dimensions);
    sla = List.copyOf(sla);
    targets = List.copyOf(targets);
    histogramDimensions = List.copyOf(histogramDimensions);
    if (!dimensions.containsAll(histogramDimensions)) {
      throw new IllegalArgumentException(
          "histogram dimensions " + histogramDimensions + " not all in " + dimensions);
    }
    if (maxSeriesPerSource < MIN_MAX_SERIES_PER_SOURCE) {
      throw new IllegalArgumentException(
          "maxSeriesPerSource must be at least " + MIN_MAX_SERIES_PER_SOURCE);
    }
  }

  /** The longest window: how much history the KPI engine must keep indexed. */
  public Duration longestWindow() {
    return windows.values().stream().max(Duration::compareTo).orElse(Duration.ofDays(30));
  }
}
