package io.cxexporter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The field-by-field ticket JSON is the very text data binding writes and reads. */
class StoreCodecTest {
  static final Instant T = Instant.parse("2026-11-18T10:00:00Z");

  static Ticket random(SplittableRandom r, int i) {
    Ticket.Builder b =
        Ticket.builder(i % 7 == 0 ? "id \"quoted\" \u00e9 " + i : Integer.toString(i))
            .createdAt(T.plusSeconds(r.nextInt(1_000_000)))
            .updatedAt(
                T.plusSeconds(1_000_000 + r.nextInt(1000))
                    .plusNanos(r.nextInt(3) == 0 ? r.nextInt(1_000_000_000) : 0))
            .status(TicketStatus.values()[r.nextInt(TicketStatus.values().length)])
            .reopens(r.nextInt(3))
            .escalated(r.nextBoolean());
    if (r.nextBoolean()) {
      b.priority(Priority.values()[r.nextInt(Priority.values().length)]);
    }
    if (r.nextBoolean()) {
      b.channel("email")
          .group("Billing \\ Returns")
          .assignee("Agent\n" + i)
          .assigneeId(r.nextBoolean() ? Integer.toString(900 + i % 5) : null)
          .subject("Hi\t\u0001 " + i);
    }
    if (r.nextBoolean()) {
      b.firstReplyAt(T.plusSeconds(r.nextInt(1000)))
          .firstReplyCalendar(Duration.ofSeconds(r.nextInt(100_000)))
          .firstReplyBusiness(
              Duration.ofSeconds(r.nextInt(3), r.nextInt(3) == 0 ? r.nextInt(1_000_000_000) : 0));
    }
    if (r.nextBoolean()) {
      b.solvedAt(T.plusSeconds(r.nextInt(100_000)))
          .resolutionCalendar(Duration.ofSeconds(r.nextInt(100), r.nextInt(1000) * 1_000_000L))
          .resolutionBusiness(Duration.ZERO);
    }
    if (r.nextBoolean()) {
      b.requesterWaitCalendar(Duration.ofSeconds(r.nextInt(100_000), r.nextInt(3) == 0 ? 5 : 0));
      if (r.nextBoolean()) {
        b.requesterWaitBusiness(Duration.ofSeconds(r.nextInt(1000)));
      }
    }
    if (r.nextBoolean()) {
      b.agentReplies(r.nextInt(5));
    }
    if (r.nextInt(4) == 0) {
      b.sla(
          List.of(
              new SlaStatus(SlaTarget.FIRST_RESPONSE, T, null, true),
              new SlaStatus(SlaTarget.RESOLUTION, null, T.plusSeconds(5), false)));
    }
    List<String> tags = new ArrayList<>();
    for (int k = r.nextInt(4); k > 0; k--) {
      tags.add("tag" + r.nextInt(10));
    }
    return b.tags(tags).build();
  }

