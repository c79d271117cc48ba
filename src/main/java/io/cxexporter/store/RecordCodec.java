package io.cxexporter.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import java.io.IOException;

/** Serializes records to the store's JSON column and back, with a short kind tag. */
final class RecordCodec {
  /** Also what {@link TicketJson} writes and reads with: the same generator and parser features. */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
      return JSON.readValue(body, type);
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
