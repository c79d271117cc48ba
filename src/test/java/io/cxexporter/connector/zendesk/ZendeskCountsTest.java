package io.cxexporter.connector.zendesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Ticket;
import org.junit.jupiter.api.Test;

/**
 * Zendesk's {@code metric_set.replies} and {@code reopens}: counts feed first-contact resolution,
 * replies per ticket and the reopen ratio, so a value that is not a count is a mapping error.
 */
class ZendeskCountsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Ticket ticket(String metrics) throws Exception {
    String json =
        """
        {"id": 7, "created_at": "2026-11-18T08:00:00Z", "updated_at": "2026-11-18T10:00:00Z",
         "status": "solved", "metric_set": {"solved_at": "2026-11-18T10:00:00Z"%s}}
        """
            .formatted(metrics);
    return (Ticket) ZendeskMapper.ticket(JSON.readTree(json), id -> null, id -> null);
  }

  @Test
  void countsAreReadAndAMissingReplyCountIsUnknown() throws Exception {
    Ticket t = ticket(", \"replies\": 2, \"reopens\": 1");
    assertThat(t.agentReplies()).isEqualTo(2);
    assertThat(t.reopens()).isEqualTo(1);
    Ticket none = ticket(", \"replies\": null");
    assertThat(none.agentReplies()).isNull();
    assertThat(none.reopens()).isZero();
  }

  @Test
  void aValueThatIsNotACountIsAMappingErrorNotZero() {
    assertThatThrownBy(() -> ticket(", \"replies\": \"two\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metric_set.replies: not a count: \"two\"");
    assertThatThrownBy(() -> ticket(", \"replies\": 1.5"))
        .hasMessage("metric_set.replies: not a count: 1.5");
    assertThatThrownBy(() -> ticket(", \"reopens\": -1"))
        .hasMessage("metric_set.reopens: not a count: -1");
  }
}
