package io.cxexporter.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.kpi.KpiCatalog;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.store.AlertLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the {@code alerting.rules} over the latest KPI snapshot: one alert instance per
 * matching series, inactive → pending → firing → resolved, like Prometheus rules. Instances are
 * persisted in the state file after every evaluation, so a restart keeps a firing alert firing
 * (and, with the notifiers' delivery log, does not page again). Baselines come from each series'
 * own history, sampled into the state file.
 *
 * <pre>{@code
 * RuleEvaluator ev = new RuleEvaluator(config, log, clock, publisher::latest, up, tickets, ...);
 * RuleEvaluator.Result r = ev.evaluate();   // every evaluation_interval
 * dispatcher.offer(r.firing(), r.resolved());
 * }</pre>
 */
public final class RuleEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TEMPLATE =
      Pattern.compile("\\{\\{\\s*\\$(value|labels\\.(\\w+))\\s*}}");

  /** Samples kept per baseline window: one an hour for a 7 d window. */
  static final int SAMPLES_PER_WINDOW = 168;

  private final AlertingConfig config;
  private final List<String> dimensions;
  private final AlertLog log;
  private final Clock clock;
  private final Supplier<KpiSnapshot> snapshot;
  private final Supplier<Map<String, Boolean>> connectorsUp;
  private final BiFunction<AlertRule, Map<String, String>, List<TicketRef>> tickets;
  private final String generatorUrl;
  private final Map<String, Instance> instances = new LinkedHashMap<>();

  /** What one evaluation found: every firing alert, and those that resolved just now. */
  public record Result(List<Alert> firing, List<Alert> resolved, List<Alert> pending) {}

  /** One alert instance's state. */
  private static final class Instance {
    final AlertRule rule;
    final SortedMap<String, String> labels;
    Instant activeSince;
    Instant firedAt;
    Instant lastActive;
    double value;
    String condition;
    List<TicketRef> tickets = List.of();

    Instance(AlertRule rule, SortedMap<String, String> labels, Instant activeSince) {
      this.rule = rule;
      this.labels = labels;
      this.activeSince = activeSince;
    }

    boolean firing() {
      return firedAt != null;
    }
  }

  /**
   * @param dimensions the configured {@code kpi.dimensions}
   * @param connectorsUp connector name → its last read succeeded, for {@code connector_up}
   * @param tickets the tickets behind an alert instance (rule, series labels)
   * @param generatorUrl a link back to the exporter (its status page)
   */
  public RuleEvaluator(
      AlertingConfig config,
      List<String> dimensions,
      AlertLog log,
      Clock clock,
      Supplier<KpiSnapshot> snapshot,
      Supplier<Map<String, Boolean>> connectorsUp,
      BiFunction<AlertRule, Map<String, String>, List<TicketRef>> tickets,
      String generatorUrl) {
    this.config = config;
    this.dimensions = List.copyOf(dimensions);
    this.log = log;
    this.clock = clock;
    this.snapshot = snapshot;
    this.connectorsUp = connectorsUp;
    this.tickets = tickets;
    this.generatorUrl = generatorUrl;
    restore();
  }

  /** Loads the instances a previous run left, for rules that still exist. */
  private void restore() {
    for (AlertLog.Instance p : log.instances().values()) {
      try {
        SortedMap<String, String> labels =
            new TreeMap<>(
                JSON.readValue(p.labelsJson(), new TypeReference<Map<String, String>>() {}));
        AlertRule rule = null;
        for (AlertRule r : config.rules()) {
          if (r.name().equals(p.rule()) && r.kpi().equals(labels.get("kpi"))) {
            rule = r;
            break;
          }
        }
        if (rule == null) {
          continue; // the rule was removed: its instances go
        }
        Instance i = new Instance(rule, labels, p.activeSince());
        i.firedAt = p.firedAt();
        i.lastActive = p.lastActive();
        i.value = p.value();
        i.condition = rule.condition().describe();
        instances.put(p.fingerprint(), i);
      } catch (JsonProcessingException e) {
        LOG.warn("dropping an unreadable stored alert of rule {}", p.rule());
      }
    }
    if (!instances.isEmpty()) {
      LOG.info("restored {} alert instance(s) from the state file", instances.size());
    }
  }

  /** One evaluation of every rule at the clock's time. */
  public synchronized Result evaluate() {
    Instant now = clock.instant();
    KpiSnapshot snap = snapshot.get();
    Map<String, Boolean> up = connectorsUp.get();
    List<Alert> resolved = new ArrayList<>();
    Map<String, Instance> seen = new LinkedHashMap<>();
    for (AlertRule rule : config.rules()) {
      for (Match m : matches(rule, snap, up)) {
        SortedMap<String, String> labels = labels(rule, m.labels());
        String fp = Fingerprint.of(labels);
        boolean active;
        String condition = rule.condition().describe();
        if (rule.condition() instanceof AlertRule.Above a) {
          active = m.value() > a.threshold();
        } else if (rule.condition() instanceof AlertRule.Below b) {
          active = m.value() < b.threshold();
        } else {
          AlertRule.AboveBaseline b = (AlertRule.AboveBaseline) rule.condition();
          Baseline base = baseline(fp, b, m.value(), now);
          active = base.samples() >= b.minSamples() && m.value() > b.factor() * base.mean();
          condition =
              condition + " (" + Format.number(base.mean()) + ", " + base.samples() + " samples)";
        }
        if (Double.isNaN(m.value())) {
          active = false;
        }
        Instance i = instances.get(fp);
        if (active) {
          if (i == null) {
            i = new Instance(rule, labels, now);
            instances.put(fp, i);
          }
          i.lastActive = now;
          i.value = m.value();
          i.condition = condition;
          if (!i.firing() && !now.isBefore(i.activeSince.plus(rule.pendingFor()))) {
            i.firedAt = now;
            LOG.info(
                "alert {} firing: {} is {}, {}",
                rule.name(),
                labels,
                Format.number(m.value()),
                condition);
          }
          seen.put(fp, i);
        } else if (i != null) {
          i.value = m.value();
        }
      }
    }
    // instances not active now: pending ones go, firing ones resolve after keep_firing_for
    for (var it = instances.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      Instance i = e.getValue();
      if (seen.containsKey(e.getKey())) {
        continue;
      }
      if (!i.firing()) {
        it.remove();
      } else if (!now.isBefore(i.lastActive.plus(i.rule.keepFiringFor()))) {
        it.remove();
        LOG.info("alert {} resolved: {}", i.rule.name(), i.labels);
        resolved.add(alert(i, now));
      }
    }
    List<Alert> firing = new ArrayList<>();
    List<Alert> pending = new ArrayList<>();
    for (Instance i : instances.values()) {
      if (i.firing()) {
        if (i.tickets.isEmpty() || seen.containsKey(Fingerprint.of(i.labels))) {
          i.tickets = safeTickets(i);
        }
        firing.add(alert(i, null));
      } else {
        pending.add(alert(i, null));
      }
    }
    persist();
    return new Result(firing, resolved, pending);
  }

  private List<TicketRef> safeTickets(Instance i) {
    try {
      return tickets.apply(i.rule, i.labels);
    } catch (RuntimeException e) {
      LOG.warn("no ticket context for alert {}: {}", i.rule.name(), e.toString());
      return List.of();
    }
  }

  private void persist() {
    List<AlertLog.Instance> rows = new ArrayList<>();
    for (var e : instances.entrySet()) {
      Instance i = e.getValue();
      try {
        rows.add(
            new AlertLog.Instance(
                i.rule.name(),
                e.getKey(),
                JSON.writeValueAsString(i.labels),
                i.firing() ? "firing" : "pending",
                i.activeSince,
                i.firedAt,
                i.lastActive == null ? i.activeSince : i.lastActive,
                Double.isNaN(i.value) ? 0 : i.value));
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      }
    }
    log.replaceInstances(rows);
  }

  private Alert alert(Instance i, Instant endsAt) {
    Map<String, String> annotations = new LinkedHashMap<>();
    for (var a : i.rule.annotations().entrySet()) {
      annotations.put(a.getKey(), expand(a.getValue(), i));
    }
    annotations.putIfAbsent(
        "description",
        i.rule.kpi()
            + " "
            + seriesText(i.labels)
            + " is "
            + Format.number(i.value)
            + ", "
            + i.condition);
    annotations.put("value", Format.number(i.value));
    annotations.put("condition", i.condition == null ? i.rule.condition().describe() : i.condition);
    return new Alert(
        i.labels,
        annotations,
        endsAt == null,
        i.firedAt == null ? i.activeSince : i.firedAt,
        endsAt,
        i.value,
        annotations.get("condition"),
        i.tickets,
        generatorUrl);
  }

  private static String expand(String template, Instance i) {
    Matcher m = TEMPLATE.matcher(template);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v =
          m.group(2) == null ? Format.number(i.value) : i.labels.getOrDefault(m.group(2), "");
      m.appendReplacement(b, Matcher.quoteReplacement(v));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String seriesText(Map<String, String> labels) {
    List<String> parts = new ArrayList<>();
    labels.forEach(
        (k, v) -> {
          if (!k.equals("alertname") && !k.equals("severity") && !k.equals("kpi")) {
            parts.add(k + "=" + v);
          }
        });
    return "{" + String.join(", ", parts) + "}";
  }

  /** The alert's labels: alertname, severity, the rule's labels, kpi and the series' labels. */
  private static SortedMap<String, String> labels(AlertRule rule, Map<String, String> series) {
    SortedMap<String, String> l = new TreeMap<>(series);
    l.putAll(rule.labels());
    l.put("alertname", rule.name());
    l.put("severity", rule.severity());
    l.put("kpi", rule.kpi());
    return l;
  }

  /** A series a rule selects, with the labels that identify it. */
  record Match(Map<String, String> labels, double value) {}

  /** The series (or sums of series) a rule selects, one per alert instance. */
  List<Match> matches(AlertRule rule, KpiSnapshot snap, Map<String, Boolean> up) {
    Map<String, String> f = rule.filters();
    if (rule.kpi().equals("connector_up")) {
      List<Match> out = new ArrayList<>();
      up.forEach(
          (source, ok) -> {
            if (accepts(f.get("source"), source)) {
              out.add(new Match(Map.of("source", source), ok ? 1 : 0));
            }
          });
      return out;
    }
    if (KpiCatalog.isWindowed(rule.kpi())) {
      List<Match> out = new ArrayList<>();
      for (KpiSeries s : snap.find("kpi_" + rule.kpi(), Map.of())) {
        Map<String, String> labels = labelsOf(s);
        if (selects(f, labels)) {
          out.add(new Match(labels, s.value()));
        }
      }
      return out;
    }
    // instant gauges are additive over the dimensions the rule does not name (oldest age: max)
    boolean max =
        rule.kpi().equals("ticket_open_oldest_age_seconds")
            || rule.kpi().equals("ticket_unassigned_oldest_age_seconds");
    Map<Map<String, String>, Double> groups = new LinkedHashMap<>();
    for (KpiSeries s : snap.find(rule.kpi(), Map.of())) {
      Map<String, String> labels = labelsOf(s);
      boolean ok = true;
      Map<String, String> key = new TreeMap<>();
      key.put("source", labels.get("source"));
      for (var e : f.entrySet()) {
        String v = labels.get(e.getKey());
        ok &= v != null && accepts(e.getValue(), v);
        key.put(e.getKey(), v);
      }
      if (ok) {
        groups.merge(key, s.value(), max ? Math::max : Double::sum);
      }
    }
    List<Match> out = new ArrayList<>();
    groups.forEach((k, v) -> out.add(new Match(k, v)));
    return out;
  }

  /**
   * Whether a windowed KPI series is selected: its dimension labels are exactly the dimensions the
   * rule names (none: the whole-source series), and every filter accepts its label.
   */
  private boolean selects(Map<String, String> f, Map<String, String> labels) {
    for (String d : dimensions) {
      if (labels.containsKey(d) != f.containsKey(d)) {
        return false;
      }
    }
    for (var e : f.entrySet()) {
      String v = labels.get(e.getKey());
      if (v == null || !accepts(e.getValue(), v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean accepts(String filter, String value) {
    return filter == null || filter.equals("*") || filter.equals(value);
  }

  private static Map<String, String> labelsOf(KpiSeries s) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < s.labelNames().size(); i++) {
      String v = s.labelValues().get(i);
      if (v != null && !v.isEmpty()) {
        m.put(s.labelNames().get(i), v);
      }
    }
    return m;
  }

  /** The mean of a series' sampled history and how many samples it rests on. */
  record Baseline(double mean, int samples) {}

  /**
   * The series' baseline over {@code b.window()} before now, then records {@code value} as a new
   * sample when the last one is older than window / {@value #SAMPLES_PER_WINDOW}.
   */
  private Baseline baseline(String series, AlertRule.AboveBaseline b, double value, Instant now) {
    List<AlertLog.Sample> past = log.samples(series, now.minus(b.window()), now);
    double sum = 0;
    for (AlertLog.Sample s : past) {
      sum += s.value();
    }
    Duration every = b.window().dividedBy(SAMPLES_PER_WINDOW);
    boolean due = past.isEmpty() || !past.get(past.size() - 1).at().isAfter(now.minus(every));
    if (due && !Double.isNaN(value)) {
      log.addSample(series, now, value, now.minus(b.window()));
    }
    return new Baseline(past.isEmpty() ? Double.NaN : sum / past.size(), past.size());
  }

  /** Pending and firing alerts now, for the status page. */
  public synchronized List<Alert> active() {
    List<Alert> out = new ArrayList<>();
    instances.values().forEach(i -> out.add(alert(i, null)));
    return out;
  }

  /** The evaluation interval. */
  public Duration interval() {
    return config.evaluationInterval();
  }
}
