package io.cxexporter.connector.zendesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.connector.http.TreeFilter;
import io.cxexporter.model.Record;
import io.cxexporter.util.IsoInstant;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The export page is read with only the mapped fields built: the records are the same. */
class ZendeskExportParsingTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode read(TreeFilter f, String json) throws Exception {
    try (JsonParser p = JSON.createParser(json)) {
      return f.read(p);
    }
  }

  static List<Record> map(JsonNode page) {
    List<Record> out = new ArrayList<>();
    for (JsonNode t : page.path("tickets")) {
      out.add(ZendeskMapper.ticket(t, g -> "group " + g, u -> "user " + u));
    }
    return out;
  }

  @Test
  void theFilteredPageMapsToTheSameRecordsAndKeepsTheTopLevel() throws Exception {
    for (String f : List.of("tickets-page1.json", "tickets-page2.json", "tickets-empty.json")) {
      String json = ZendeskConnectorTest.fixture(f);
      JsonNode full = JSON.readTree(json);
      JsonNode filtered = read(TicketsStream.PAGE, json);
      assertThat(map(filtered)).isEqualTo(map(full));
      assertThat(filtered.path("after_cursor")).isEqualTo(full.path("after_cursor"));
      assertThat(filtered.path("end_of_stream")).isEqualTo(full.path("end_of_stream"));
    }
  }

  @Test
  void unmappedFieldsAreSkippedAndNumbersKeepTheirNodeTypes() throws Exception {
    String json =
        "{\"tickets\":[{\"id\":12345678901,\"description\":{\"deep\":[1,2,{\"x\":null}]},"
            + "\"custom_fields\":[{\"id\":1,\"value\":\"a\"}],\"status\":\"open\","
            + "\"metric_set\":{\"reopens\":1,\"agent_wait_time_in_minutes\":{\"calendar\":3},"
            + "\"reply_time_in_minutes\":{\"calendar\":1.5,\"business\":2}}}],"
            + "\"after_cursor\":\"c1\",\"end_of_stream\":false,\"extra\":{\"kept\":[true]}}";
    JsonNode full = JSON.readTree(json);
    JsonNode f = read(TicketsStream.PAGE, json);
    JsonNode t = f.path("tickets").get(0);
    assertThat(t.has("description")).isFalse();
    assertThat(t.has("custom_fields")).isFalse();
    assertThat(t.path("metric_set").has("agent_wait_time_in_minutes")).isFalse();
    assertThat(t.path("id")).isEqualTo(full.path("tickets").get(0).path("id"));
    assertThat(t.path("metric_set").path("reply_time_in_minutes"))
        .isEqualTo(full.path("tickets").get(0).path("metric_set").path("reply_time_in_minutes"));
    assertThat(f.path("extra")).isEqualTo(full.path("extra"));
    assertThat(read(TreeFilter.ALL, json)).isEqualTo(full);
  }

  @Test
  void aTruncatedOrMalformedPageFailsLikeTheFullParser() {
    String whole = "{\"tickets\":[{\"id\":1,\"description\":{\"a\":[1,2]},\"status\":\"open\"}]}";
    for (int cut = 1; cut < whole.length(); cut++) {
      String part = whole.substring(0, cut);
      assertThatThrownBy(() -> read(TicketsStream.PAGE, part))
          .as(part)
          .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }
    assertThatThrownBy(() -> read(TicketsStream.PAGE, "{\"tickets\":[{\"description\":{]}"))
        .isInstanceOf(JsonParseException.class);
  }

  @Test
  void isoInstantsParseAsInstantParseDoes() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      long sec = r.nextLong(-70L * 365 * 86400, 400L * 365 * 86400);
      int nanos = r.nextInt(4) == 0 ? r.nextInt(1_000_000_000) : 0;
      String s = Instant.ofEpochSecond(sec, nanos).toString();
      assertThat(IsoInstant.parse(s)).as(s).isEqualTo(Instant.parse(s));
      assertThat(IsoInstant.format(Instant.parse(s))).isEqualTo(s);
    }
    for (long sec : new long[] {-62_167_219_200L - 1, 253_402_300_800L, 0, -1, 951_782_400L}) {
      for (int nanos : new int[] {0, 1, 10, 1000, 120_000_000, 999_999_999}) {
        Instant t = Instant.ofEpochSecond(sec, nanos);
        assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
      }
    }
    for (String s :
        List.of(
            "2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2026-11-18T13:00:00.5Z",
            "2026-11-18T13:00:00.123456789Z",
            "2026-11-18T13:00:00+01:00")) {
      assertThat(IsoInstant.parse(s)).as(s).isEqualTo(Instant.parse(s));
    }
    for (String odd :
        List.of(
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-11-18T24:00:00Z",
            "2026-12-31T23:59:60Z",
            "2026-11-18T13:60:00Z",
            "2026-11-18 13:00:00Z",
            "2026-11-18T13:00:00.Z",
            "2026-11-18T13:00:00.1234567890Z",
            "2026-1x-18T13:00:00Z",
            "")) {
      assertThat(IsoInstant.parsePlain(odd)).as(odd).isNull();
      Object want;
      try {
        want = Instant.parse(odd);
      } catch (DateTimeParseException e) {
        want = DateTimeParseException.class;
      }
      Object got;
      try {
        got = IsoInstant.parse(odd);
      } catch (DateTimeParseException e) {
        got = DateTimeParseException.class;
      }
      assertThat(got).as(odd).isEqualTo(want);
    }
  }

  @Test
  void theFilterKeepsWhatTheMapperReads() throws Exception {
    // every field the mapper reads, each set to a value that changes the record
    String json =
        "{\"tickets\":[{\"id\":7,\"created_at\":\"2026-11-18T08:00:00Z\","
            + "\"updated_at\":\"2026-11-18T09:00:00Z\",\"generated_timestamp\":1794996000,"
            + "\"status\":\"solved\",\"priority\":\"urgent\",\"via\":{\"channel\":\"voice\"},"
            + "\"group_id\":3,\"assignee_id\":4,\"subject\":\"s\",\"tags\":[\"escalated\"],"
            + "\"metric_set\":{\"reply_time_in_minutes\":{\"calendar\":5,\"business\":4},"
            + "\"full_resolution_time_in_minutes\":{\"calendar\":50,\"business\":40},"
            + "\"solved_at\":\"2026-11-18T08:50:00Z\",\"reopens\":2,\"replies\":3,"
            + "\"group_stations\":2}}]}";
    JsonNode full = JSON.readTree(json);
    assertThat(map(read(TicketsStream.PAGE, json))).isEqualTo(map(full));
    assertThat(read(TicketsStream.PAGE, json)).isEqualTo(full);
  }
}
