package io.cxexporter.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.util.IsoInstant;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Serializes records to the store's JSON column and back, with a short kind tag. */
final class RecordCodec {
  /**
   * Instants in the shape this codec writes ({@code 2026-11-18T13:00:00Z}) through {@link
   * IsoInstant}, everything else through jsr310's own deserializer, so results and errors stay the
   * same. The non-ticket records (surveys, customers, deals: half the rows of a demo state) decode
   * with the generic mapper, whose formatter-based parse cost most of a start-up's decode.
   */
  private static final JsonDeserializer<Instant> PLAIN =
      new StdScalarDeserializer<>(Instant.class) {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
          if (p.hasToken(JsonToken.VALUE_STRING)) {
            Instant t =
                IsoInstant.parsePlain(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (t != null) {
              return t;
            }
          }
          return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }
      };

  /** Also what {@link TicketJson} writes and reads with: the same generator and parser features. */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new SimpleModule("plain-instants").addDeserializer(Instant.class, PLAIN))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A reader per record type, so a decode does not resolve its type again. */
  private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();

  private RecordCodec() {}

  static String kind(Record r) {
    if (r instanceof Ticket) {
      return "ticket";
    } else if (r instanceof SurveyResponse) {
      return "survey";
    } else if (r instanceof Customer) {
      return "customer";
    } else if (r instanceof Deal) {
      return "deal";
    } else if (r instanceof SlaEvent) {
      return "sla_event";
    }
    return "deleted";
  }

  static String encode(Record r) {
    try {
      if (r instanceof Ticket t) {
        return TicketJson.encode(t);
      }
      return JSON.writeValueAsString(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode record " + r.id(), e);
    }
  }

  static Record decode(String kind, String body) {
    Class<? extends Record> type = type(kind);
    if (type == Ticket.class) {
      Ticket t = TicketJson.decode(body);
      if (t != null) {
        return t;
      }
    }
    try {
      return JSON.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot decode stored " + kind, e);
    }
  }

  /** Like {@link #decode(String, String)} from the UTF-8 bytes of the body. */
  static Record decode(String kind, byte[] body, TicketJson.Strings shared) {
    Class<? extends Record> type = type(kind);
    if (type == Ticket.class) {
      Ticket t = TicketJson.decode(body, shared);
      if (t != null) {
        return t;
      }
    }
    try {
      return READERS.computeIfAbsent(type, JSON::readerFor).readValue(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot decode stored " + kind, e);
    }
  }

  private static Class<? extends Record> type(String kind) {
    return switch (kind) {
      case "ticket" -> Ticket.class;
      case "survey" -> SurveyResponse.class;
      case "customer" -> Customer.class;
      case "deal" -> Deal.class;
      case "sla_event" -> SlaEvent.class;
      case "deleted" -> Deleted.class;
      default -> throw new IllegalArgumentException("unknown record kind " + kind);
    };
  }
}
