package io.cxexporter.connector.intercom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The mapping rules the contract fixtures do not reach. */
class IntercomMapperTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final IntercomMapper.Names NAMES =
      new IntercomMapper.Names() {
        @Override
        public String team(String id) {
          return "team " + id;
        }

        @Override
        public String admin(String id) {
          return "admin " + id;
        }
      };

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Ticket conversation(String fields) {
    return IntercomMapper.conversation(
        json("{'id': '7', 'created_at': 1000, 'updated_at': 5000" + fields + "}"), NAMES);
  }

  @Test
  void statesPriorityAndAnUnknownStateReadFromTheOpenFlag() {
    assertThat(conversation(", 'state': 'open'").status()).isEqualTo(TicketStatus.OPEN);
    assertThat(conversation(", 'state': 'snoozed'").status()).isEqualTo(TicketStatus.PENDING);
    assertThat(conversation(", 'state': 'closed'").status()).isEqualTo(TicketStatus.SOLVED);
    assertThat(conversation(", 'state': 'archived', 'open': false").status())
        .isEqualTo(TicketStatus.SOLVED);
    assertThatThrownBy(() -> conversation(", 'state': 'archived'"))
        .hasMessage("unknown state \"archived\"");
    assertThat(conversation(", 'state': 'open', 'priority': 'priority'").priority())
        .isEqualTo(Priority.HIGH);
    assertThat(conversation(", 'state': 'open', 'priority': 'not_priority'").priority())
        .isEqualTo(Priority.NORMAL);
    assertThat(conversation(", 'state': 'open'").priority()).isNull();
  }

  @Test
  void channelsAreBoundedNames() {
    assertThat(IntercomMapper.channel(json("'conversation'"))).isEqualTo("chat");
    assertThat(IntercomMapper.channel(json("'phone_switch'"))).isEqualTo("phone");
    assertThat(IntercomMapper.channel(json("'whatsapp'"))).isEqualTo("whatsapp");
    assertThat(IntercomMapper.channel(json("'carrier_pigeon'"))).isEqualTo("other");
    assertThat(IntercomMapper.channel(json("null"))).isNull();
  }

  @Test
  void idsAsNumbersOrTextAndZeroIsNobody() {
    Ticket t = conversation(", 'state': 'open', 'team_assignee_id': '55', 'admin_assignee_id': 0");
    assertThat(t.group()).isEqualTo("team 55");
    assertThat(t.assignee()).isNull();
    assertThat(t.assigneeId()).isNull();
    Ticket admin = conversation(", 'state': 'open', 'admin_assignee_id': 991");
    assertThat(admin.assignee()).isEqualTo("admin 991");
    assertThat(admin.assigneeId()).isEqualTo("991");
  }

  @Test
  void aClosedConversationWithoutStatisticsIsSolvedAtItsUpdateWithNoVendorDurations() {
    Ticket t = conversation(", 'state': 'closed', 'statistics': null");
    assertThat(t.solvedAt()).isEqualTo(Instant.ofEpochSecond(5000));
    assertThat(t.firstReplyAt()).isNull();
    assertThat(t.resolutionCalendar()).isNull();
    assertThat(t.resolutionBusiness()).isNull();
  }

  @Test
  void vendorDurationsStartAtTheContactsFirstMessage() {
    Ticket t =
        conversation(
            ", 'state': 'closed', 'statistics': {'first_contact_reply_at': 1200,"
                + " 'first_admin_reply_at': 1500, 'time_to_admin_reply': 120,"
                + " 'last_close_at': 4200, 'time_to_last_close': 1800, 'count_reopens': 2}");
    assertThat(t.firstReplyCalendar()).isEqualTo(Duration.ofSeconds(300));
    assertThat(t.firstReplyBusiness()).isEqualTo(Duration.ofSeconds(120));
    assertThat(t.resolutionCalendar()).isEqualTo(Duration.ofSeconds(3000));
    assertThat(t.resolutionBusiness()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(t.reopens()).isEqualTo(2);
  }

  @Test
  void theSlaSummaryIsTheResolutionTarget() {
    Instant closed = Instant.ofEpochSecond(4200);
    assertThat(IntercomMapper.sla(json("{'sla_status': 'missed'}"), TicketStatus.OPEN, null))
        .containsExactly(new SlaStatus(SlaTarget.RESOLUTION, null, null, true));
    assertThat(IntercomMapper.sla(json("{'sla_status': 'missed'}"), TicketStatus.SOLVED, closed))
        .containsExactly(new SlaStatus(SlaTarget.RESOLUTION, null, closed, true));
    assertThat(IntercomMapper.sla(json("{'sla_status': 'hit'}"), TicketStatus.SOLVED, closed))
        .containsExactly(new SlaStatus(SlaTarget.RESOLUTION, null, closed, false));
    // hit, then reopened: running again, not met
    assertThat(IntercomMapper.sla(json("{'sla_status': 'hit'}"), TicketStatus.OPEN, null))
        .containsExactly(new SlaStatus(SlaTarget.RESOLUTION, null, null, false));
    assertThat(IntercomMapper.sla(json("{'sla_status': 'cancelled'}"), TicketStatus.OPEN, null))
        .isEmpty();
    assertThat(IntercomMapper.sla(json("{'sla_status': null}"), TicketStatus.OPEN, null)).isEmpty();
    assertThat(IntercomMapper.sla(json("null"), TicketStatus.OPEN, null)).isEmpty();
  }

  @Test
  void ratingsAreDatedWhenSetAndOffScaleOnesRefused() {
    assertThat(IntercomMapper.csat(json("{'id': '7', 'conversation_rating': null}"), null))
        .isNull();
    SurveyResponse r =
        IntercomMapper.csat(
            json(
                "{'id': '7', 'conversation_rating': {'rating': 3, 'created_at': 100,"
                    + " 'updated_at': 160}}"),
            "Billing");
    assertThat(r.id()).isEqualTo("csat-7");
    assertThat(r.respondedAt()).isEqualTo(Instant.ofEpochSecond(160));
    assertThat(r.satisfied()).isFalse();
    assertThat(r.group()).isEqualTo("Billing");
    assertThat(
            IntercomMapper.csat(
                    json("{'id': '7', 'conversation_rating': {'rating': 4, 'created_at': 100}}"),
                    null)
                .respondedAt())
        .isEqualTo(Instant.ofEpochSecond(100));
    assertThatThrownBy(
            () ->
                IntercomMapper.csat(
                    json("{'id': '7', 'conversation_rating': {'rating': 0, 'updated_at': 1}}"),
                    null))
        .hasMessage("rating 0 outside 1..5");
  }

  @Test
  void ticketStatesOldAndNewShapes() {
    JsonNode t =
        json(
            "{'id': '12', 'created_at': 1000, 'updated_at': 2000, 'team_assignee_id': '0',"
                + " 'admin_assignee_id': '5', 'ticket_state': 'waiting_on_customer'}");
    Ticket pending = IntercomMapper.ticket(t, id -> "team " + id, id -> "admin " + id);
    assertThat(pending.id()).isEqualTo("ticket-12");
    assertThat(pending.status()).isEqualTo(TicketStatus.PENDING);
    assertThat(pending.group()).isNull();
    assertThat(pending.assignee()).isEqualTo("admin 5");
    JsonNode submitted =
        json(
            "{'id': '13', 'created_at': 1000, 'updated_at': 2000,"
                + " 'ticket_state': {'type': 'ticket_state', 'category': 'submitted'}}");
    assertThat(IntercomMapper.ticket(submitted, id -> id, id -> id).status())
        .isEqualTo(TicketStatus.NEW);
  }
}
