package io.cxexporter.connector.zendesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Ticket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Zendesk's {@code metric_set.requester_wait_time_in_minutes} on the normalized ticket. */
class ZendeskRequesterWaitTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Ticket ticket(String status, String wait) throws Exception {
    String json =
        """
        {"id": 7, "created_at": "2026-11-18T08:00:00Z", "updated_at": "2026-11-18T10:00:00Z",
         "status": "%s", "metric_set": {"solved_at": "2026-11-18T10:00:00Z"%s}}
        """
            .formatted(
                status, wait.isEmpty() ? "" : ", \"requester_wait_time_in_minutes\": " + wait);
    return (Ticket) ZendeskMapper.ticket(JSON.readTree(json), id -> null, id -> null);
  }

  @Test
  void aSolvedTicketCarriesBothFiguresInSeconds() throws Exception {
    Ticket t = ticket("solved", "{\"calendar\": 100, \"business\": 70.5}");
    assertThat(t.requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(100));
    assertThat(t.requesterWaitBusiness()).isEqualTo(Duration.ofSeconds(4230));
  }

  @Test
  void anOpenTicketsRunningWaitAndAMissingOneAreUnknown() throws Exception {
    assertThat(ticket("open", "{\"calendar\": 5, \"business\": 5}").requesterWaitCalendar())
        .isNull();
    Ticket none = ticket("solved", "");
    assertThat(none.requesterWaitCalendar()).isNull();
    assertThat(none.requesterWaitBusiness()).isNull();
    Ticket nulls = ticket("closed", "{\"calendar\": null, \"business\": null}");
    assertThat(nulls.requesterWaitCalendar()).isNull();
    assertThat(nulls.requesterWaitBusiness()).isNull();
  }

  @Test
  void aValueThatIsNotMinutesIsAMappingErrorNotAWait() {
    assertThatThrownBy(() -> ticket("solved", "{\"calendar\": \"100\", \"business\": 70}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metric_set.requester_wait_time_in_minutes.calendar: not minutes: \"100\"");
    assertThatThrownBy(() -> ticket("solved", "{\"calendar\": 10, \"business\": -1}"))
        .hasMessage("metric_set.requester_wait_time_in_minutes.business: not minutes: -1");
    assertThatThrownBy(() -> ticket("solved", "90"))
        .hasMessage("metric_set.requester_wait_time_in_minutes: not {calendar, business}: 90");
  }
}
