package io.cxexporter.connector.freshdesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.TicketStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Freshdesk's codes and scales, one by one. */
class FreshdeskMapperTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final FreshdeskMapper.Names NAMES =
      new FreshdeskMapper.Names() {
        @Override
        public String group(long id) {
          return "g" + id;
        }

        @Override
        public String agent(long id) {
          return "a" + id;
        }

        @Override
        public String status(int code) {
          return code == 6 ? "Waiting on Customer" : Integer.toString(code);
        }
      };

  static Record rating(String value) throws Exception {
    JsonNode r =
        JSON.readTree(
            "{\"id\":1,\"ticket_id\":5,\"group_id\":7,\"ratings\":{\"default_question\":"
                + value
                + "},\"created_at\":\"2026-11-18T10:00:00Z\",\"updated_at\":\"2026-11-18T10:00:00Z\"}");
    return FreshdeskMapper.rating(r, NAMES);
  }

  @ParameterizedTest
  @CsvSource({"103,true", "102,true", "101,true", "100,false", "-101,false", "-103,false"})
  void positiveIsSatisfiedNeutralAndNegativeAreRatedButNot(String value, boolean satisfied)
      throws Exception {
    SurveyResponse r = (SurveyResponse) rating(value);
    assertThat(r.satisfied()).isEqualTo(satisfied);
    assertThat(r.group()).isEqualTo("g7");
    assertThat(r.ticketId()).isEqualTo("5");
  }

  @Test
  void aValueOffTheScaleIsRejectedAndNoAnswerIsSkipped() throws Exception {
    assertThatThrownBy(() -> rating("104")).hasMessageContaining("outside Freshdesk's scale");
    assertThatThrownBy(() -> rating("\"happy\"")).hasMessageContaining("outside");
    assertThat(rating("null")).isNull();
  }

  @ParameterizedTest
  @CsvSource({"2,OPEN", "3,PENDING", "4,SOLVED", "5,CLOSED", "6,PENDING", "7,SOLVED", "8,ON_HOLD"})
  void statusCodesAndCustomStatusesByLabelOrCode(int code, TicketStatus expected) {
    Map<String, TicketStatus> custom =
        Map.of("Waiting on Customer", TicketStatus.PENDING, "7", TicketStatus.SOLVED);
    assertThat(FreshdeskMapper.status(code, NAMES, custom)).isEqualTo(expected);
  }

  @Test
  void sourcesAndPriorities() {
    assertThat(FreshdeskMapper.channel(1)).isEqualTo("email");
    assertThat(FreshdeskMapper.channel(2)).isEqualTo("web");
    assertThat(FreshdeskMapper.channel(3)).isEqualTo("phone");
    assertThat(FreshdeskMapper.channel(7)).isEqualTo("chat");
    assertThat(FreshdeskMapper.channel(10)).isEqualTo("email");
    assertThat(FreshdeskMapper.channel(99)).isEqualTo("other");
    assertThat(FreshdeskMapper.priority(2).label()).isEqualTo("normal");
    assertThat(FreshdeskMapper.priority(4).label()).isEqualTo("urgent");
  }
}
