package io.cxexporter.connector.zendesk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Ticket;
import org.junit.jupiter.api.Test;

/** Zendesk's {@code assignee_id} is the ticket's assignee id; the name is looked up from it. */
class ZendeskAssigneeIdTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Ticket ticket(String assignee) throws Exception {
    String json =
        """
        {"id": 7, "created_at": "2026-11-18T08:00:00Z", "updated_at": "2026-11-18T10:00:00Z",
         "status": "open", "group_id": 3%s}
        """
            .formatted(assignee);
    return (Ticket)
        ZendeskMapper.ticket(
            JSON.readTree(json),
            g -> "group " + g,
            u -> u == 361_000_000_123L ? "Ana Novak" : "user " + u);
  }

  @Test
  void theAssigneeIdIsKeptBesideTheName() throws Exception {
    Ticket t = ticket(", \"assignee_id\": 361000000123");
    assertThat(t.assignee()).isEqualTo("Ana Novak");
    assertThat(t.assigneeId()).isEqualTo("361000000123");
  }

  @Test
  void anUnassignedTicketHasNeither() throws Exception {
    for (String none : new String[] {"", ", \"assignee_id\": null"}) {
      Ticket t = ticket(none);
      assertThat(t.assignee()).as(none).isNull();
      assertThat(t.assigneeId()).as(none).isNull();
    }
  }
}
