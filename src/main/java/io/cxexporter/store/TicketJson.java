package io.cxexporter.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.datatype.jsr310.DecimalUtils;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.util.IsoInstant;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored JSON of a {@link Ticket}, written and read field by field: the very text {@link
 * RecordCodec}'s data binding writes (same field order, ISO instants, durations as decimal seconds,
 * the derived {@code open}), several times cheaper, which counts when a start-up reads a million
 * tickets. {@link #decode} returns null for anything it does not expect, and the caller falls back
 * to data binding, so it accepts exactly what data binding accepts.
 */
final class TicketJson {
  private static final JsonFactory FACTORY = RecordCodec.JSON.getFactory();

  private TicketJson() {}

  static String encode(Ticket t) throws IOException {
    BufferRecycler recycler = FACTORY._getBufferRecycler();
    try (SegmentedStringWriter out = new SegmentedStringWriter(recycler)) {
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        write(g, t);
      }
      return out.getAndClear();
    } finally {
      recycler.releaseToPool();
    }
  }

  private static void write(JsonGenerator g, Ticket t) throws IOException {
    {
      g.writeStartObject();
      g.writeStringField("id", t.id());
      instant(g, "createdAt", t.createdAt());
      instant(g, "updatedAt", t.updatedAt());
      g.writeStringField("status", t.status().name());
      g.writeStringField("priority", t.priority() == null ? null : t.priority().name());
      g.writeStringField("channel", t.channel());
      g.writeStringField("group", t.group());
      g.writeStringField("assignee", t.assignee());
      g.writeStringField("assigneeId", t.assigneeId());
      g.writeStringField("subject", t.subject());
      instant(g, "firstReplyAt", t.firstReplyAt());
      duration(g, "firstReplyCalendar", t.firstReplyCalendar());
      duration(g, "firstReplyBusiness", t.firstReplyBusiness());
      instant(g, "solvedAt", t.solvedAt());
      duration(g, "resolutionCalendar", t.resolutionCalendar());
      duration(g, "resolutionBusiness", t.resolutionBusiness());
      duration(g, "requesterWaitCalendar", t.requesterWaitCalendar());
      duration(g, "requesterWaitBusiness", t.requesterWaitBusiness());
      g.writeNumberField("reopens", t.reopens());
      g.writeFieldName("agentReplies");
      if (t.agentReplies() == null) {
        g.writeNull();
      } else {
        g.writeNumber(t.agentReplies());
      }
      g.writeBooleanField("escalated", t.escalated());
      g.writeArrayFieldStart("sla");
      for (SlaStatus s : t.sla()) {
        g.writeStartObject();
        g.writeStringField("target", s.target().name());
        instant(g, "dueAt", s.dueAt());
        instant(g, "fulfilledAt", s.fulfilledAt());
        g.writeBooleanField("breached", s.breached());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("tags");
      for (String tag : t.tags()) {
        g.writeString(tag);
      }
      g.writeEndArray();
      g.writeBooleanField("open", t.isOpen());
      g.writeEndObject();
    }
  }

  private static void instant(JsonGenerator g, String name, Instant v) throws IOException {
    g.writeStringField(name, v == null ? null : IsoInstant.format(v));
  }

  /** As jackson-datatype-jsr310's DurationSerializer writes it: decimal seconds. */
  private static void duration(JsonGenerator g, String name, Duration v) throws IOException {
    g.writeFieldName(name);
    if (v == null) {
      g.writeNull();
    } else if (v.getSeconds() > 0 || (v.getSeconds() == 0 && v.getNano() == 0)) {
      // DecimalUtils.toDecimal's text, which the BigDecimal below prints the same way
      g.writeNumber(decimal(v.getSeconds(), v.getNano()));
    } else if (v.isNegative()) {
      Duration a = v.abs();
      g.writeNumber(DecimalUtils.toBigDecimal(a.getSeconds(), a.getNano()).negate());
    } else {
      g.writeNumber(DecimalUtils.toBigDecimal(v.getSeconds(), v.getNano()));
    }
  }

  /** {@code seconds.nnnnnnnnn}, or {@code 0.0} for zero. */
  private static String decimal(long seconds, int nanos) {
    if (seconds == 0 && nanos == 0) {
      return "0.0";
    }
    StringBuilder b = new StringBuilder(20).append(seconds).append('.');
    String n = Integer.toString(nanos);
    for (int i = n.length(); i < 9; i++) {
      b.append('0');
    }
    return b.append(n).toString();
  }

  /** The ticket, or null when the text is not in the shape {@link #encode} writes. */
  static Ticket decode(String body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      return read(p, null);
    } catch (IOException | RuntimeException e) {
      return null; // data binding decides
    }
  }

  /**
   * The ticket from UTF-8 {@code body}, or null when it is not in the shape {@link #encode} writes.
   *
   * @param shared where the values many tickets repeat (channel, group, assignee, tags) are shared,
   *     so a million loaded tickets do not hold a million copies of "email"; null for none
   */
  static Ticket decode(byte[] body, Strings shared) {
    try (JsonParser p = FACTORY.createParser(body)) {
      return read(p, shared);
    } catch (IOException | RuntimeException e) {
      return null; // data binding decides
    }
  }

  /** One copy of each of the few values many records repeat. Thread-safe. */
  static final class Strings {
    private static final int MAX = 50_000;
    private final java.util.concurrent.ConcurrentHashMap<String, String> seen =
        new java.util.concurrent.ConcurrentHashMap<>();

    String of(String s) {
      if (s == null) {
        return null;
      }
      String known = seen.get(s);
      if (known != null) {
        return known;
      }
      if (seen.size() < MAX) {
        known = seen.putIfAbsent(s, s);
      }
      return known != null ? known : s;
    }
  }

  private static Ticket read(JsonParser p, Strings shared) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    String id = null;
    Instant createdAt = null;
    Instant updatedAt = null;
    TicketStatus status = null;
    Priority priority = null;
    String channel = null;
    String group = null;
    String assignee = null;
    String assigneeId = null; // absent in rows stored before the field existed
    String subject = null;
    Instant firstReplyAt = null;
    Duration firstReplyCalendar = null;
    Duration firstReplyBusiness = null;
    Instant solvedAt = null;
    Duration resolutionCalendar = null;
    Duration resolutionBusiness = null;
    Duration requesterWaitCalendar = null; // absent in rows stored before the field existed
    Duration requesterWaitBusiness = null;
    int reopens = 0;
    Integer agentReplies = null;
    boolean escalated = false;
    List<SlaStatus> sla = null;
    List<String> tags = null;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        return null;
      }
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "id" -> id = string(p, v);
        case "createdAt" -> createdAt = instant(p, v);
        case "updatedAt" -> updatedAt = instant(p, v);
        case "status" ->
            status = v == JsonToken.VALUE_NULL ? null : TicketStatus.valueOf(text(p, v));
        case "priority" ->
            priority = v == JsonToken.VALUE_NULL ? null : Priority.valueOf(text(p, v));
        case "channel" -> channel = string(p, v, shared);
        case "group" -> group = string(p, v, shared);
        case "assignee" -> assignee = string(p, v, shared);
        case "assigneeId" -> assigneeId = string(p, v, shared);
        case "subject" -> subject = string(p, v);
        case "firstReplyAt" -> firstReplyAt = instant(p, v);
        case "firstReplyCalendar" -> firstReplyCalendar = duration(p, v);
        case "firstReplyBusiness" -> firstReplyBusiness = duration(p, v);
        case "solvedAt" -> solvedAt = instant(p, v);
        case "resolutionCalendar" -> resolutionCalendar = duration(p, v);
        case "resolutionBusiness" -> resolutionBusiness = duration(p, v);
        case "requesterWaitCalendar" -> requesterWaitCalendar = duration(p, v);
        case "requesterWaitBusiness" -> requesterWaitBusiness = duration(p, v);
        case "reopens" -> reopens = integer(p, v);
        case "agentReplies" -> agentReplies = v == JsonToken.VALUE_NULL ? null : integer(p, v);
        case "escalated" -> escalated = bool(v);
        case "sla" -> sla = sla(p, v);
        case "tags" -> tags = tags(p, v, shared);
        default -> p.skipChildren(); // "open" is derived; unknown fields are ignored
      }
    }
    if (p.nextToken() != null) {
      return null;
    }
    return new Ticket(
        id,
        createdAt,
        updatedAt,
        status,
        priority,
        channel,
        group,
        assignee,
        assigneeId,
        subject,
        firstReplyAt,
        firstReplyCalendar,
        firstReplyBusiness,
        solvedAt,
        resolutionCalendar,
        resolutionBusiness,
        requesterWaitCalendar,
        requesterWaitBusiness,
        reopens,
        agentReplies,
        escalated,
        sla,
        tags);
  }

  private static List<SlaStatus> sla(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(v, JsonToken.START_ARRAY);
    List<SlaStatus> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      expect(t, JsonToken.START_OBJECT);
      SlaTarget target = null;
      Instant dueAt = null;
      Instant fulfilledAt = null;
      boolean breached = false;
      for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
        expect(f, JsonToken.FIELD_NAME);
        String name = p.currentName();
        JsonToken x = p.nextToken();
        switch (name) {
          case "target" ->
              target = x == JsonToken.VALUE_NULL ? null : SlaTarget.valueOf(text(p, x));
          case "dueAt" -> dueAt = instant(p, x);
          case "fulfilledAt" -> fulfilledAt = instant(p, x);
          case "breached" -> breached = bool(x);
          default -> p.skipChildren();
        }
      }
      out.add(new SlaStatus(target, dueAt, fulfilledAt, breached));
    }
    return out;
  }

  private static List<String> tags(JsonParser p, JsonToken v, Strings shared) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(v, JsonToken.START_ARRAY);
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      String tag = text(p, t);
      out.add(shared == null ? tag : shared.of(tag));
    }
    return out;
  }

  private static String string(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NULL ? null : text(p, v);
  }

  private static String string(JsonParser p, JsonToken v, Strings shared) throws IOException {
    String s = string(p, v);
    return shared == null ? s : shared.of(s);
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    expect(v, JsonToken.VALUE_STRING);
    return p.getText();
  }

  private static Instant instant(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(v, JsonToken.VALUE_STRING);
    // from the parser's buffer: no string for each of a ticket's instants
    Instant i = IsoInstant.parsePlain(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (i == null) {
      throw new Unexpected();
    }
    return i;
  }

  /** Decimal seconds as the serializer writes them: {@code 120.000000000}, {@code 0.0}. */
  private static Duration duration(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(v, JsonToken.VALUE_NUMBER_FLOAT);
    // from the parser's buffer: no string for each of a ticket's six durations
    char[] c = p.getTextCharacters();
    int o = p.getTextOffset();
    int n = p.getTextLength();
    int dot = -1;
    for (int i = 0; i < n && dot < 0; i++) {
      dot = c[o + i] == '.' ? i : -1;
    }
    int digits = n - dot - 1;
    if (dot < 1 || dot > 18 || digits < 1 || digits > 9) {
      throw new Unexpected();
    }
    long seconds = 0;
    for (int i = 0; i < dot; i++) {
      seconds = digit(c[o + i]) + seconds * 10;
    }
    int nanos = 0;
    for (int i = dot + 1; i < n; i++) {
      nanos = nanos * 10 + digit(c[o + i]);
    }
    for (int i = digits; i < 9; i++) {
      nanos *= 10;
    }
    return Duration.ofSeconds(seconds, nanos);
  }

  private static int digit(char c) {
    if (c < '0' || c > '9') {
      throw new Unexpected();
    }
    return c - '0';
  }

  private static int integer(JsonParser p, JsonToken v) throws IOException {
    expect(v, JsonToken.VALUE_NUMBER_INT);
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new Unexpected();
    }
    return p.getIntValue();
  }

  private static boolean bool(JsonToken v) {
    if (v == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (v == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw new Unexpected();
  }

  private static void expect(JsonToken got, JsonToken want) {
    if (got != want) {
      throw new Unexpected();
    }
  }

  /** Not the shape {@link #encode} writes: data binding decides. */
  private static final class Unexpected extends RuntimeException {
    Unexpected() {
      super(null, null, false, false);
    }
  }
}
