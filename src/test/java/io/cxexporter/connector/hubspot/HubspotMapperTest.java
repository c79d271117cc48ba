package io.cxexporter.connector.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The HubSpot mapper's scales and parsing, one behaviour each. */
class HubspotMapperTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode feedback(String type, String value) throws Exception {
    return JSON.readTree(
        "{\"id\":\"1\",\"properties\":{\"hs_survey_type\":\""
            + type
            + "\",\"hs_value\":"
            + (value == null ? "null" : "\"" + value + "\"")
            + ",\"hs_submission_timestamp\":\"2026-11-18T10:00:00.000Z\","
            + "\"hs_lastmodifieddate\":\"2026-11-18T10:01:00.000Z\"}}");
  }

  static SurveyResponse survey(String type, String value) throws Exception {
    return (SurveyResponse) HubspotMapper.feedback(feedback(type, value));
  }

  @Test
  void csatTwoOfZeroToTwoIsTheOnlySatisfiedAnswer() throws Exception {
    assertThat(survey("CSAT", "2").satisfied()).isTrue();
    assertThat(survey("CSAT", "1").satisfied()).as("neutral").isFalse();
    assertThat(survey("CSAT", "0").satisfied()).isFalse();
    assertThat(survey("CSAT", "2").scoreLabel()).isEqualTo("good");
    assertThat(survey("CSAT", "1").scoreLabel()).isEqualTo("bad");
    assertThat(survey("CSAT", "2").respondedAt()).isEqualTo("2026-11-18T10:00:00Z");
  }

  @Test
  void npsAndCesKeepTheirScales() throws Exception {
    SurveyResponse nps = survey("NPS", "9");
    assertThat(nps.kind()).isEqualTo(SurveyKind.NPS);
    assertThat(nps.promoter()).isTrue();
    assertThat(nps.scaleMax()).isEqualTo(10);
    SurveyResponse ces = survey("CES", "5");
    assertThat(ces.score()).isEqualTo(5);
    assertThat(ces.scaleMin()).isEqualTo(1);
    assertThat(ces.scaleMax()).isEqualTo(7);
  }

  @Test
  void valuesOffTheirScaleAreRejectedWithAReason() {
    assertThatThrownBy(() -> survey("CSAT", "3")).hasMessageContaining("not 0, 1 or 2");
    assertThatThrownBy(() -> survey("NPS", "11")).hasMessageContaining("outside scale");
    assertThatThrownBy(() -> survey("CES", "0")).hasMessageContaining("outside scale");
    assertThatThrownBy(() -> survey("NPS", "great")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> survey("NPS", null)).hasMessage("no hs_value");
  }

  @Test
  void otherSurveyTypesAreSkipped() throws Exception {
    assertThat(HubspotMapper.feedback(feedback("CUSTOM", "4"))).isNull();
    assertThat(HubspotMapper.feedback(feedback("KNOWLEDGE", "1"))).isNull();
  }

  @Test
  void timesAreIsoDatesOrEpochMillis() {
    assertThat(HubspotMapper.instant("2026-11-18T12:50:00.123Z"))
        .isEqualTo(Instant.parse("2026-11-18T12:50:00.123Z"));
    assertThat(HubspotMapper.instant("1795006200000"))
        .isEqualTo(Instant.parse("2026-11-18T12:50:00Z"));
    assertThat(HubspotMapper.instant("2026-11-18"))
        .isEqualTo(Instant.parse("2026-11-18T00:00:00Z"));
    assertThat(HubspotMapper.instant("")).isNull();
    assertThatThrownBy(() -> HubspotMapper.instant("yesterday"))
        .hasMessage("unreadable time \"yesterday\"");
  }

  @Test
  void prioritiesAndChannels() {
    assertThat(HubspotMapper.priority("MEDIUM")).isEqualTo(Priority.NORMAL);
    assertThat(HubspotMapper.priority("URGENT")).isEqualTo(Priority.URGENT);
    assertThat(HubspotMapper.priority("P1")).isNull();
    assertThat(HubspotMapper.channel("FORM")).isEqualTo("web");
    assertThat(HubspotMapper.channel("EMAIL")).isEqualTo("email");
  }

  @Test
  void churnIsTheFirstChangeAwayFromTheLastCustomerValue() throws Exception {
    JsonNode left =
        JSON.readTree(
            "[{\"value\":\"lead\",\"timestamp\":\"2026-11-18T08:00:00Z\"},"
                + "{\"value\":\"other\",\"timestamp\":\"2026-11-17T10:00:00Z\"},"
                + "{\"value\":\"customer\",\"timestamp\":\"2026-10-01T00:00:00Z\"},"
                + "{\"value\":\"other\",\"timestamp\":\"2026-09-01T00:00:00Z\"},"
                + "{\"value\":\"customer\",\"timestamp\":\"2026-01-01T00:00:00Z\"}]");
    assertThat(CompaniesStream.leftCustomer(left)).isEqualTo("2026-11-17T10:00:00Z");
    JsonNode noCustomer =
        JSON.readTree(
            "[{\"value\":\"other\",\"timestamp\":\"2026-11-17T10:00:00Z\"},"
                + "{\"value\":\"lead\",\"timestamp\":\"2026-11-01T00:00:00Z\"}]");
    assertThat(CompaniesStream.leftCustomer(noCustomer))
        .as("the history no longer shows the customer value: its oldest change")
        .isEqualTo("2026-11-01T00:00:00Z");
    JsonNode stillCustomer =
        JSON.readTree("[{\"value\":\"evangelist\",\"timestamp\":\"2026-11-17T10:00:00Z\"}]");
    assertThat(CompaniesStream.leftCustomer(stillCustomer)).isNull();
    assertThat(CompaniesStream.leftCustomer(JSON.readTree("[]"))).isNull();
  }
}
