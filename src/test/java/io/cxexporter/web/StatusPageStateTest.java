package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.store.Quarantine;
import io.cxexporter.testing.EmptyStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The state's part of the status page: a reset state file and quarantined records. */
class StatusPageStateTest {
  static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

  /** A running exporter with one source, {@code zd}, and the given state. */
  /** One source, zd, with a state problem (or null) and its quarantine. */
  static final class Source extends EmptyStatus {
    private final String stateProblem;
    private final Quarantine quarantine;

    Source(String stateProblem, Quarantine quarantine) {
      this.stateProblem = stateProblem;
      this.quarantine = quarantine;
    }

    @Override
    public String stateProblem() {
      return stateProblem;
    }

    @Override
    public Quarantine rejected(String source) {
      return source.equals("zd") ? quarantine : Quarantine.EMPTY;
    }

    @Override
    public Map<String, String> connectors() {
      return Map.of("zd", "zendesk");
    }
  }

  static Quarantine.Entry entry(int i, String id, String reason) {
    return new Quarantine.Entry(
        "tickets", id, reason, NOW.minusSeconds(3600), NOW.minusSeconds(i), i + 1);
  }

  @Test
  void quarantinedRecordsAreListedNewestFirstEscapedWithTheTotal() {
    List<Quarantine.Entry> shown =
        IntStream.range(0, 20)
            .mapToObj(i -> entry(i, i == 0 ? "<script>x</script>" : "id" + i, "null id & \"x\""))
            .toList();

    String page = StatusPage.render(new Source(null, new Quarantine(137, shown)), NOW);

    assertThat(page)
        .contains("zd: 137 record(s) could not be read and are left out (newest 20 shown)")
        .contains(
            "<tr class=\"rejected-row\"><td>tickets</td><td>&lt;script&gt;x&lt;/script&gt;</td>"
                + "<td>null id &amp; &quot;x&quot;</td><td>2026-12-01T09:00:00Z</td><td>1</td></tr>")
        .doesNotContain("<script>x");
    assertThat(page.split("class=\"rejected-row\"", -1)).hasSize(21);
    assertThat(page.indexOf(">id1<")).isLessThan(page.indexOf(">id19<"));
  }

  @Test
  void noQuarantineNoTable() {
    String page = StatusPage.render(new Source(null, Quarantine.EMPTY), NOW);

    assertThat(page).doesNotContain("class=\"rejected\"").doesNotContain("could not be read");
  }

  @Test
  void aResetStateFileIsShownEscaped() {
    String page =
        StatusPage.render(
            new Source("state file /d/<cx>.db is damaged: moved aside", Quarantine.EMPTY), NOW);

    assertThat(page)
        .contains(
            "<p class=\"err\" id=\"state-reset\">state file /d/&lt;cx&gt;.db is damaged: moved"
                + " aside</p>");
  }
}
