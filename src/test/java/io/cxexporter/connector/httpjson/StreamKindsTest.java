package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.testing.TestConnectors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each stream kind's {@code map:} block, written in YAML as a user would, on one record at a time:
 * ratings and survey answers (scales, answers not given yet), customers, deals, and the field forms
 * the recipes need (path lists, constants, {@code keep_others}, a filter on the record, SLA due
 * times).
 */
class StreamKindsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The mapping of stream {@code name} in a config whose streams block is {@code streams}. */
  static RecordMapping mapping(String name, String streams) throws Exception {
    String yaml =
        "base_url: https://acme.example.com\n"
            + "lookups:\n"
            + "  groups: {path: /groups, key: \"$.id\", value: \"$.name\"}\n"
            + "streams:\n"
            + streams.indent(2);
    List<String> problems =
        TestConnectors.of(new HttpJsonConnectorFactory())
            .with(HttpJsonConnectorFactoryTest.yaml(yaml))
            .problems();
    assertThat(problems).isEmpty();
    HttpJsonOptions o =
        TestConnectors.of(new HttpJsonConnectorFactory())
            .with(HttpJsonConnectorFactoryTest.yaml(yaml))
            .options();
    return o.streams().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow()
        .mapping();
  }

  static Record map(RecordMapping m, String json) throws Exception {
    return m.map(JSON.readTree(json), (table, id) -> table + ":" + id);
  }

  @Test
  void freshdeskRatingsAreGoodAboveOneHundredAndSkippedWithoutAnAnswer() throws Exception {
    RecordMapping m =
        mapping(
            "satisfaction_ratings",
            """
            satisfaction_ratings:
              path: /api/v2/surveys/satisfaction_ratings
              map:
                id: "$.id"
                ticket_id: "$.ticket_id"
                responded_at: "$.created_at"
                updated_at: "$.updated_at"
                satisfied: {path: "$.ratings.default_question", above: 100}
                group: {path: "$.group_id", lookup: groups}
            """);
    SurveyResponse good =
        (SurveyResponse)
            map(
                m,
                """
                {"id": 7, "ticket_id": 5001, "group_id": 3, "created_at": "2026-11-18T10:00:00Z",
                 "updated_at": "2026-11-18T10:05:00Z", "ratings": {"default_question": 103}}
                """);
    assertThat(good.kind()).isEqualTo(SurveyKind.CSAT);
    assertThat(good.score()).isEqualTo(1.0);
    assertThat(good.scaleMin()).isEqualTo(0.0);
    assertThat(good.scaleMax()).isEqualTo(1.0);
    assertThat(good.respondedAt()).isEqualTo(Instant.parse("2026-11-18T10:00:00Z"));
    assertThat(good.updatedAt()).isEqualTo(Instant.parse("2026-11-18T10:05:00Z"));
    assertThat(good.ticketId()).isEqualTo("5001");
    assertThat(good.group()).isEqualTo("groups:3");
    SurveyResponse neutral =
        (SurveyResponse)
            map(
                m,
                "{\"id\": 8, \"created_at\": \"2026-11-18T10:00:00Z\", \"ratings\":"
                    + " {\"default_question\": 100}}");
    assertThat(neutral.score()).isEqualTo(0.0);
    assertThat(neutral.updatedAt())
        .as("updated_at defaults to responded_at")
        .isEqualTo(neutral.respondedAt());
    assertThat(map(m, "{\"id\": 9, \"created_at\": \"2026-11-18T10:00:00Z\", \"ratings\": {}}"))
        .as("no answer to the default question: not a rating yet")
        .isNull();
  }

  @Test
  void zendeskScoresMapGoodAndBadAndOfferedIsNotAnAnswer() throws Exception {
    RecordMapping m =
        mapping(
            "csat",
            """
            csat:
              kind: satisfaction_ratings
              path: /api/v2/satisfaction_ratings.json
              map:
                id: "$.id"
                responded_at: ["$.updated_at", "$.created_at"]
                satisfied:
                  path: "$.score"
                  values: {good: true, bad: false, good_with_comment: true, bad_with_comment: false,
                           offered: "", unoffered: ""}
            """);
    assertThat(
            ((SurveyResponse)
                    map(m, "{\"id\":1,\"score\":\"bad\",\"created_at\":\"2026-11-18T09:00:00Z\"}"))
                .score())
        .isEqualTo(0.0);
    SurveyResponse good =
        (SurveyResponse)
            map(
                m,
                "{\"id\":2,\"score\":\"good_with_comment\",\"created_at\":\"2026-11-18T09:00:00Z\","
                    + "\"updated_at\":\"2026-11-18T09:30:00Z\"}");
    assertThat(good.score()).isEqualTo(1.0);
    assertThat(good.respondedAt())
        .as("the first path present")
        .isEqualTo(Instant.parse("2026-11-18T09:30:00Z"));
    assertThat(map(m, "{\"id\":3,\"score\":\"offered\",\"created_at\":\"2026-11-18T09:00:00Z\"}"))
        .isNull();
    assertThatThrownBy(
            () -> map(m, "{\"id\":4,\"score\":\"great\",\"created_at\":\"2026-11-18T09:00:00Z\"}"))
        .isInstanceOf(FieldSpec.Unmapped.class)
        .hasMessage("connectors[0].streams.csat.map.satisfied: no mapping for value \"great\"");
  }

  @Test
  void surveysTakeTheirKindAndTheKindsUsualScaleOrTheStreams() throws Exception {
    RecordMapping m =
        mapping(
            "surveys",
            """
            surveys:
              path: /responses
              map:
                id: "$.id"
                kind: {path: "$.type", values: {nps: nps, effort: ces, ignore: ""}}
                score: "$.value"
                responded_at: {path: "$.at", format: epoch_ms}
            """);
    SurveyResponse nps =
        (SurveyResponse) map(m, "{\"id\":\"a\",\"type\":\"nps\",\"value\":9,\"at\":1795000000000}");
    assertThat(nps.kind()).isEqualTo(SurveyKind.NPS);
    assertThat(nps.score()).isEqualTo(9.0);
    assertThat(nps.scaleMin()).isEqualTo(0.0);
    assertThat(nps.scaleMax()).isEqualTo(10.0);
    assertThat(nps.respondedAt()).isEqualTo(Instant.ofEpochMilli(1795000000000L));
    SurveyResponse ces =
        (SurveyResponse)
            map(m, "{\"id\":\"b\",\"type\":\"effort\",\"value\":\"6\",\"at\":1795000000000}");
    assertThat(ces.kind()).isEqualTo(SurveyKind.CES);
    assertThat(ces.scaleMax()).isEqualTo(7.0);
    assertThat(map(m, "{\"id\":\"c\",\"type\":\"ignore\",\"value\":3,\"at\":1795000000000}"))
        .isNull();
    assertThatThrownBy(
            () -> map(m, "{\"id\":\"d\",\"type\":\"nps\",\"value\":11,\"at\":1795000000000}"))
        .hasMessageContaining("outside scale 0.0..10.0");

    RecordMapping scaled =
        mapping(
            "stars",
            """
            stars:
              kind: surveys
              path: /stars
              scale: {min: 1, max: 10}
              map:
                id: "$.id"
                kind: {value: csat}
                score: "$.stars"
                responded_at: "$.at"
            """);
    SurveyResponse s =
        (SurveyResponse) map(scaled, "{\"id\":1,\"stars\":9,\"at\":\"2026-11-18T09:00:00Z\"}");
    assertThat(s.kind()).isEqualTo(SurveyKind.CSAT);
    assertThat(s.scaleMax()).isEqualTo(10.0);
    assertThat(s.satisfied()).isTrue();
  }

  @Test
  void customersNeedASinceDateAndMayChurn() throws Exception {
    RecordMapping m =
        mapping(
            "customers",
            """
            customers:
              path: /companies
              map:
                id: "$.id"
                customer_since: "$.became_customer"
                churned_at: "$.churned"
                mrr: "$.plan.mrr"
            """);
    Customer c =
        (Customer)
            map(
                m,
                "{\"id\":1,\"became_customer\":\"2026-01-01T00:00:00Z\","
                    + "\"churned\":\"2026-10-01T00:00:00Z\",\"plan\":{\"mrr\":\"99.5\"}}");
    assertThat(c.since()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(c.churnedAt()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
    assertThat(c.updatedAt()).as("the later of since and churned").isEqualTo(c.churnedAt());
    assertThat(c.mrr()).isEqualTo(99.5);
    assertThat(map(m, "{\"id\":2,\"became_customer\":null}")).as("a lead, not a customer").isNull();
  }

  @Test
  void dealsAreOpenUntilClosedThenWonOrLost() throws Exception {
    RecordMapping m =
        mapping(
            "deals",
            """
            deals:
              path: /deals
              map:
                id: "$.id"
                created_at: "$.created"
                closed_at: "$.closed"
                won: {path: "$.status", values: {won: true, lost: false, open: ""}}
                amount: "$.value"
            """);
    Deal open =
        (Deal) map(m, "{\"id\":1,\"created\":\"2026-11-01T00:00:00Z\",\"status\":\"open\"}");
    assertThat(open.stage()).isEqualTo(DealStage.OPEN);
    assertThat(open.updatedAt()).isEqualTo(open.createdAt());
    Deal won =
        (Deal)
            map(
                m,
                "{\"id\":2,\"created\":\"2026-11-01T00:00:00Z\",\"closed\":\"2026-11-10T00:00:00Z\","
                    + "\"status\":\"won\",\"value\":1200}");
    assertThat(won.stage()).isEqualTo(DealStage.WON);
    assertThat(won.amount()).isEqualTo(1200.0);
    assertThat(won.updatedAt()).isEqualTo(won.closedAt());
    Deal lost =
        (Deal)
            map(
                m,
                "{\"id\":3,\"created\":\"2026-11-01T00:00:00Z\",\"closed\":\"2026-11-10T00:00:00Z\","
                    + "\"status\":\"lost\"}");
    assertThat(lost.stage()).isEqualTo(DealStage.LOST);
    assertThatThrownBy(
            () ->
                map(
                    m,
                    "{\"id\":4,\"created\":\"2026-11-01T00:00:00Z\","
                        + "\"closed\":\"2026-11-10T00:00:00Z\",\"status\":\"open\"}"))
        .hasMessage(
            "connectors[0].streams.deals.map.won: unknown for a deal closed at 2026-11-10T00:00:00Z");
  }

  @Test
  void recipeFieldFormsPathListsConstantsKeepOthersFiltersAndSlaDueTimes() throws Exception {
    RecordMapping m =
        mapping(
            "tickets",
            """
            tickets:
              path: /tickets
              map:
                id: "$.id"
                created_at: "$.created_at"
                status: {path: "$.status", values: {open: open, solved: solved}}
                channel: {path: "$.via.channel", values: {voice: phone, messaging: chat}, keep_others: true}
                solved_at: ["$.stats.resolved_at", "$.stats.closed_at"]
                escalated: ["$.is_escalated", "$.fr_escalated"]
                reopens: {path: "$[?(@.metric_set.group_stations > 1 || 'escalated' in @.tags)]", exists: true}
                first_reply_calendar: {path: "$.metric_set.reply_time_in_minutes.calendar", unit: minutes}
                sla_first_reply_due_at: "$.fr_due_by"
                sla_resolution_due_at: "$.due_by"
            """);
    Ticket t =
        (Ticket)
            map(
                m,
                """
                {"id": 1, "created_at": "2026-11-18T08:00:00Z", "status": "solved",
                 "via": {"channel": "voice"}, "stats": {"resolved_at": null, "closed_at": "2026-11-18T11:00:00Z"},
                 "is_escalated": false, "fr_escalated": true, "tags": ["vip", "escalated"],
                 "metric_set": {"group_stations": 1, "reply_time_in_minutes": {"calendar": 20}},
                 "fr_due_by": "2026-11-18T09:00:00Z", "due_by": "2026-11-18T10:00:00Z"}
                """);
    assertThat(t.channel()).isEqualTo("phone");
    assertThat(t.solvedAt())
        .as("the first path present")
        .isEqualTo(Instant.parse("2026-11-18T11:00:00Z"));
    assertThat(t.escalated()).as("any path true").isTrue();
    assertThat(t.reopens()).as("the filter matched the record").isEqualTo(1);
    assertThat(t.firstReplyCalendar()).isEqualTo(Duration.ofMinutes(20));
    assertThat(t.firstReplyAt())
        .as("created + first_reply_calendar when first_reply_at is not mapped")
        .isEqualTo(Instant.parse("2026-11-18T08:20:00Z"));
    assertThat(t.sla())
        .containsExactly(
            new SlaStatus(
                SlaTarget.FIRST_RESPONSE,
                Instant.parse("2026-11-18T09:00:00Z"),
                Instant.parse("2026-11-18T08:20:00Z"),
                false),
            new SlaStatus(
                SlaTarget.RESOLUTION,
                Instant.parse("2026-11-18T10:00:00Z"),
                Instant.parse("2026-11-18T11:00:00Z"),
                false));
    Ticket other =
        (Ticket)
            map(
                m,
                """
                {"id": 2, "created_at": "2026-11-18T08:00:00Z", "status": "open",
                 "via": {"channel": "api"}, "is_escalated": false, "tags": [],
                 "metric_set": {"group_stations": 2}}
                """);
    assertThat(other.channel()).as("kept as it is").isEqualTo("api");
    assertThat(other.escalated()).isFalse();
    assertThat(other.reopens()).as("group_stations > 1").isEqualTo(1);
    assertThat(other.sla()).isEmpty();

    RecordMapping tombstones =
        mapping(
            "deleted",
            """
            deleted:
              kind: tickets
              path: /tickets
              params: {filter: deleted}
              map: {id: "$.id", updated_at: "$.updated_at", deleted: {value: true}}
            """);
    assertThat(map(tombstones, "{\"id\": 5, \"updated_at\": \"2026-11-18T12:00:00Z\"}"))
        .isEqualTo(new Deleted("5", Instant.parse("2026-11-18T12:00:00Z")));
  }
}
