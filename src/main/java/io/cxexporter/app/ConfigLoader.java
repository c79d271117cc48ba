package io.cxexporter.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.alerting.notify.Notifiers;
import io.cxexporter.config.BusinessHoursConfig;
import io.cxexporter.config.BusinessHoursParser;
import io.cxexporter.config.ConfigException;
import io.cxexporter.config.Fingerprint;
import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.KpiTarget;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Secret;
import io.cxexporter.config.ServerConfig;
import io.cxexporter.config.Settings;
import io.cxexporter.config.SlaPolicy;
import io.cxexporter.config.TagConfig;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.kpi.KpiCatalog;
import io.cxexporter.store.OnCorruption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the YAML config into a validated {@link ExporterConfig}: strict (unknown keys fail), {@code
 * ${ENV}} substitution, {@code *_file} secrets, every problem reported with its path.
 *
 * <pre>{@code
 * ExporterConfig cfg = ConfigLoader.standard().load(Path.of("cx.yml"));   // or throws
 * ConfigException e; e.problems() → ["connectors[0].pol_interval: unknown key", ...]
 * }</pre>
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** The classpath resource of the built-in demo config (the same text as examples/demo.yml). */
  public static final String DEMO_RESOURCE = "/io/cxexporter/config/demo.yml";

  private static final List<String> DIMENSIONS =
      List.of("group", "priority", "channel", "assignee");

  /** The longest {@code shutdown_timeout}: under Kubernetes' 30 s grace period. */
  static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);

  private static final Set<String> CONNECTOR_COMMON = Set.of("name", "type", "poll_interval");

  private final Function<String, String> env;
  private final Map<String, ConnectorFactory<?>> factories;

  public ConfigLoader(Function<String, String> env, Map<String, ConnectorFactory<?>> factories) {
    this.env = env;
    this.factories =
        java.util.Collections.unmodifiableMap(new TreeMap<>(factories)); // sorted for messages
  }

  /** A loader with the process environment and every connector on the class path. */
  public static ConfigLoader standard() {
    return new ConfigLoader(System::getenv, discoverFactories());
  }

  /** Every {@link ConnectorFactory} found by {@link ServiceLoader}, by type. */
  public static Map<String, ConnectorFactory<?>> discoverFactories() {
    Map<String, ConnectorFactory<?>> out = new TreeMap<>();
    for (ConnectorFactory<?> f : ServiceLoader.load(ConnectorFactory.class)) {
      out.put(f.type(), f);
    }
    return out;
  }

  /**
   * Loads and validates a config file.
   *
   * @throws ConfigException listing every problem, each with its path
   */
  public ExporterConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(), List.of("cannot read file (" + e.getClass().getSimpleName() + ")"));
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), base == null ? Path.of(".") : base);
  }

  /** The built-in demo config, used when no {@code --config.file} is given. */
  public ExporterConfig loadBuiltInDemo() throws ConfigException {
    return parse(builtInDemoText(), "built-in demo", Path.of("."));
  }

  /** The text of the built-in demo config. */
  public static String builtInDemoText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEMO_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEMO_RESOURCE, e);
    }
  }

  /**
   * Parses and validates YAML text.
   *
   * @param origin names the text in messages (its file name)
   * @param baseDir where relative {@code *_file} paths and {@code state.path} are resolved
   * @throws ConfigException listing every problem
   */
  public ExporterConfig parse(String yaml, String origin, Path baseDir) throws ConfigException {
    Map<String, Object> tree = parseYaml(yaml, origin);
    Problems problems = new Problems();
    Settings root = Settings.root(tree, problems, env, baseDir);

    ServerConfig server = server(root.object("server"), baseDir);
    // like Prometheus' storage path, state.path is relative to the working directory
    Settings stateBlock = root.object("state");
    Path state = Path.of(stateBlock.string("path", "./cx-data")).normalize();
    OnCorruption onCorruption = onCorruption(stateBlock);
    KpiConfig kpi = kpi(root.object("kpi"));
    List<ConnectorSpec> connectors = connectors(root, origin, baseDir);
    AlertingConfig alerting =
        root.has("alerting")
            ? AlertingConfig.read(root.object("alerting"), kpi.dimensions(), kpi.windows().keySet())
            : AlertingConfig.NONE;
    // the notifiers are built once here so their problems are reported with the rest
    Notifiers.read(alerting.notifiers(), Clock.systemUTC());
    Duration shutdownTimeout =
        root.duration("shutdown_timeout", ExporterConfig.DEFAULT_SHUTDOWN_TIMEOUT);
    if (shutdownTimeout.isZero() || shutdownTimeout.compareTo(MAX_SHUTDOWN_TIMEOUT) > 0) {
      root.problem(
          "shutdown_timeout",
          "must be more than 0 and at most 25s (Kubernetes kills after 30s), got "
              + shutdownTimeout.toMillis()
              + "ms");
    }
    root.finish();
    if (!problems.isEmpty()) {
      throw new ConfigException(origin, problems.messages());
    }
    Map<String, Object> rest = new LinkedHashMap<>(tree);
    rest.remove("connectors");
    rest.remove("connector_files");
    return new ExporterConfig(
        origin,
        server,
        state,
        kpi,
        connectors,
        alerting,
        onCorruption,
        shutdownTimeout,
        Fingerprint.of(rest, baseDir, env));
  }

  /** {@code state.on_corruption}: {@code reset} (the default) or {@code refuse}. */
  private static OnCorruption onCorruption(Settings state) {
    String v = state.string("on_corruption", "reset");
    return switch (v) {
      case "reset" -> OnCorruption.RESET;
      case "refuse" -> OnCorruption.REFUSE;
      default -> {
        state.problem("on_corruption", "must be reset or refuse, got \"" + v + "\"");
        yield OnCorruption.RESET;
      }
    };
  }

  private static Map<String, Object> parseYaml(String yaml, String origin) throws ConfigException {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    try {
      Map<String, Object> tree = mapper.readValue(yaml, new TypeReference<>() {});
      return tree == null ? Map.of() : tree;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : "line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ": ";
      throw new ConfigException(
          origin,
          List.of(
              where + "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")));
    }
  }

  private static ServerConfig server(Settings s, Path baseDir) {
    String listen = s.string("listen_address", ":9877");
    String[] hostPort = splitListenAddress(listen, m -> s.problem("listen_address", m));
    ServerConfig.BasicAuth basic =
        s.optionalObject("basic_auth")
            .map(
                b -> new ServerConfig.BasicAuth(b.string("username"), b.requiredSecret("password")))
            .orElse(null);
    Secret bearer = s.secret("bearer_token").orElse(null);
    ServerConfig.Tls tls =
        s.optionalObject("tls")
            .map(
                t ->
                    new ServerConfig.Tls(
                        file(t, "cert_file", baseDir), file(t, "key_file", baseDir)))
            .orElse(null);
    return new ServerConfig(hostPort[0], Integer.parseInt(hostPort[1]), basic, bearer, tls);
  }

  private static Path file(Settings s, String key, Path baseDir) {
    String p = s.string(key);
    if (p == null) {
      return null;
    }
    Path f = baseDir.resolve(p);
    if (!Files.isReadable(f)) {
      s.problem(key, "cannot read file " + p);
    }
    return f;
  }

  /**
   * Splits {@code host:port} ({@code :9877}, {@code 127.0.0.1:0}, {@code [::1]:9877}); a bad
   * address is reported to {@code problem} and gives {@code ["", "9877"]}.
   */
  public static String[] splitListenAddress(
      String listen, java.util.function.Consumer<String> problem) {
    int colon = listen.lastIndexOf(':');
    if (colon >= 0) {
      String host = listen.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(listen.substring(colon + 1));
        if (port >= 0 && port <= 65535) {
          return new String[] {host, Integer.toString(port)};
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem.accept("expected host:port like :9877 or 127.0.0.1:9877, got \"" + listen + "\"");
    return new String[] {"", "9877"};
  }

  private static KpiConfig kpi(Settings s) {
    Map<String, Duration> windows = new LinkedHashMap<>();
    List<String> windowNames =
        s.has("windows") ? s.strings("windows") : List.of("24h", "7d", "30d");
    for (int i = 0; i < windowNames.size(); i++) {
      String w = windowNames.get(i).trim();
      String key = "windows[" + i + "]";
      try {
        Duration d = Settings.parseDuration(w);
        if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(400)) > 0) {
          s.problem(key, "must be between 1m and 400d, got \"" + w + "\"");
        } else if (windows.containsKey(w)) {
          s.problem(key, "duplicate window \"" + w + "\"");
        } else {
          windows.put(w, d);
        }
      } catch (IllegalArgumentException e) {
        s.problem(key, e.getMessage());
      }
    }
    if (windowNames.isEmpty()) {
      s.problem("windows", "must list at least one window");
    }
    List<String> dims =
        s.has("dimensions") ? s.strings("dimensions") : List.of("group", "priority", "channel");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < dims.size(); i++) {
      if (!DIMENSIONS.contains(dims.get(i))) {
        s.problem(
            "dimensions[" + i + "]",
            "unknown dimension \""
                + dims.get(i)
                + "\" (one of "
                + String.join(", ", DIMENSIONS)
                + ")");
      } else if (!seen.add(dims.get(i))) {
        s.problem("dimensions[" + i + "]", "duplicate dimension \"" + dims.get(i) + "\"");
      }
    }
    List<String> validDims = dims.stream().filter(DIMENSIONS::contains).distinct().toList();
    List<String> histogramDims = histogramDimensions(s, validDims);
    int maxLabels = s.intValue("max_label_values", 50, 1, 10_000);
    int maxSeries =
        s.intValue(
            "max_series_per_source",
            KpiConfig.DEFAULT_MAX_SERIES_PER_SOURCE,
            KpiConfig.MIN_MAX_SERIES_PER_SOURCE,
            10_000_000);
    BusinessHoursConfig bh =
        s.optionalObject("business_hours").map(BusinessHoursParser::parse).orElse(null);
    List<SlaPolicy> sla = sla(s, bh);
    Duration horizon = s.duration("sla_risk_horizon", Duration.ofHours(1));
    List<KpiTarget> targets = targets(s, windows, bh);
    Duration refresh = s.duration("refresh_interval", Duration.ofSeconds(15));
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      s.problem("refresh_interval", "must be at least 1s");
    }
    TagConfig tags = s.optionalObject("tags").map(ConfigLoader::tags).orElse(null);
    String assigneeLabel = s.string("assignee_label", "name");
    Secret hashKey = assigneeHashKey(s, assigneeLabel);
    return new KpiConfig(
        windows,
        validDims,
        maxLabels,
        bh,
        sla,
        horizon,
        targets,
        refresh,
        tags,
        assigneeLabel,
        hashKey,
        histogramDims,
        maxSeries);
  }

  /**
   * {@code kpi.histogram_dimensions}: each one of {@code kpi.dimensions}, no duplicates; default
   * {@code [group]} when {@code group} is a dimension, else {@code []}.
   */
  private static List<String> histogramDimensions(Settings s, List<String> dims) {
    if (!s.has("histogram_dimensions")) {
      return KpiConfig.defaultHistogramDimensions(dims);
    }
    List<String> listed = s.strings("histogram_dimensions");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      String d = listed.get(i);
      String key = "histogram_dimensions[" + i + "]";
      if (!dims.contains(d)) {
        s.problem(
            key, "\"" + d + "\" is not one of kpi.dimensions (" + String.join(", ", dims) + ")");
      } else if (out.contains(d)) {
        s.problem(key, "duplicate dimension \"" + d + "\"");
      } else {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * {@code kpi.assignee_hash_key}: required (16 characters or more) for {@code assignee_label:
   * hash}, refused with {@code name} and {@code id}.
   */
  private static Secret assigneeHashKey(Settings s, String label) {
    switch (label) {
      case "name", "id", "hash" -> {}
      default -> s.problem("assignee_label", "must be name, id or hash, got \"" + label + "\"");
    }
    boolean given = s.has("assignee_hash_key") || s.has("assignee_hash_key_file");
    Secret key = s.secret("assignee_hash_key").orElse(null);
    if (!label.equals("hash")) {
      if (given) {
        s.problem("assignee_hash_key", "only used with assignee_label: hash");
      }
      return null;
    }
    if (!given) {
      s.problem(
          "assignee_hash_key", "required with assignee_label: hash (or assignee_hash_key_file)");
    } else if (key != null && key.reveal().length() < 16) {
      s.problem("assignee_hash_key", "must be at least 16 characters");
    }
    return key;
  }

  /** {@code kpi.tags}: an allow list or the most frequent {@code max_values} tags. */
  private static TagConfig tags(Settings t) {
    int max = t.intValue("max_values", TagConfig.DEFAULT_MAX_VALUES, 1, 100);
    List<String> allow = new ArrayList<>();
    List<String> listed = t.strings("allow");
    for (int i = 0; i < listed.size(); i++) {
      String tag = listed.get(i);
      if (tag.isBlank()) {
        t.problem("allow[" + i + "]", "must not be empty");
      } else if (tag.equals("none") || tag.equals("other")) {
        t.problem(
            "allow[" + i + "]",
            "\""
                + tag
                + "\" is reserved (tickets without a tag are \"none\", folded tags \"other\")");
      } else if (allow.contains(tag)) {
        t.problem("allow[" + i + "]", "duplicate tag \"" + tag + "\"");
      } else {
        allow.add(tag);
      }
    }
    if (t.isList("allow") && listed.isEmpty()) {
      t.problem("allow", "must list at least one tag (or leave allow out)");
    }
    if (allow.size() > max) {
      t.problem("allow", "lists " + allow.size() + " tags, more than max_values (" + max + ")");
    }
    return new TagConfig(allow, max);
  }

  private static List<SlaPolicy> sla(Settings s, BusinessHoursConfig bh) {
    List<SlaPolicy> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Settings p : s.objects("sla")) {
      String prio = p.string("priority");
      Optional<io.cxexporter.model.Priority> priority = io.cxexporter.model.Priority.parse(prio);
      if (prio != null && priority.isEmpty()) {
        p.problem("priority", "unknown priority \"" + prio + "\" (low, normal, high or urgent)");
      } else if (prio != null && !seen.add(priority.get().label())) {
        p.problem("priority", "duplicate SLA for priority " + priority.get().label());
      }
      Duration fr = p.has("first_response") ? p.duration("first_response", null) : null;
      Duration res = p.has("resolution") ? p.duration("resolution", null) : null;
      if (!p.has("first_response") && !p.has("resolution")) {
        p.problem(null, "needs first_response, resolution or both");
      }
      for (Duration d : new Duration[] {fr, res}) {
        if (d != null && d.isZero()) {
          p.problem(d == fr ? "first_response" : "resolution", "must be greater than 0");
        }
      }
      String hours = p.string("hours", "calendar");
      if (!hours.equals("calendar") && !hours.equals("business")) {
        p.problem("hours", "expected calendar or business, got \"" + hours + "\"");
      } else if (hours.equals("business") && bh == null) {
        p.problem("hours", "business needs kpi.business_hours");
      }
      priority.ifPresent(pr -> out.add(new SlaPolicy(pr, fr, res, hours.equals("business"))));
    }
    return out;
  }

  private static List<KpiTarget> targets(
      Settings s, Map<String, Duration> windows, BusinessHoursConfig bh) {
    List<KpiTarget> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Settings t : s.objects("targets")) {
      String kpi = t.string("kpi");
      String stat = t.string("stat", "");
      String window = t.string("window", "");
      String hours = t.string("hours", "");
      Optional<Double> min = t.optionalDouble("min");
      Optional<Double> max = t.optionalDouble("max");
      if (kpi == null) {
        continue;
      }
      boolean ok = true;
      if (!KpiCatalog.isKnown(kpi)) {
        t.problem("kpi", "unknown KPI \"" + kpi + "\"");
        ok = false;
      } else {
        boolean duration = KpiCatalog.DURATION_KPIS.contains(kpi);
        if (duration && !KpiCatalog.STATS.contains(stat)) {
          t.problem("stat", "must be one of mean, p50, p90 for " + kpi);
          ok = false;
        } else if (!duration && !stat.isEmpty()) {
          t.problem("stat", kpi + " has no stat");
          ok = false;
        }
        if (duration && hours.isEmpty()) {
          // the goal is for what the team controls when a schedule is configured
          hours = bh != null ? "business" : "calendar";
        } else if (duration && !hours.equals("business") && !hours.equals("calendar")) {
          t.problem("hours", "expected calendar or business, got \"" + hours + "\"");
          ok = false;
        } else if (duration && hours.equals("business") && bh == null) {
          t.problem("hours", "business needs kpi.business_hours");
          ok = false;
        } else if (!duration && !hours.isEmpty()) {
          t.problem("hours", kpi + " is not a duration");
          ok = false;
        }
        if (KpiCatalog.isWindowed(kpi) && !windows.containsKey(window)) {
          t.problem(
              "window",
              "must be one of the configured kpi.windows ("
                  + String.join(", ", windows.keySet())
                  + "), got \""
                  + window
                  + "\"");
          ok = false;
        } else if (!KpiCatalog.isWindowed(kpi) && !window.isEmpty()) {
          t.problem("window", kpi + " is not windowed");
          ok = false;
        }
      }
      if (min.isPresent() == max.isPresent()) {
        t.problem(null, "needs exactly one of min or max");
        ok = false;
      } else if (min.isPresent() && KpiCatalog.DURATION_KPIS.contains(kpi)) {
        // KpiDurationAboveTarget compares with ">": a shorter time is never a miss
        t.problem("min", "a duration goal is a maximum: use max");
        ok = false;
      }
      if (ok && !seen.add(kpi + "/" + stat + "/" + window + "/" + hours)) {
        t.problem(
            null,
            "duplicate target for "
                + kpi
                + " "
                + stat
                + " "
                + window
                + (hours.isEmpty() ? "" : " " + hours));
        ok = false;
      }
      if (ok) {
        out.add(new KpiTarget(kpi, stat, window, min.orElseGet(max::get), min.isPresent(), hours));
      }
    }
    return out;
  }

  /**
   * The connectors of the main file's {@code connectors:} list, then those of the files {@code
   * connector_files} matches, in sorted path order. Names are unique across all of them.
   */
  private List<ConnectorSpec> connectors(Settings root, String origin, Path baseDir) {
    List<ConnectorSpec> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>(); // name -> the file that declares it
    boolean files = root.has("connector_files");
    List<Path> matched = files ? connectorFiles(root, origin, baseDir) : List.of();
    List<Settings> list = root.objects("connectors");
    if (list.isEmpty()
        && !files
        && !root.problems().messages().stream().anyMatch(m -> m.startsWith("connectors"))) {
      root.problem(
          "connectors", "must list at least one connector (or connector_files must be set)");
    }
    readConnectors(list, origin, names, out);
    for (Path f : matched) {
      String shown = shown(f, baseDir);
      Problems fileProblems = new Problems();
      try {
        Map<String, Object> tree = parseYaml(Files.readString(f, StandardCharsets.UTF_8), shown);
        Path dir = f.getParent() == null ? Path.of(".") : f.getParent();
        Settings fileRoot = Settings.root(tree, fileProblems, env, dir);
        readConnectors(fileRoot.objects("connectors"), shown, names, out);
        fileRoot.finish(); // any key but connectors is unknown here
      } catch (ConfigException e) {
        e.problems().forEach(m -> fileProblems.add("", m));
      } catch (IOException e) {
        fileProblems.add("", "cannot read file (" + e.getClass().getSimpleName() + ")");
      }
      fileProblems.messages().forEach(m -> root.problems().add(shown, m));
    }
    return out;
  }

  /** A file as messages name it: relative to the main file's folder when inside it. */
  private static String shown(Path f, Path baseDir) {
    Path base = baseDir.toAbsolutePath().normalize();
    return f.startsWith(base) ? base.relativize(f).toString() : f.toString();
  }

  /**
   * The files {@code connector_files} matches: each pattern is a glob relative to the main file's
   * folder (or absolute), its {@code *} never crossing a {@code /} (use {@code **} for that);
   * hidden entries (Kubernetes' {@code ..data} links of a mounted ConfigMap) are skipped and the
   * main file itself is never read as one. A pattern whose folder does not exist is a problem; one
   * that matches no file is logged as a warning (an empty ConfigMap is a valid state).
   */
  private static List<Path> connectorFiles(Settings root, String origin, Path baseDir) {
    java.util.TreeSet<Path> out = new java.util.TreeSet<>();
    Path self = Path.of(origin).toAbsolutePath().normalize();
    List<String> patterns = root.strings("connector_files");
    for (int i = 0; i < patterns.size(); i++) {
      String key = "connector_files[" + i + "]";
      String pattern = patterns.get(i).trim();
      if (pattern.isEmpty()) {
        root.problem(key, "must not be empty");
        continue;
      }
      try {
        List<Path> found = ConnectorFiles.match(pattern, baseDir);
        found.stream().filter(f -> !f.equals(self)).forEach(out::add);
        if (found.isEmpty()) {
          LOG.warn("{}: \"{}\" matches no file (yet): no connectors from it", key, pattern);
        }
      } catch (IllegalArgumentException e) {
        root.problem(key, e.getMessage());
      }
    }
    return new ArrayList<>(out);
  }

  /** Reads one {@code connectors:} list of the file {@code where} into {@code out}. */
  private void readConnectors(
      List<Settings> list, String where, Map<String, String> names, List<ConnectorSpec> out) {
    for (Settings c : list) {
      String name = c.string("name");
      String type = c.string("type");
      Duration poll = c.duration("poll_interval", Duration.ofSeconds(60));
      if (name != null && !name.matches("[a-zA-Z0-9_.-]{1,64}")) {
        c.problem("name", "must be 1-64 letters, digits, '_', '.' or '-', got \"" + name + "\"");
      } else if (name != null && names.containsKey(name)) {
        String first = names.get(name);
        c.problem(
            "name",
            "duplicate connector name \""
                + name
                + "\""
                + (first.equals(where) ? "" : " (also in " + first + ")"));
      } else if (name != null) {
        names.put(name, where);
      }
      if (poll.compareTo(Duration.ofSeconds(1)) < 0) {
        c.problem("poll_interval", "must be at least 1s");
      }
      ConnectorFactory<?> factory = type == null ? null : factories.get(type);
      if (type != null && factory == null) {
        c.problem(
            "type",
            "unknown connector type \""
                + type
                + "\" (known: "
                + String.join(", ", factories.keySet())
                + ")");
      }
      if (factory == null) {
        c.markAllRead(); // the type is unknown: its keys cannot be judged
        continue;
      }
      ConnectorSpec spec = spec(factory, c, name, type, poll, where, c.fingerprint());
      if (spec != null) {
        out.add(spec);
      }
    }
  }

  /**
   * Parses one block with its factory; the spec creates connectors from the parsed options, or is
   * null when the block has problems (they are in {@code c}'s problems).
   */
  private static <O> ConnectorSpec spec(
      ConnectorFactory<O> factory,
      Settings c,
      String name,
      String type,
      Duration poll,
      String file,
      String fingerprint) {
    int before = c.problems().messages().size();
    O options = factory.parse(c);
    c.finish(); // report its unknown keys next to its other problems
    if (c.problems().messages().size() != before || name == null) {
      return null;
    }
    return new ConnectorSpec(
        name, type, poll, ctx -> factory.create(options, ctx), file, fingerprint);
  }
}
