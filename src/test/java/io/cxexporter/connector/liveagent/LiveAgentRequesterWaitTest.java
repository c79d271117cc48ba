package io.cxexporter.connector.liveagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link HistoryBook#requesterWait}: which status periods count, and when there is no figure. */
class LiveAgentRequesterWaitTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant CREATED = Instant.parse("2026-11-18T10:00:00Z");

  /** A book covering 10:00 on with one row per status of ticket t1, from 10:00 on. */
  static HistoryBook book(String... statusAndMinutes) throws Exception {
    HistoryBook b = new HistoryBook();
    b.coverFrom(CREATED);
    Instant at = CREATED;
    for (int i = 0; i < statusAndMinutes.length; i++) {
      String[] p = statusAndMinutes[i].split(" ");
      b.add(
          JSON.readTree(
              "{\"id\": \"r"
                  + i
                  + "\", \"conversation_id\": \"t1\", \"status\": \""
                  + p[0]
                  + "\", \"date_from\": \""
                  + LiveAgentMapper.format(at.getEpochSecond())
                  + "\", \"date_to\": null, \"elapsed_time\": 0}"));
      at = at.plus(Duration.ofMinutes(p.length > 1 ? Integer.parseInt(p[1]) : 0));
    }
    return b;
  }

  @Test
  void newOpenLiveAndPostponedWaitOnTheTeamAnsweredResolvedAndClosedDoNot() throws Exception {
    // N 10 + C 20 + T 1 + P 2 + I 3 + W 40 + C 15 = 91; A 30, R 5 (before the reopen), L: not
    HistoryBook b = book("N 10", "C 20", "A 30", "T 1", "P 2", "I 3", "W 40", "R 5", "C 15", "L");
    assertThat(b.requesterWait("t1", CREATED, "L")).isEqualTo(Duration.ofMinutes(91));
  }

  @Test
  void aClosedTicketCountsToItsLatestSolveNotToTheClose() throws Exception {
    HistoryBook b = book("N 10", "C 20", "A 30", "C 15", "R 120", "L");
    assertThat(b.requesterWait("t1", CREATED, "L")).isEqualTo(Duration.ofMinutes(45));
  }

  @Test
  void noFigureForAnUnsolvedTicketOrAnIncompleteHistory() throws Exception {
    assertThat(book("N 10", "A 30", "C").requesterWait("t1", CREATED, "C")).isNull();
    // the ticket says R, the book's latest row is A: a change the book has not read
    assertThat(book("N 10", "A").requesterWait("t1", CREATED, "R")).isNull();
    // created before the book's history starts, and its own history was not read
    assertThat(book("N 10", "R").requesterWait("t1", CREATED.minusSeconds(1), "R")).isNull();
    HistoryBook readAlone = book("N 10", "R");
    readAlone.readAlone("t1");
    assertThat(readAlone.requesterWait("t1", CREATED.minusSeconds(1), "R"))
        .isEqualTo(Duration.ofMinutes(10));
    // no rows at all
    assertThat(new HistoryBook().requesterWait("t9", CREATED, "R")).isNull();
  }

  @Test
  void aPeriodInTheTrashOrInSpamGivesNoFigure() throws Exception {
    assertThat(book("N 10", "X 30", "C 5", "R").requesterWait("t1", CREATED, "R")).isNull();
    assertThat(book("N 10", "B 30", "C 5", "R").requesterWait("t1", CREATED, "R")).isNull();
  }
}
