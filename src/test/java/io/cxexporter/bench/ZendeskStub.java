package io.cxexporter.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A stand-in Zendesk on loopback for the benchmarks (the JDK's {@link HttpServer}, nothing in the
 * measured path but writing pre-built bytes): the cursor-based ticket export with {@code
 * include=metric_sets} served from pages generated up front, plus the lookups the connector makes
 * ({@code groups}, {@code users/show_many}, {@code users/me}, an empty {@code
 * satisfaction_ratings}, an empty {@code slas/policies}). It counts requests by path.
 *
 * <p>Page {@code k} (0-based) answers {@code start_time=...} (k = 0) or {@code cursor=c<k>}, and
 * carries {@code after_cursor: c<k+1>}; the last one says {@code end_of_stream: true}. A cursor
 * past the last page gets an empty caught-up page, which is what a restarted exporter sees.
 *
 * <p>Pages are kept gzip-compressed (as Zendesk sends them to a client that asks for gzip, which
 * OkHttp does by default) so that a million tickets fit in memory; a client that does not ask for
 * gzip gets them inflated.
 */
final class ZendeskStub implements AutoCloseable {
  static final int GROUPS = 8;
  static final int AGENTS = 50;
  static final long GROUP_ID0 = 360_000_000_001L;
  static final long AGENT_ID0 = 361_000_000_001L;
  static final long TICKET_ID0 = 100_001L;

  private static final String[] GROUP_NAMES = {
    "Billing", "Returns", "Shipping", "Technical", "Accounts", "Sales", "Tier 2", "VIP"
  };
  private static final String[] TAGS = {
    "order",
    "refund",
    "delivery",
    "damaged",
    "invoice",
    "password",
    "login",
    "upgrade",
    "cancel",
    "vip",
    "newsletter",
    "warranty",
    "address_change",
    "payment_failed",
    "bug",
    "feature_request",
    "mobile_app",
    "web",
    "promo",
    "follow_up"
  };
  private static final String[] SUBJECTS = {
    "Order #%d has not arrived",
    "Refund for order #%d",
    "Cannot log in to my account (%d)",
    "Invoice %d is wrong",
    "Item damaged on delivery, order #%d",
    "How do I change my delivery address? Ref %d",
    "Payment failed for subscription %d",
    "App crashes when opening order %d",
    "Question about warranty, serial %d",
    "Cancel my subscription %d please"
  };

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<byte[]> pages;
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final AtomicLong wireBytes = new AtomicLong();

  /** What was generated: page count, tickets, how many of them open, the raw JSON size. */
  record Generated(List<byte[]> pages, long tickets, long open, long rawBytes) {}

  private ZendeskStub(List<byte[]> pages) {
    this.pages = pages;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "zendesk-stub");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves {@code generated}'s pages. */
  static ZendeskStub serving(Generated generated) {
    return new ZendeskStub(generated.pages());
  }

