package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorException.Kind;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The one paging loop every HTTP stream runs: a stream declares its first request, where a page
 * keeps its records, its {@link Paginator} and its record mapper, and this engine reads one page
 * per {@link #read}: sends the request, checks the page's shape once, maps each record with its
 * errors captured ({@link Page#rejected()}: a bad record is counted and skipped, never kills the
 * page), refuses a page token it was just read with, stops a pass at the vendor's page cap and
 * restarts it from the watermark, and reports backfill progress.
 *
 * <pre>{@code
 * Stream ratings = PagedStream.builder("satisfaction_ratings", api, "satisfaction_ratings", clock)
 *     .first(since -> Request.get(base, "api/v2/satisfaction_ratings.json")
 *         .query("start_time", Long.toString(since)).query("page[size]", "100"))
 *     .items("/satisfaction_ratings")
 *     .paginator(Paginator.cursorWhile("/meta/after_cursor", "/meta/has_more", "page[after]"))
 *     .time(r -> IsoInstant.parse(r.path("updated_at").asText()))
 *     .watermark("start", Duration.ofMinutes(1))
 *     .mapper(ZendeskMapper::rating)
 *     .backfill(Duration.ofDays(90))
 *     .build();
 * }</pre>
 *
 * <p>The cursor is a {@link WatermarkCursor} ({@code <key>=<epoch>[;after=<token>]}) for streams
 * with a {@link Builder#watermark}, else the vendor's page token itself (a cursor export that never
 * ends, such as Zendesk's tickets).
 */
public final class PagedStream implements Stream {

  /** Maps one item of a page to a record; null skips it (not a record this stream keeps). */
  @FunctionalInterface
  public interface Mapper {
    /**
     * @throws Exception anything: the item becomes a {@link Rejected} with the message
     */
    Record map(JsonNode item) throws Exception;
  }

  /** The time an item changed, for the watermark and progress; null when it cannot tell. */
  @FunctionalInterface
  public interface ItemTime {
    Instant at(JsonNode item);
  }

  private final String name;
  private final ApiClient api;
  private final String endpoint;
  private final Clock clock;
  private final LongFunction<Request> first;
  private final String items;
  private final String idPointer;
  private final BodyReader reader;
  private final Paginator paginator;
  private final Mapper mapper;
  private final ItemTime time;
  private final Consumer<JsonNode> beforeMapping;
  private final String watermarkKey;
  private final Duration overlap;
  private final Duration backfill;
  private final int cap;
  private final boolean progress;
  private final boolean dedupeBoundary;

  private PagedStream(Builder b) {
    this.name = b.name;
    this.api = b.api;
    this.endpoint = b.endpoint;
    this.clock = b.clock;
    this.first = Objects.requireNonNull(b.first, "first request");
    this.items = Objects.requireNonNull(b.items, "items pointer");
    this.idPointer = b.idPointer;
    this.reader = b.reader;
    this.paginator = Objects.requireNonNull(b.paginator, "paginator");
    this.mapper = Objects.requireNonNull(b.mapper, "mapper");
    this.time = b.time;
    this.beforeMapping = b.beforeMapping;
    this.watermarkKey = b.watermarkKey;
    this.overlap = b.overlap;
    this.backfill = b.backfill;
    this.cap = b.cap;
    this.progress = b.progress;
    this.dedupeBoundary = b.dedupeBoundary;
  }

  /**
   * A builder for stream {@code name}, reading through {@code api} under the bounded {@code
   * endpoint} name its requests are counted and limited by.
   */
  public static Builder builder(String name, ApiClient api, String endpoint, Clock clock) {
    return new Builder(name, api, endpoint, clock);
  }

  @Override
  public String name() {
    return name;
  }

  /** The vendor endpoint name this stream's requests are reported under. */
  public String endpoint() {
    return endpoint;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    long backfillStart = clock.instant().minus(backfill).getEpochSecond();
    WatermarkCursor at = decode(from, backfillStart);
    Request firstRequest = first.apply(at.since());
    Request request =
        at.token() == null ? firstRequest : paginator.follow(firstRequest, at.token());
    ApiResponse page = api.send(endpoint, request, reader);
    JsonNode list = page.body().at(items);
    if (!list.isArray() || !paginator.wellFormed(page)) {
      throw new ConnectorException(Kind.BAD_RESPONSE, "unexpected page shape from " + endpoint);
    }
    beforeMapping.accept(list);
    List<Record> records = new ArrayList<>(list.size());
    List<Rejected> rejected = new ArrayList<>();
    long newest = Long.MIN_VALUE;
    Map<Long, Set<String>> idsBySecond = dedupeBoundary ? new HashMap<>() : null;
    for (JsonNode item : list) {
      long second = epochSecond(item);
      newest = Math.max(newest, second);
      if (dedupeBoundary) {
        String id = item.at(idPointer).asText("?");
        idsBySecond.computeIfAbsent(second, k -> new HashSet<>()).add(id);
        if (at.isRepeat(id, second)) {
          continue; // delivered by the pass before, at the boundary second it re-reads
        }
      }
      try {
        Record r = mapper.map(item);
        if (r != null) {
          records.add(r);
        }
      } catch (Exception e) {
        rejected.add(new Rejected(item.at(idPointer).asText("?"), reason(e)));
      }
    }
    Paginator.Step step = paginator.next(page);
    // the newest record time of the whole pass so far: an empty last page still ends there
    newest = at.sawUpTo(newest).newest();
    WatermarkCursor next = next(at, step, newest);
    if (dedupeBoundary && next.token() == null) {
      // a new pass starts at the watermark: at the end, or restarted at the page cap
      next = withBoundary(at, next, idsBySecond);
    }
    Double p = null;
    if (!step.more()) {
      p = 1.0;
    } else if (progress) {
      p = WatermarkCursor.progress(Math.max(newest, next.since()), backfillStart, clock);
    }
    int skipped = list.size() - records.size() - rejected.size();
    return new Page(records, encode(next, from), !step.more(), p, rejected, skipped);
  }

  private WatermarkCursor next(WatermarkCursor at, Paginator.Step step, long newest)
      throws ConnectorException {
    if (!step.more()) {
      if (step.since() != null) {
        return at.at(step.since());
      }
      if (step.token() != null) {
        return at.at(at.since()).withToken(step.token());
      }
      return watermarkKey == null ? at : at.advance(newest, overlap);
    }
    if (step.token() == null) {
      long since = Objects.requireNonNull(step.since(), "a step with more pages needs a token");
      if (at.token() == null && since <= at.since()) {
        throw new ConnectorException(
            Kind.BAD_RESPONSE,
            endpoint + " said there is more but its next page starts where this one did");
      }
      return at.at(since);
    }
    if (step.token().equals(at.token())) {
      throw new ConnectorException(
          Kind.BAD_RESPONSE,
          endpoint + " returned the page token it was read with; stopped to avoid a loop");
    }
    WatermarkCursor next = at.withToken(step.token()).sawUpTo(newest);
    if (cap > 0) {
      next = next.nextPage();
      if (next.pages() >= cap) {
        // exactly at the last record's time when the boundary is deduplicated by id; else with
        // the overlap, whose re-read versions the store's upsert counts once
        WatermarkCursor restart = at.advance(newest, dedupeBoundary ? Duration.ZERO : overlap);
        if (restart.since() <= at.since()) {
          throw new ConnectorException(
              Kind.BAD_RESPONSE,
              endpoint + " reached its cap of " + cap + " pages within one second of changes");
        }
        return restart;
      }
    }
    return next;
  }

  /** The next pass's cursor, remembering the ids already delivered at its watermark second. */
  private static WatermarkCursor withBoundary(
      WatermarkCursor at, WatermarkCursor next, Map<Long, Set<String>> idsBySecond) {
    Set<String> seen = new HashSet<>(idsBySecond.getOrDefault(next.since(), Set.of()));
    if (next.since() == at.since()) {
      seen.addAll(at.seen());
    }
    return next.withSeen(seen);
  }

  private WatermarkCursor decode(Cursor from, long backfillStart) throws ConnectorException {
    if (watermarkKey != null) {
      return WatermarkCursor.parse(from, watermarkKey, backfillStart);
    }
    return WatermarkCursor.at("", backfillStart).withToken(from.isStart() ? null : from.value());
  }

  private Cursor encode(WatermarkCursor c, Cursor from) {
    if (watermarkKey != null) {
      return c.cursor();
    }
    return c.token() == null ? from : new Cursor(c.token());
  }

  private long epochSecond(JsonNode item) {
    if (time == null) {
      return Long.MIN_VALUE;
    }
    try {
      Instant t = time.at(item);
      return t == null ? Long.MIN_VALUE : t.getEpochSecond();
    } catch (RuntimeException e) {
      return Long.MIN_VALUE; // the mapper reports the item
    }
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  @Override
  public String toString() {
    return name + " (" + endpoint + ")";
  }

  /**
   * Builds a {@link PagedStream}; {@code first}, {@code items}, a paginator and a mapper are
   * required.
   */
  public static final class Builder {
    private final String name;
    private final ApiClient api;
    private final String endpoint;
    private final Clock clock;
    private LongFunction<Request> first;
    private String items;
    private String idPointer = "/id";
    private BodyReader reader = BodyReader.TREE;
    private Paginator paginator;
    private Mapper mapper;
    private ItemTime time;
    private Consumer<JsonNode> beforeMapping = items -> {};
    private String watermarkKey;
    private Duration overlap = Duration.ZERO;
    private Duration backfill = CommonOptions.DEFAULT_BACKFILL;
    private int cap;
    private boolean progress = true;
    private boolean dedupeBoundary;

    private Builder(String name, ApiClient api, String endpoint, Clock clock) {
      this.name = Objects.requireNonNull(name, "name");
      this.api = Objects.requireNonNull(api, "api");
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The first request of a pass that reads changes from {@code since} (epoch seconds) on. */
    public Builder first(LongFunction<Request> first) {
      this.first = first;
      return this;
    }

    /** The JSON pointer of the page's array of items, e.g. {@code /tickets}. */
    public Builder items(String pointer) {
      this.items = pointer;
      return this;
    }

    /** The JSON pointer of an item's id, for rejected records; default {@code /id}. */
    public Builder id(String pointer) {
      this.idPointer = pointer;
      return this;
    }

    /** How the body is read (e.g. a {@link TreeFilter} keeping only mapped fields). */
    public Builder reader(BodyReader reader) {
      this.reader = reader;
      return this;
    }

    public Builder paginator(Paginator paginator) {
      this.paginator = paginator;
      return this;
    }

    public Builder mapper(Mapper mapper) {
      this.mapper = mapper;
      return this;
    }

    /** When an item changed: moves the watermark and measures backfill progress. */
    public Builder time(ItemTime time) {
      this.time = time;
      return this;
    }

    /**
     * Called with a page's items before any is mapped, e.g. to fetch the names they refer to in one
     * batch. Must not throw: a failed lookup degrades to ids.
     */
    public Builder beforeMapping(Consumer<JsonNode> hook) {
      this.beforeMapping = hook;
      return this;
    }

    /**
     * Stores a {@link WatermarkCursor} under {@code key}; between passes it moves to the newest
     * item time minus {@code overlap}. Without it the cursor is the vendor's page token.
     */
    public Builder watermark(String key, Duration overlap) {
      if (overlap.isNegative()) {
        throw new IllegalArgumentException("overlap must not be negative");
      }
      this.watermarkKey = Objects.requireNonNull(key, "key");
      this.overlap = overlap;
      return this;
    }

    /** How far back the first pass reads. */
    public Builder backfill(Duration backfill) {
      this.backfill = backfill;
      return this;
    }

    /**
     * The vendor's limit on pages in one pass (Freshdesk: 300; HubSpot search: 10,000 results);
     * reaching it restarts the pass from the watermark. Needs a {@link #watermark}.
     */
    public Builder cap(int pages) {
      if (pages < 1) {
        throw new IllegalArgumentException("a cap is at least one page");
      }
      this.cap = pages;
      return this;
    }

    /**
     * For a vendor whose time filter is inclusive ({@code updated_since >= t}): the next pass (the
     * next poll, or the restart at a {@link #cap}) re-reads the records at its watermark second, so
     * the cursor keeps their ids ({@code seen=...}) and the re-read copies are dropped before they
     * are mapped. Needs a {@link #watermark}. A restart at the {@link #cap} then starts exactly at
     * the last record's time; the next poll's pass still starts {@code overlap} earlier (a vendor
     * that indexes late), and the store's upsert counts each re-read version once.
     */
    public Builder dedupeBoundary() {
      this.dedupeBoundary = true;
      return this;
    }

    /** Whether pages inside a pass report backfill progress (default true). */
    public Builder progress(boolean report) {
      this.progress = report;
      return this;
    }

    public PagedStream build() {
      if (cap > 0 && watermarkKey == null) {
        throw new IllegalStateException("a page cap restarts from a watermark: set watermark()");
      }
      if (dedupeBoundary && watermarkKey == null) {
        throw new IllegalStateException("boundary ids live in a watermark cursor: set watermark()");
      }
      return new PagedStream(this);
    }
  }
}
