package io.cxexporter.kpi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The series budget of one source ({@code kpi.max_series_per_source}): bounds the series its label
 * combinations create, folding a combination that does not fit into {@code other}.
 *
 * <p><b>What counts.</b> The series a source's ticket label combinations create at 0 and keep while
 * the process runs, one per sample line of the text format: per combination of {@code
 * kpi.dimensions} one series of each of the four ticket counters ({@code cx_tickets_created_total},
 * {@code _solved_total}, {@code _reopened_total}, {@code _escalated_total}) and, when the source
 * has SLA series, two of {@code cx_sla_breaches_total} (one per target); per combination of {@code
 * kpi.histogram_dimensions} (the projection several combinations share) {@value #HISTOGRAM_SAMPLES}
 * series (15 buckets, {@code +Inf}, {@code _sum}, {@code _count}) of each of the two ticket
 * histograms per {@code hours} value (calendar, and business with {@code kpi.business_hours}). The
 * gauges ({@code cx_tickets_open} and its kin) exist only for the combinations with open tickets
 * and the {@code cx_kpi_*} gauges grow with the sum of the dimensions' values, not their product,
 * so neither is counted. Per-{@code tag} series have their own bound ({@code kpi.tags.max_values}).
 *
 * <p><b>Folding.</b> A combination not seen before is admitted when its series (the counter series,
 * plus the histogram series when its projection is new) fit with room left for the all-{@code
 * other} combination. Otherwise it folds: first its values that no admitted combination carries
 * (the new dimension values) become {@code other}; when that combination is neither admitted nor
 * fits, every value becomes {@code other}. The all-{@code other} combination is always admitted, so
 * the series stay within the budget (a source whose vendor SLA data first appears adds its SLA
 * series to the combinations already admitted, and may pass it then; later combinations fold).
 *
 * <p>The folds are counted once per distinct combination folded ({@link #dropped()}), exported as
 * {@code cx_series_dropped_total{source}}. Not thread-safe: the engine's lock guards it.
 */
final class SeriesBudget {
  /** Series per label set of a histogram: 15 buckets, +Inf, _sum and _count. */
  static final int HISTOGRAM_SAMPLES = 18;

  /** Ticket counters per combination: created, solved, reopened, escalated. */
  static final int TICKET_COUNTERS = 4;

  /** SLA breach series per combination: first_response and resolution. */
  static final int SLA_TARGETS = 2;

  private final int max;
  private final int[] histogramIndex;
  private final int hoursValues;
  private final BooleanSupplier sla;
  private final List<String> allOther;

  private int combos;
  private boolean allOtherAdmitted;
  private final Set<List<String>> projections = new HashSet<>();

  /** Per dimension: the values some admitted combination carries. */
  private final List<Set<String>> admittedValues = new ArrayList<>();

  /** Folded combinations, by the combination they were folded from. */
  private final Map<List<String>, List<String>> folded = new HashMap<>();

  /**
   * A budget of {@code max} series.
   *
   * @param dimensions {@code kpi.dimensions}
   * @param histogramDimensions {@code kpi.histogram_dimensions}, each one of {@code dimensions}
   * @param businessHours whether the histograms have {@code hours="business"} series too
   * @param sla whether the source has SLA series now
   */
  SeriesBudget(
      int max,
      List<String> dimensions,
      List<String> histogramDimensions,
      boolean businessHours,
      BooleanSupplier sla) {
    this.max = max;
    this.histogramIndex = histogramDimensions.stream().mapToInt(dimensions::indexOf).toArray();
    this.hoursValues = businessHours ? 2 : 1;
    this.sla = sla;
    this.allOther = Collections.nCopies(dimensions.size(), LabelCap.OTHER);
    for (int i = 0; i < dimensions.size(); i++) {
      admittedValues.add(new HashSet<>());
    }
  }

  /** Forgets every combination (before they are admitted again, in a new order). */
  void clear() {
    combos = 0;
    allOtherAdmitted = false;
    projections.clear();
    folded.clear();
    admittedValues.forEach(Set::clear);
  }

  /**
   * The combination a new (not yet admitted) combination {@code dims} becomes: itself when it fits,
   * else its fold. The caller admits the result with {@link #admit} unless it already is.
   *
   * @param known whether a combination is admitted already
   */
  List<String> place(List<String> dims, java.util.function.Predicate<List<String>> known) {
    List<String> to = folded.get(dims);
    if (to != null) {
      return to;
    }
    if (fits(dims)) {
      return dims;
    }
    List<String> partial = new ArrayList<>(dims.size());
    for (int i = 0; i < dims.size(); i++) {
      partial.add(admittedValues.get(i).contains(dims.get(i)) ? dims.get(i) : LabelCap.OTHER);
    }
    to = known.test(partial) || fits(partial) ? List.copyOf(partial) : allOther;
    folded.put(dims, to);
    return to;
  }

  /** Counts the series of a combination now admitted. */
  void admit(List<String> dims) {
    combos++;
    allOtherAdmitted |= dims.equals(allOther);
    projections.add(projection(dims));
    for (int i = 0; i < dims.size(); i++) {
      admittedValues.get(i).add(dims.get(i));
    }
  }

  /** The series the admitted combinations create now. */
  long series() {
    return (long) combos * perCombination() + (long) projections.size() * perProjection();
  }

  /** Distinct combinations folded so far. */
  long dropped() {
    return folded.size();
  }

  /** The combinations folded so far, each with what it became (for tests). */
  Map<List<String>, List<String>> folds() {
    return Map.copyOf(folded);
  }

  private boolean fits(List<String> dims) {
    if (dims.equals(allOther)) {
      return true;
    }
    long need = series() + cost(dims);
    if (!allOtherAdmitted) {
      need += cost(allOther) - sharedProjection(dims);
    }
    return need <= max;
  }

  /** The series {@code dims} adds when admitted now. */
  private long cost(List<String> dims) {
    return perCombination() + (projections.contains(projection(dims)) ? 0 : perProjection());
  }

  /** The histogram series counted twice when {@code dims} and all-other share a new projection. */
  private long sharedProjection(List<String> dims) {
    List<String> p = projection(dims);
    return !projections.contains(p) && p.equals(projection(allOther)) ? perProjection() : 0;
  }

  private long perCombination() {
    return TICKET_COUNTERS + (sla.getAsBoolean() ? SLA_TARGETS : 0);
  }

  private long perProjection() {
    return 2L * hoursValues * HISTOGRAM_SAMPLES;
  }

  private List<String> projection(List<String> dims) {
    List<String> p = new ArrayList<>(histogramIndex.length);
    for (int i : histogramIndex) {
      p.add(dims.get(i));
    }
    return p;
  }
}
