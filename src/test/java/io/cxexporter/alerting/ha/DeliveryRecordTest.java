package io.cxexporter.alerting.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delivery log's annotation: a round trip, and its bound. */
class DeliveryRecordTest {
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void roundTrip() {
    DeliveryRecord r =
        new DeliveryRecord(
            "cx-exporter-0",
            List.of(new DeliveryRecord.Sent("hook", "1a2b3c4d5e6f7a8b", T0)),
            List.of(
                new DeliveryRecord.Reminded(
                    "hook", "SlaDueSoon", "zendesk", "123", "1h", T0.plusSeconds(3600), T0)));
    String text = r.encode();
    assertThat(text)
        .isEqualTo(
            "{\"v\":1,\"owner\":\"cx-exporter-0\",\"sent\":[[\"hook\",\"1a2b3c4d5e6f7a8b\","
                + T0.toEpochMilli()
                + "]],\"reminders\":[[\"hook\",\"SlaDueSoon\",\"zendesk\",\"123\",\"1h\","
                + T0.plusSeconds(3600).toEpochMilli()
                + ","
                + T0.toEpochMilli()
                + "]]}");
    assertThat(DeliveryRecord.decode(text)).isEqualTo(r);
  }

  @Test
  void boundedNewestFirstAndAlertsBeforeReminders() {
    List<DeliveryRecord.Sent> sent = new ArrayList<>();
    List<DeliveryRecord.Reminded> reminders = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      if (i < 1000) {
        sent.add(new DeliveryRecord.Sent("hook", "%016x".formatted(i), T0.plusSeconds(i)));
      }
      reminders.add(
          new DeliveryRecord.Reminded(
              "hook", "SlaDueSoon", "zendesk", "" + i, "1h", T0, T0.plusSeconds(i)));
    }
    String text = new DeliveryRecord("cx-0", sent, reminders).encode();
    assertThat(text.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(DeliveryRecord.MAX_BYTES);
    DeliveryRecord back = DeliveryRecord.decode(text);
    assertThat(back.sent()).hasSize(1000); // every alert fits (about 42 bytes each)
    assertThat(back.reminders()).isNotEmpty().hasSizeLessThan(2000);
    // the reminders kept are the newest
    assertThat(back.reminders().get(0).ticket()).isEqualTo("1999");
    assertThat(back.reminders())
        .allSatisfy(
            r ->
                assertThat(Integer.parseInt(r.ticket()))
                    .isGreaterThan(1999 - back.reminders().size()));
  }

  @Test
  void pastTheBoundTheNewestAlertsAreKept() {
    List<DeliveryRecord.Sent> sent = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      sent.add(new DeliveryRecord.Sent("hook", "%016x".formatted(i), T0.plusSeconds(i)));
    }
    DeliveryRecord back =
        DeliveryRecord.decode(new DeliveryRecord("cx-0", sent, List.of()).encode());
    assertThat(back.sent()).hasSizeBetween(1000, 2999);
    assertThat(back.sent().get(0).at()).isEqualTo(T0.plusSeconds(2999));
    assertThat(back.sent().get(back.sent().size() - 1).at())
        .isEqualTo(T0.plusSeconds(3000 - back.sent().size()));
  }

  @Test
  void notARecord() {
    assertThatThrownBy(() -> DeliveryRecord.decode("{\"v\":2}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a version 1 delivery record");
    assertThatThrownBy(() -> DeliveryRecord.decode("{\"v\":1,\"sent\":[[\"hook\",1,2]]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 1");
    assertThatThrownBy(() -> DeliveryRecord.decode("{oops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
  }
}
