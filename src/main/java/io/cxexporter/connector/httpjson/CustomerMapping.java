package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Record;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The {@code map:} block of a {@code customers} stream: one {@link Customer} (an account or
 * company) per record, for churn, retention and MRR.
 *
 * <pre>{@code
 * map:
 *   id: "$.id"                         # required
 *   customer_since: "$.became_customer_at"   # required: a record without it is not a customer yet
 *   churned_at: "$.churned_at"         # null while active
 *   updated_at: "$.updated_at"         # default the later of the two
 *   mrr: "$.mrr"                       # monthly recurring revenue, optional
 * }</pre>
 *
 * A record without {@code customer_since} (a lead, a prospect) is skipped, not an error.
 */
final class CustomerMapping implements RecordMapping {
  final FieldSpec id;
  final FieldSpec since;
  final FieldSpec churnedAt;
  final FieldSpec updatedAt;
  final FieldSpec mrr;

  private CustomerMapping(Settings m, TimeFormat times) {
    id = RecordMapping.required(m, "id", null, times);
    since =
        FieldSpec.time(
            m, "customer_since", RecordMapping.required(m, "customer_since", null, times));
    churnedAt = FieldSpec.time(m, "churned_at", FieldSpec.read(m, "churned_at", null, times));
    updatedAt = FieldSpec.time(m, "updated_at", FieldSpec.read(m, "updated_at", null, times));
    mrr = FieldSpec.read(m, "mrr", null, times);
  }

  static CustomerMapping read(Settings m, TimeFormat times) {
    return new CustomerMapping(m, times);
  }

  @Override
  public FieldSpec id() {
    return id;
  }

  @Override
  public List<FieldSpec> fields() {
    return RecordMapping.present(id, since, churnedAt, updatedAt, mrr);
  }

  @Override
  public Record map(JsonNode item, BiFunction<String, String, String> names) {
    String cid = RecordMapping.id(id, item);
    Instant from = since.instant(item);
    if (from == null) {
      return null; // not a customer (yet)
    }
    Instant churned = churnedAt == null ? null : churnedAt.instant(item);
    Instant updated = updatedAt == null ? null : updatedAt.instant(item);
    if (updated == null) {
      updated = churned != null && churned.isAfter(from) ? churned : from;
    }
    Double m = mrr == null ? null : mrr.number(item);
    if (m != null && m < 0) {
      throw new IllegalArgumentException(mrr.key() + ": negative: " + m);
    }
    return new Customer(cid, updated, from, churned, m);
  }
}