  @Test
  void ticketsEncodeAsDataBindingDoesAndDecodeBack() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 5000; i++) {
      Ticket t = random(r, i);
      String bound = RecordCodec.JSON.writeValueAsString(t);
      String fast = RecordCodec.encode(t);
      assertThat(fast).isEqualTo(bound);
      Ticket direct = TicketJson.decode(bound);
      if (direct != null) {
        assertThat(direct).isEqualTo(t);
      } else {
        // only negative durations were left to data binding, and the model now refuses them
        assertThat(bound).contains(":-");
      }
      assertThat(RecordCodec.decode("ticket", fast)).isEqualTo(t);
    }
  }

  @Test
  void edgeDurationsAndInstantsEncodeAsDataBindingDoes() throws Exception {
    for (Duration d :
        List.of(
            Duration.ZERO,
            Duration.ofNanos(5),
            Duration.ofNanos(999),
            Duration.ofNanos(1000),
            Duration.ofNanos(1500),
            Duration.ofMillis(250),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1, 1),
            Duration.ofDays(36_500))) {
      // negative durations and times outside [1970, 9999] are refused by the model (issue 16)
      for (Instant at :
          List.of(
              T,
              T.plusNanos(1),
              T.plusMillis(10),
              Instant.EPOCH,
              Instant.parse("9999-12-31T23:59:59.999999999Z"))) {
        Ticket t =
            Ticket.builder("1")
                .createdAt(at)
                .status(TicketStatus.SOLVED)
                .solvedAt(at)
                .resolutionCalendar(d)
                .build();
        assertThat(RecordCodec.encode(t)).isEqualTo(RecordCodec.JSON.writeValueAsString(t));
        assertThat(RecordCodec.decode("ticket", RecordCodec.encode(t))).isEqualTo(t);
      }
    }
  }

  @Test
  void forEachHandsOutEveryRecordInStoreOrderAcrossChunks(@TempDir Path dir) {
    List<Ticket> tickets = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 2_500; i++) {
      tickets.add(random(r, i));
    }
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      s.apply("zd", "tickets", List.copyOf(tickets), new Cursor("c1"), true);
      List<String> order = new ArrayList<>();
      s.forEach("zd", (stream, rec) -> order.add(rec.id()));
      List<String> sorted = new ArrayList<>(order);
      java.util.Collections.sort(sorted); // the primary key's order
      assertThat(order).isEqualTo(sorted).hasSize(2_500);
      List<Record> all = new ArrayList<>();
      s.forEach("zd", (stream, rec) -> all.add(rec));
      assertThat(all).containsExactlyInAnyOrderElementsOf(tickets);
    }
  }

  @Test
  void anUndecodableRowFailsForEachAndLeavesTheStoreUsable(@TempDir Path dir) throws Exception {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      List<Record> tickets = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(6);
      for (int i = 0; i < 3_000; i++) {
        tickets.add(random(r, i));
      }
      s.apply("zd", "tickets", tickets, new Cursor("c1"), false);
      synchronized (s) {
        try (var st = s.connection().createStatement()) {
          st.executeUpdate(
              "UPDATE records SET body='{\"id\":1' WHERE id=(SELECT max(id) FROM records)");
        }
        s.connection().commit();
      }
      // a row that no longer decodes is left out (and logged), never failing the load
      long[] loaded = {0};
      s.forEach("zd", (stream, rec) -> loaded[0]++);
      assertThat(loaded[0]).isEqualTo(2_999);
      assertThatThrownBy(
              () ->
                  s.forEach(
                      "zd",
                      (stream, rec) -> {
                        throw new IllegalStateException("action failed");
                      }))
          .hasMessage("action failed");
      assertThat(s.count("zd")).isEqualTo(3_000);
      s.apply("zd", "tickets", List.of(random(r, 5)), new Cursor("c2"), true);
      assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c2"));
    }
  }

  @Test
  void otherShapesAreLeftToDataBinding() {
    // fields in another order, durations as integers, unknown fields: not the fast path's shape
    String other =
        "{\"status\":\"OPEN\",\"id\":\"1\",\"createdAt\":\"2026-11-18T10:00:00Z\","
            + "\"updatedAt\":\"2026-11-18T10:00:00+00:00\",\"firstReplyCalendar\":60,\"x\":[1]}";
    Ticket t = (Ticket) RecordCodec.decode("ticket", other);
    assertThat(t.firstReplyCalendar()).isEqualTo(Duration.ofMinutes(1));
    assertThat(t.updatedAt()).isEqualTo(T);
    assertThatThrownBy(() -> RecordCodec.decode("ticket", "{\"id\":\"1\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot decode stored ticket");
    assertThatThrownBy(() -> RecordCodec.decode("ticket", "{\"id\":\"1\",\"status\":\"NOPE\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void otherRecordsReadInstantsOfEveryShapeAsJsr310Does() throws Exception {
    Customer c = new Customer("c1", T, Instant.parse("2026-11-01T08:30:00.123456789Z"), null, 99.5);
    byte[] stored = RecordCodec.encode(c).getBytes(StandardCharsets.UTF_8);
    assertThat(RecordCodec.decode("customer", stored, new TicketJson.Strings())).isEqualTo(c);
    // shapes the fast path leaves to jsr310: an offset, epoch seconds with a fraction
    String other =
        "{\"id\":\"c1\",\"updatedAt\":\"2026-11-18T11:00:00+01:00\","
            + "\"since\":1793518200.5,\"mrr\":1}";
    Customer d =
        (Customer)
            RecordCodec.decode(
                "customer", other.getBytes(StandardCharsets.UTF_8), new TicketJson.Strings());
    assertThat(d.updatedAt()).isEqualTo(T);
    assertThat(d.since()).isEqualTo(Instant.ofEpochSecond(1793518200, 500_000_000));
    assertThatThrownBy(
            () ->
                RecordCodec.decode(
                    "customer",
                    "{\"id\":\"c1\",\"updatedAt\":\"2026-13-18T10:00:00Z\",\"since\":\"x\"}"
                        .getBytes(StandardCharsets.UTF_8),
                    new TicketJson.Strings()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot decode stored customer");
  }

  @Test
  void ticketsStoredBeforeTheRequesterWaitFieldsStillDecodeWithoutThem() throws Exception {
    Ticket old =
        Ticket.builder("1")
            .createdAt(T)
            .status(TicketStatus.SOLVED)
            .solvedAt(T.plusSeconds(7200))
            .resolutionCalendar(Duration.ofHours(2))
            .agentReplies(2)
            .build();
    String now = RecordCodec.encode(old);
    String before =
        now.replace("\"requesterWaitCalendar\":null,\"requesterWaitBusiness\":null,", "");
    assertThat(before).isNotEqualTo(now).doesNotContain("requesterWait");
    assertThat(TicketJson.decode(before)).isEqualTo(old);
    assertThat(RecordCodec.decode("ticket", before)).isEqualTo(old);
    // the data binding fallback too (durations as integers are not the fast path's shape)
    String bound = before.replace("\"reopens\"", "\"firstReplyCalendar\":60,\"reopens\"");
    assertThat(TicketJson.decode(bound)).isNull();
    assertThat(((Ticket) RecordCodec.decode("ticket", bound)).requesterWaitCalendar()).isNull();
  }

  @Test
  void theRequesterWaitRoundTrips() throws Exception {
    Ticket t =
        Ticket.builder("1")
            .createdAt(T)
            .status(TicketStatus.SOLVED)
            .solvedAt(T.plusSeconds(7200))
            .requesterWaitCalendar(Duration.ofMinutes(100))
            .requesterWaitBusiness(Duration.ofMinutes(70))
            .build();
    assertThat(RecordCodec.encode(t))
        .contains("\"requesterWaitCalendar\":6000.000000000")
        .contains("\"requesterWaitBusiness\":4200.000000000");
    assertThat(RecordCodec.decode("ticket", RecordCodec.encode(t))).isEqualTo(t);
    assertThat(TicketJson.decode(RecordCodec.encode(t))).isEqualTo(t);
  }

  @Test
  void ticketsStoredBeforeTheAssigneeIdStillDecodeWithoutIt() throws Exception {
    Ticket old =
        Ticket.builder("1")
            .createdAt(T)
            .status(TicketStatus.OPEN)
            .group("Billing")
            .assignee("Ana Novak")
            .build();
    String now = RecordCodec.encode(old);
    String before = now.replace("\"assigneeId\":null,", "");
    assertThat(before).isNotEqualTo(now).doesNotContain("assigneeId");
    assertThat(TicketJson.decode(before)).isEqualTo(old);
    assertThat(RecordCodec.decode("ticket", before)).isEqualTo(old);
    // the data binding fallback too
    String bound = before.replace("\"reopens\"", "\"firstReplyCalendar\":60,\"reopens\"");
    assertThat(TicketJson.decode(bound)).isNull();
    Ticket viaBinding = (Ticket) RecordCodec.decode("ticket", bound);
    assertThat(viaBinding.assignee()).isEqualTo("Ana Novak");
    assertThat(viaBinding.assigneeId()).isNull();
  }

  @Test
  void theAssigneeIdRoundTrips(@TempDir Path dir) throws Exception {
    Ticket t =
        Ticket.builder("1")
            .createdAt(T)
            .status(TicketStatus.OPEN)
            .assignee("Ana Novak")
            .assigneeId("361")
            .build();
    assertThat(RecordCodec.encode(t))
        .contains("\"assignee\":\"Ana Novak\",\"assigneeId\":\"361\"")
        .isEqualTo(RecordCodec.JSON.writeValueAsString(t));
    assertThat(TicketJson.decode(RecordCodec.encode(t))).isEqualTo(t);
    assertThat(RecordCodec.decode("ticket", RecordCodec.encode(t))).isEqualTo(t);
    // through a store: a new row keeps the id, a row in the shape before the field loads without
    Ticket old = Ticket.builder("2").createdAt(T).status(TicketStatus.OPEN).assignee("Bo").build();
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      s.apply("zd", "tickets", List.of(t, old), new Cursor("c1"), false);
      synchronized (s) {
        try (var st = s.connection().createStatement()) {
          assertThat(
                  st.executeUpdate(
                      "UPDATE records SET body=replace(body, '\"assigneeId\":null,', '')"
                          + " WHERE body LIKE '%\"Bo\"%'"))
              .isEqualTo(1);
        }
        s.connection().commit();
      }
      List<Record> all = new ArrayList<>();
      s.forEach("zd", (stream, rec) -> all.add(rec));
      assertThat(all).containsExactlyInAnyOrder(t, old);
    }
  }

  @Test
  void slaEventsStoredWithTheOldZendeskShapedNamesStillDecode() {
    String before =
        "{\"id\":\"9\",\"updatedAt\":\"2026-11-18T09:00:00Z\",\"ticketId\":\"7\","
            + "\"target\":\"FIRST_RESPONSE\",\"type\":\"APPLIED\",\"goal\":\"PT30M\","
            + "\"businessHours\":true}";
    assertThat(RecordCodec.decode("sla_event", before))
        .isEqualTo(
            new io.cxexporter.model.SlaEvent(
                "9",
                Instant.parse("2026-11-18T09:00:00Z"),
                "7",
                io.cxexporter.model.SlaTarget.FIRST_RESPONSE,
                io.cxexporter.model.SlaEvent.Type.GOAL_SET,
                java.time.Duration.ofMinutes(30),
                true));
    assertThat(RecordCodec.decode("sla_event", before.replace("APPLIED", "FULFILLED")))
        .extracting(r -> ((io.cxexporter.model.SlaEvent) r).type())
        .isEqualTo(io.cxexporter.model.SlaEvent.Type.MET);
  }
}