  /** Serves no tickets: every cursor gets an empty caught-up page (a restart after a backfill). */
  static ZendeskStub caughtUp() {
    return new ZendeskStub(List.of());
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests by path since the last {@link #resetCounts()}. */
  Map<String, Long> requestCounts() {
    Map<String, Long> m = new TreeMap<>();
    requests.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  long requests(String path) {
    LongAdder a = requests.get(path);
    return a == null ? 0 : a.sum();
  }

  long totalRequests() {
    return requests.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Body bytes sent since the last reset (compressed when the client asked for gzip). */
  long wireBytes() {
    return wireBytes.get();
  }

  void resetCounts() {
    requests.clear();
    wireBytes.set(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- serving

  static final String EXPORT = "/api/v2/incremental/tickets/cursor.json";

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      requests.computeIfAbsent(path, k -> new LongAdder()).increment();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      boolean gzipOk =
          String.valueOf(ex.getRequestHeaders().getFirst("Accept-Encoding")).contains("gzip");
      switch (path) {
        case EXPORT -> export(ex, q, gzipOk);
        case "/api/v2/groups.json" -> json(ex, groupsJson());
        case "/api/v2/users/show_many.json" -> json(ex, usersJson(q.getOrDefault("ids", "")));
        case "/api/v2/users/me.json" ->
            json(ex, "{\"user\":{\"id\":" + AGENT_ID0 + ",\"name\":\"Ops\",\"role\":\"admin\"}}");
        case "/api/v2/satisfaction_ratings.json" ->
            json(
                ex,
                "{\"satisfaction_ratings\":[],\"meta\":{\"has_more\":false,\"after_cursor\":null,"
                    + "\"before_cursor\":null},\"links\":{\"prev\":null,\"next\":null}}");
        case "/api/v2/slas/policies.json" ->
            json(ex, "{\"sla_policies\":[],\"next_page\":null,\"previous_page\":null,\"count\":0}");
        default -> {
          byte[] b = "{\"error\":\"InvalidEndpoint\"}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
          ex.sendResponseHeaders(404, b.length);
          ex.getResponseBody().write(b);
        }
      }
    }
  }

  private void export(HttpExchange ex, Map<String, String> q, boolean gzipOk) throws IOException {
    int k;
    if (q.containsKey("cursor")) {
      String c = q.get("cursor");
      if (!c.startsWith("c")) {
        ex.sendResponseHeaders(400, -1);
        return;
      }
      k = Integer.parseInt(c.substring(1));
    } else if (q.containsKey("start_time")) {
      k = 0;
    } else {
      ex.sendResponseHeaders(400, -1);
      return;
    }
    if (k < pages.size()) {
      byte[] gz = pages.get(k);
      rateHeaders(ex);
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      byte[] body = gz;
      if (gzipOk) {
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
      } else {
        body = gunzip(gz);
      }
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      wireBytes.addAndGet(body.length);
    } else {
      json(
          ex,
          "{\"tickets\":[],\"after_url\":null,\"after_cursor\":\"c"
              + k
              + "\",\"before_url\":null,\"before_cursor\":\"c"
              + k
              + "\",\"end_of_stream\":true}");
    }
  }

  private void json(HttpExchange ex, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    rateHeaders(ex);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(200, b.length);
    ex.getResponseBody().write(b);
    wireBytes.addAndGet(b.length);
  }

  /** Zendesk's account-wide budget headers, with plenty left. */
  private static void rateHeaders(HttpExchange ex) {
    ex.getResponseHeaders().set("x-rate-limit", "700");
    ex.getResponseHeaders().set("x-rate-limit-remaining", "699");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new java.util.HashMap<>();
    if (raw == null) {
      return m;
    }
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
      String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  static String groupsJson() {
    StringBuilder b = new StringBuilder("{\"groups\":[");
    for (int g = 0; g < GROUPS; g++) {
      long id = GROUP_ID0 + g;
      b.append(g == 0 ? "" : ",")
          .append("{\"url\":\"https://acme.zendesk.com/api/v2/groups/")
          .append(id)
          .append(".json\",\"id\":")
          .append(id)
          .append(",\"is_public\":true,\"name\":\"")
          .append(GROUP_NAMES[g])
          .append("\",\"description\":\"\",\"default\":")
          .append(g == 0)
          .append(",\"deleted\":false,\"created_at\":\"2020-01-06T09:00:00Z\",")
          .append("\"updated_at\":\"2024-05-02T10:11:12Z\"}");
    }
    return b.append("],\"next_page\":null,\"previous_page\":null,\"count\":")
        .append(GROUPS)
        .append('}')
        .toString();
  }

  static String usersJson(String ids) {
    StringBuilder b = new StringBuilder("{\"users\":[");
    boolean first = true;
    for (String s : ids.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      long id = Long.parseLong(s.trim());
      if (id < AGENT_ID0 || id >= AGENT_ID0 + AGENTS) {
        continue;
      }
      b.append(first ? "" : ",")
          .append("{\"id\":")
          .append(id)
          .append(",\"name\":\"Agent ")
          .append(id - AGENT_ID0 + 1)
          .append("\",\"email\":\"agent")
          .append(id - AGENT_ID0 + 1)
          .append("@acme.example\",\"role\":\"agent\",\"active\":true,\"suspended\":false}");
      first = false;
    }
    return b.append("],\"next_page\":null,\"previous_page\":null}").toString();
  }

  // ---- generating

  /**
   * Generates {@code tickets} tickets in pages of {@code perPage}: updated over the 30 days before
   * {@code now} in export order ({@code generated_timestamp} increasing), about 15% open.
   */
  static Generated generate(int tickets, int perPage, Instant now) {
    int n = (tickets + perPage - 1) / perPage;
    long end = now.truncatedTo(ChronoUnit.SECONDS).getEpochSecond() - 60;
    long span = Duration.ofDays(30).getSeconds();
    long start = end - span;
    byte[][] out = new byte[n][];
    long[] open = new long[n];
    long[] raw = new long[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            p -> {
              StringBuilder b = new StringBuilder(perPage * 2600);
              b.append("{\"tickets\":[");
              int from = p * perPage;
              int to = Math.min(tickets, from + perPage);
              long lastGen = 0;
              for (int i = from; i < to; i++) {
                long gen = start + (long) ((double) span * (i + 1) / tickets);
                lastGen = gen;
                if (i > from) {
                  b.append(',');
                }
                open[p] += ticket(b, i, gen) ? 1 : 0;
              }
              b.append("],\"after_url\":\"https://acme.zendesk.com/api/v2/incremental/tickets/")
                  .append("cursor.json?cursor=c")
                  .append(p + 1)
                  .append("\",\"after_cursor\":\"c")
                  .append(p + 1)
                  .append("\",\"before_url\":null,\"before_cursor\":\"c")
                  .append(p)
                  .append("\",\"end_of_stream\":")
                  .append(p == n - 1)
                  .append(",\"end_time\":")
                  .append(lastGen)
                  .append('}');
              byte[] json = b.toString().getBytes(StandardCharsets.UTF_8);
              raw[p] = json.length;
              out[p] = gzip(json);
            });
    List<byte[]> pages = new ArrayList<>(List.of(out));
    return new Generated(
        pages, tickets, java.util.Arrays.stream(open).sum(), java.util.Arrays.stream(raw).sum());
  }

  /** Appends ticket {@code i} last changed at {@code gen}; returns whether it is open. */
  private static boolean ticket(StringBuilder b, int i, long gen) {
    SplittableRandom r = new SplittableRandom(0x5EED_0000L + i);
    long id = TICKET_ID0 + i;
    double s = r.nextDouble();
    String status =
        s < 0.03
            ? "new"
            : s < 0.11
                ? "open"
                : s < 0.14 ? "pending" : s < 0.15 ? "hold" : s < 0.55 ? "solved" : "closed";
    boolean solved = status.equals("solved") || status.equals("closed");
    boolean replied = !status.equals("new");
    double pr = r.nextDouble();
    String priority =
        pr < 0.05 ? null : pr < 0.25 ? "low" : pr < 0.75 ? "normal" : pr < 0.95 ? "high" : "urgent";
    double ch = r.nextDouble();
    String channel =
        ch < 0.45
            ? "email"
            : ch < 0.70 ? "web" : ch < 0.85 ? "native_messaging" : ch < 0.95 ? "voice" : "api";
    int group = r.nextInt(GROUPS);
    Long assignee =
        status.equals("new") && r.nextInt(2) == 0 ? null : AGENT_ID0 + r.nextInt(AGENTS);
    // minutes to the first reply and to the resolution
    double replyCal = replied ? Math.round(Math.exp(r.nextDouble() * 7.5)) : -1;
    double replyBus = replied ? Math.round(replyCal * (0.3 + 0.7 * r.nextDouble())) : -1;
    double resCal = solved ? replyCal + Math.round(Math.exp(r.nextDouble() * 8.5)) : -1;
    double resBus = solved ? Math.round(resCal * (0.3 + 0.7 * r.nextDouble())) : -1;
    long updated = gen - r.nextInt(60);
    long solvedAt = -1;
    long created;
    if (solved) {
      solvedAt = status.equals("closed") ? updated - 4 * 86400 : updated;
      created = solvedAt - (long) (resCal * 60);
    } else {
      created = updated - r.nextInt(3 * 86400);
    }
    int reopens = solved ? (r.nextInt(100) < 8 ? 1 : r.nextInt(100) < 2 ? 2 : 0) : 0;
    int replies = replied ? 1 + (r.nextInt(100) < 55 ? 0 : r.nextInt(5)) : 0;
    int groupStations = r.nextInt(100) < 10 ? 2 : 1;
    String subject =
        String.format(SUBJECTS[r.nextInt(SUBJECTS.length)], 40_000 + r.nextInt(60_000));
    String createdAt = iso(created);
    String updatedAt = iso(updated);
    b.append("{\"url\":\"https://acme.zendesk.com/api/v2/tickets/")
        .append(id)
        .append(".json\",\"id\":")
        .append(id)
        .append(",\"external_id\":null,\"via\":{\"channel\":\"")
        .append(channel)
        .append("\",\"source\":{\"from\":{},\"to\":{},\"rel\":null}},\"created_at\":\"")
        .append(createdAt)
        .append("\",\"updated_at\":\"")
        .append(updatedAt)
        .append("\",\"generated_timestamp\":")
        .append(gen)
        .append(",\"type\":")
        .append(r.nextInt(3) == 0 ? "\"question\"" : "\"incident\"")
        .append(",\"subject\":\"")
        .append(subject)
        .append("\",\"raw_subject\":\"")
        .append(subject)
        .append("\",\"description\":\"Hello, ")
        .append(subject.toLowerCase(java.util.Locale.ROOT))
        .append(". I tried the help centre articles but could not find an answer. Could you")
        .append(" please look into it? Thanks, customer ")
        .append(r.nextInt(1_000_000))
        .append("\",\"priority\":")
        .append(priority == null ? "null" : "\"" + priority + "\"")
        .append(",\"status\":\"")
        .append(status)
        .append("\",\"recipient\":\"support@acme.example\",\"requester_id\":")
        .append(380_000_000_000L + r.nextInt(2_000_000))
        .append(",\"submitter_id\":")
        .append(380_000_000_000L + r.nextInt(2_000_000))
        .append(",\"assignee_id\":")
        .append(assignee == null ? "null" : assignee.toString())
        .append(",\"organization_id\":")
        .append(r.nextInt(3) == 0 ? "null" : Long.toString(370_000_000_000L + r.nextInt(5000)))
        .append(",\"group_id\":")
        .append(GROUP_ID0 + group)
        .append(",\"collaborator_ids\":[],\"follower_ids\":[],\"email_cc_ids\":[],")
        .append("\"forum_topic_id\":null,\"problem_id\":null,\"has_incidents\":false,")
        .append("\"is_public\":true,\"due_at\":null,\"tags\":[");
    int tags = 1 + r.nextInt(3);
    for (int t = 0; t < tags; t++) {
      b.append(t == 0 ? "" : ",").append('"').append(TAGS[r.nextInt(TAGS.length)]).append('"');
    }
    if (groupStations > 1 && r.nextInt(2) == 0) {
      b.append(",\"escalated\"");
    }
    b.append("],\"custom_fields\":[{\"id\":360001,\"value\":")
        .append(r.nextInt(2) == 0 ? "null" : "\"product_" + r.nextInt(12) + "\"")
        .append("},{\"id\":360002,\"value\":\"")
        .append(r.nextInt(2) == 0 ? "eu" : "us")
        .append("\"},{\"id\":360003,\"value\":false}],\"satisfaction_rating\":")
        .append(solved ? "{\"score\":\"offered\"}" : "{\"score\":\"unoffered\"}")
        .append(",\"sharing_agreement_ids\":[],\"followup_ids\":[],\"brand_id\":360000123,")
        .append("\"allow_channelback\":false,\"allow_attachments\":true,")
        .append("\"from_messaging_channel\":")
        .append(channel.equals("native_messaging"))
        .append(",\"metric_set\":{\"url\":\"https://acme.zendesk.com/api/v2/ticket_metrics/")
        .append(id + 900_000_000L)
        .append(".json\",\"id\":")
        .append(id + 900_000_000L)
        .append(",\"ticket_id\":")
        .append(id)
        .append(",\"created_at\":\"")
        .append(createdAt)
        .append("\",\"updated_at\":\"")
        .append(updatedAt)
        .append("\",\"group_stations\":")
        .append(groupStations)
        .append(",\"assignee_stations\":")
        .append(assignee == null ? 0 : 1 + (r.nextInt(10) == 0 ? 1 : 0))
        .append(",\"reopens\":")
        .append(reopens)
        .append(",\"replies\":")
        .append(replies)
        .append(",\"assignee_updated_at\":")
        .append(assignee == null ? "null" : "\"" + updatedAt + "\"")
        .append(",\"requester_updated_at\":\"")
        .append(createdAt)
        .append("\",\"status_updated_at\":\"")
        .append(updatedAt)
        .append("\",\"initially_assigned_at\":")
        .append(assignee == null ? "null" : "\"" + createdAt + "\"")
        .append(",\"assigned_at\":")
        .append(assignee == null ? "null" : "\"" + createdAt + "\"")
        .append(",\"solved_at\":")
        .append(solved ? "\"" + iso(solvedAt) + "\"" : "null")
        .append(",\"latest_comment_added_at\":\"")
        .append(updatedAt)
        .append("\",\"reply_time_in_minutes\":");
    minutes(b, replyCal, replyBus);
    b.append(",\"first_resolution_time_in_minutes\":");
    minutes(b, resCal, resBus);
    b.append(",\"full_resolution_time_in_minutes\":");
    minutes(b, resCal, resBus);
    b.append(",\"agent_wait_time_in_minutes\":");
    minutes(b, solved ? resCal / 3 : -1, solved ? resBus / 3 : -1);
    b.append(",\"requester_wait_time_in_minutes\":");
    minutes(b, solved ? resCal / 2 : -1, solved ? resBus / 2 : -1);
    b.append(",\"on_hold_time_in_minutes\":{\"calendar\":0,\"business\":0}}}");
    return !solved;
  }

  private static void minutes(StringBuilder b, double cal, double bus) {
    if (cal < 0) {
      b.append("{\"calendar\":null,\"business\":null}");
    } else {
      b.append("{\"calendar\":")
          .append(Math.round(cal))
          .append(",\"business\":")
          .append(Math.round(bus))
          .append('}');
    }
  }

  private static String iso(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond).toString();
  }

  static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 6);
    try (GZIPOutputStream z =
        new GZIPOutputStream(bytes, 64 * 1024) {
          {
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
          }
        }) {
      z.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
