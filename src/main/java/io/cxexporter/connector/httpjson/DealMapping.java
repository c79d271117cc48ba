package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Record;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The {@code map:} block of a {@code deals} stream: one {@link Deal} per record, for conversion.
 *
 * <pre>{@code
 * map:
 *   id: "$.id"                   # required
 *   created_at: "$.created_at"   # required
 *   closed_at: "$.closed_at"     # null while open
 *   won: {path: "$.status", values: {won: true, lost: false, open: ""}}
 *   updated_at: "$.updated_at"   # default closed_at, else created_at
 *   amount: "$.value"            # optional
 * }</pre>
 *
 * A deal without {@code closed_at} is open; a closed one is won or lost as {@code won} says, and a
 * closed deal whose outcome is unknown is a mapping error.
 */
final class DealMapping implements RecordMapping {
  final FieldSpec id;
  final FieldSpec createdAt;
  final FieldSpec closedAt;
  final FieldSpec won;
  final FieldSpec updatedAt;
  final FieldSpec amount;

  private DealMapping(Settings m, TimeFormat times) {
    id = RecordMapping.required(m, "id", null, times);
    createdAt =
        FieldSpec.time(m, "created_at", RecordMapping.required(m, "created_at", null, times));
    closedAt = FieldSpec.time(m, "closed_at", RecordMapping.required(m, "closed_at", null, times));
    won = RecordMapping.required(m, "won", TicketMapping.BOOLEANS, times);
    updatedAt = FieldSpec.time(m, "updated_at", FieldSpec.read(m, "updated_at", null, times));
    amount = FieldSpec.read(m, "amount", null, times);
  }

  static DealMapping read(Settings m, TimeFormat times) {
    return new DealMapping(m, times);
  }

  @Override
  public FieldSpec id() {
    return id;
  }

  @Override
  public List<FieldSpec> fields() {
    return RecordMapping.present(id, createdAt, closedAt, won, updatedAt, amount);
  }

  @Override
  public Record map(JsonNode item, BiFunction<String, String, String> names) {
    String did = RecordMapping.id(id, item);
    Instant created = RecordMapping.requiredInstant(createdAt, item);
    Instant closed = closedAt.instant(item);
    DealStage stage = DealStage.OPEN;
    if (closed != null) {
      Boolean w = won.optionalBool(item);
      if (w == null) {
        throw new IllegalArgumentException(won.key() + ": unknown for a deal closed at " + closed);
      }
      stage = w ? DealStage.WON : DealStage.LOST;
    }
    Instant updated = updatedAt == null ? null : updatedAt.instant(item);
    if (updated == null) {
      updated = closed != null ? closed : created;
    }
    return new Deal(
        did, updated, created, stage, closed, amount == null ? null : amount.number(item));
  }
}
