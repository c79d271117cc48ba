package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The {@code map:} block of a {@code satisfaction_ratings} or {@code surveys} stream: one {@link
 * SurveyResponse} per record.
 *
 * <pre>{@code
 * map:
 *   id: "$.id"                       # required
 *   responded_at: "$.created_at"     # required: puts the answer in a window
 *   updated_at: "$.updated_at"       # default responded_at
 *   ticket_id: "$.ticket_id"         # the ticket's group/priority/channel when not mapped here
 *   satisfied: {path: "$.ratings.default_question", above: 100}   # CSAT good/bad: 1 or 0 of 0..1
 *   score: "$.rating"                # or a number on the stream's scale
 *   kind: {path: "$.type", values: {nps: nps, ces: ces}}           # surveys only
 *   group: {path: "$.group_id", lookup: groups}
 *   priority: "$.priority"
 *   channel: "$.channel"
 * }</pre>
 *
 * A CSAT rating ({@code satisfaction_ratings}) needs {@code satisfied} or {@code score}; a survey
 * answer needs {@code kind} and {@code score}. When the answer is unknown (no value, or a value
 * mapped to {@code ""}, such as Zendesk's {@code offered}), the record is skipped: not answered
 * yet, not an error. {@code score} is on the stream's {@code scale: {min, max}} (default 1..5 for
 * CSAT, 0..10 for NPS, 1..7 for CES); {@code satisfied} wins over {@code score} when both are set.
 */
final class SurveyMapping implements RecordMapping {
  static final Set<String> KINDS =
      Arrays.stream(SurveyKind.values()).map(SurveyKind::label).collect(Collectors.toSet());

  /** {@code scale: {min, max}} of a stream; null for the kind's usual one. */
  record Scale(double min, double max) {
    static Scale read(Settings stream) {
      return stream
          .optionalObject("scale")
          .map(
              s -> {
                Double min = s.optionalDouble("min").orElse(null);
                Double max = s.optionalDouble("max").orElse(null);
                if (min == null || max == null) {
                  s.problem(min == null ? "min" : "max", "required");
                  return null;
                }
                if (!(max > min)) {
                  s.problem("max", "expected more than min (" + min + "), got " + max);
                  return null;
                }
                return new Scale(min, max);
              })
          .orElse(null);
    }

    static Scale usual(SurveyKind k) {
      return switch (k) {
        case NPS -> new Scale(0, 10);
        case CES -> new Scale(1, 7);
        case CSAT -> new Scale(1, 5);
      };
    }
  }

  private final Scale scale;
  final FieldSpec id;
  final FieldSpec respondedAt;
  final FieldSpec updatedAt;
  final FieldSpec ticketId;
  final FieldSpec satisfied;
  final FieldSpec score;
  final FieldSpec kind;
  final FieldSpec group;
  final FieldSpec priority;
  final FieldSpec channel;

  private SurveyMapping(Settings m, TimeFormat times, boolean ratings, Scale scale) {
    this.scale = scale;
    id = RecordMapping.required(m, "id", null, times);
    respondedAt =
        FieldSpec.time(m, "responded_at", RecordMapping.required(m, "responded_at", null, times));
    updatedAt = FieldSpec.time(m, "updated_at", FieldSpec.read(m, "updated_at", null, times));
    ticketId = FieldSpec.read(m, "ticket_id", null, times);
    satisfied = ratings ? FieldSpec.read(m, "satisfied", TicketMapping.BOOLEANS, times) : null;
    score = FieldSpec.read(m, "score", null, times);
    kind = ratings ? null : RecordMapping.required(m, "kind", KINDS, times);
    group = FieldSpec.read(m, "group", null, times);
    priority = FieldSpec.read(m, "priority", TicketMapping.PRIORITIES, times);
    channel = FieldSpec.read(m, "channel", null, times);
    if (ratings && satisfied == null && score == null) {
      m.problem("satisfied", "required: satisfied (good/bad) or score");
    }
    if (!ratings && score == null) {
      m.problem("score", "required");
    }
  }

  /**
   * Reads a {@code map:} block.
   *
   * @param ratings true for {@code satisfaction_ratings} (CSAT), false for {@code surveys}
   * @param scale the stream's {@code scale}, or null
   */
  static SurveyMapping read(Settings m, TimeFormat times, boolean ratings, Scale scale) {
    return new SurveyMapping(m, times, ratings, scale);
  }

  @Override
  public FieldSpec id() {
    return id;
  }

  @Override
  public java.util.Set<String> lookupFields() {
    return java.util.Set.of("group", "channel");
  }

  @Override
  public List<FieldSpec> fields() {
    return RecordMapping.present(
        id, respondedAt, updatedAt, ticketId, satisfied, score, kind, group, priority, channel);
  }

  @Override
  public Record map(JsonNode item, BiFunction<String, String, String> names) {
    String rid = RecordMapping.id(id, item);
    SurveyKind k = SurveyKind.CSAT;
    if (kind != null) {
      String t = kind.text(item, null);
      if (t == null) {
        return null; // not a survey answer this stream counts
      }
      k = SurveyKind.valueOf(t.toUpperCase(java.util.Locale.ROOT));
    }
    double value;
    Scale on;
    Boolean good = satisfied == null ? null : satisfied.optionalBool(item);
    if (good != null) {
      value = good ? 1 : 0;
      on = new Scale(0, 1);
    } else if (satisfied != null && score == null) {
      return null; // not answered yet
    } else {
      Double n = score.number(item);
      if (n == null) {
        return null; // not answered yet
      }
      value = n;
      on = scale != null ? scale : Scale.usual(k);
    }
    Instant responded = RecordMapping.requiredInstant(respondedAt, item);
    Instant updated = updatedAt == null ? null : updatedAt.instant(item);
    String p = priority == null ? null : priority.text(item, null);
    return new SurveyResponse(
        rid,
        updated == null ? responded : updated,
        k,
        value,
        on.min(),
        on.max(),
        responded,
        ticketId == null ? null : ticketId.text(item, null),
        RecordMapping.text(group, item, names),
        p == null ? null : Priority.parse(p).orElse(null),
        RecordMapping.text(channel, item, names));
  }
}
