package io.cxexporter.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The model refuses what no vendor record can mean: a missing or blank id, a missing status, a time
 * outside [1970, 9999] and a negative duration, each with a message naming the field (the connector
 * kit reports it as the rejected record's reason).
 */
class TicketChecksTest {
  static final Instant T = Instant.parse("2026-11-18T08:00:00Z");

  static Ticket.Builder good() {
    return Ticket.builder("7").createdAt(T).updatedAt(T).status(TicketStatus.SOLVED).solvedAt(T);
  }

  @Test
  void aGoodTicketAndTheEdgesOfTheRangeAreAccepted() {
    assertThat(good().build().id()).isEqualTo("7");
    assertThat(good().createdAt(Instant.EPOCH).build().createdAt()).isEqualTo(Instant.EPOCH);
    Instant last = Instant.parse("9999-12-31T23:59:59Z");
    assertThat(good().updatedAt(last).build().updatedAt()).isEqualTo(last);
    assertThat(good().resolutionCalendar(Duration.ZERO).build().resolutionCalendar()).isZero();
  }

  @Test
  void aMissingOrBlankIdIsRefused() {
    assertThatThrownBy(() -> Ticket.builder(null).createdAt(T).updatedAt(T).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("id: missing");
    assertThatThrownBy(() -> Ticket.builder(" ").createdAt(T).updatedAt(T).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id: blank");
  }

  @Test
  void aMissingStatusIsRefused() {
    assertThatThrownBy(() -> good().status(null).build()).hasMessage("status: missing");
  }

  @Test
  void timesOutsideTheRangeAreRefusedNamingTheField() {
    assertThatThrownBy(() -> good().createdAt(Instant.parse("+10000-01-01T00:00:00Z")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("createdAt: outside 1970-01-01..9999-12-31: +10000-01-01T00:00:00Z");
    assertThatThrownBy(() -> good().updatedAt(Instant.parse("1969-12-31T23:59:59Z")).build())
        .hasMessage("updatedAt: outside 1970-01-01..9999-12-31: 1969-12-31T23:59:59Z");
    assertThatThrownBy(() -> good().firstReplyAt(Instant.parse("+10000-01-01T00:00:00Z")).build())
        .hasMessageStartingWith("firstReplyAt: outside");
    assertThatThrownBy(() -> good().solvedAt(Instant.MIN).build())
        .hasMessageStartingWith("solvedAt: outside");
  }

  @Test
  void negativeDurationsAreRefusedNamingTheField() {
    Duration minus = Duration.ofMinutes(-30);
    assertThatThrownBy(() -> good().firstReplyCalendar(minus).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("firstReplyCalendar: negative: PT-30M");
    assertThatThrownBy(() -> good().firstReplyBusiness(minus).build())
        .hasMessage("firstReplyBusiness: negative: PT-30M");
    assertThatThrownBy(() -> good().resolutionCalendar(minus).build())
        .hasMessage("resolutionCalendar: negative: PT-30M");
    assertThatThrownBy(() -> good().resolutionBusiness(minus).build())
        .hasMessage("resolutionBusiness: negative: PT-30M");
    assertThatThrownBy(() -> good().requesterWaitCalendar(minus).build())
        .hasMessage("requesterWaitCalendar: negative: PT-30M");
    assertThatThrownBy(() -> good().requesterWaitBusiness(minus).build())
        .hasMessage("requesterWaitBusiness: negative: PT-30M");
  }

  @Test
  void theOtherRecordsCheckIdsAndTimesToo() {
    Instant future = Instant.parse("+10000-01-01T00:00:00Z");
    assertThatThrownBy(() -> new Deleted("", T)).hasMessage("id: blank");
    assertThatThrownBy(() -> new Customer(null, T, T, null, null)).hasMessage("id: missing");
    assertThatThrownBy(() -> new Customer("c", T, future, null, null))
        .hasMessageStartingWith("since: outside");
  }
}
