package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.DemoFixtures.FIXED;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.Stream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DemoConnectorFactoryTest {

  /**
   * The problems reported for a {@code connectors[0]} block with these options, read the way the
   * config layer does: it reads {@code type} and {@code poll_interval} itself, then the factory
   * reads the rest, then unknown keys are reported.
   */
  static List<String> problems(Map<String, Object> options) {
    Problems problems = new Problems();
    Settings s = DemoFixtures.settings(options, problems);
    s.string("type");
    s.duration("poll_interval", Duration.ofSeconds(60));
    new DemoConnectorFactory().parse(s);
    s.finish();
    return problems.messages();
  }

  @Test
  void isFoundByServiceLoaderAsTypeDemo() {
    assertThat(ServiceLoader.load(ConnectorFactory.class))
        .filteredOn(f -> f instanceof DemoConnectorFactory)
        .singleElement()
        .extracting(ConnectorFactory::type)
        .isEqualTo("demo");
  }

  @Test
  void everyDocumentedOptionIsAcceptedWithoutProblems() {
    Map<String, Object> all =
        Map.of(
            "backfill",
            "7d",
            "seed",
            7,
            "tickets_per_day",
            500,
            "speedup",
            2.5,
            "timezone",
            "America/New_York",
            "page_size",
            100,
            "poll_interval",
            "15s");

    assertThat(problems(all)).isEmpty();
  }

  @Test
  void optionsAreReadIntoTheConnector() {
    Connector c =
        DemoFixtures.connector(
            FIXED,
            Map.of(
                "backfill",
                "7d",
                "seed",
                7,
                "tickets_per_day",
                500,
                "speedup",
                2.5,
                "timezone",
                "America/New_York",
                "page_size",
                100));

    DemoOptions o = ((DemoConnector) c).options();
    assertThat(o.backfill()).hasDays(7);
    assertThat(o.seed()).isEqualTo(7);
    assertThat(o.ticketsPerDay()).isEqualTo(500);
    assertThat(o.speedup()).isEqualTo(2.5);
    assertThat(o.zone().getId()).isEqualTo("America/New_York");
    assertThat(o.pageSize()).isEqualTo(100);
  }

  @Test
  void defaultsNeedNoOptions() {
    Connector c = DemoFixtures.connector(FIXED);

    assertThat(((DemoConnector) c).options()).isEqualTo(DemoOptions.defaults());
    assertThat(c.name()).isEqualTo("demo");
  }

  @Test
  void checkNamesTheSeed() {
    Connector c = DemoFixtures.connector(FIXED, Map.of("seed", 42));

    assertThat(c.check().ok()).isTrue();
    assertThat(c.check().message()).isEqualTo("simulated helpdesk (seed 42)");
  }

  @Test
  void exposesTheFiveStreamsInAFixedOrder() {
    Connector c = DemoFixtures.connector(FIXED);

    assertThat(c.streams())
        .extracting(Stream::name)
        .containsExactly("tickets", "satisfaction_ratings", "surveys", "customers", "deals");
  }

  @Test
  void ticketsPerDayOutOfRangeIsAProblem() {
    assertThat(problems(Map.of("tickets_per_day", 0)))
        .containsExactly("connectors[0].tickets_per_day: must be between 1 and 100000, got 0");
  }

  @Test
  void teamHoursAreOfficeOr24x7() {
    assertThat(problems(Map.of("team_hours", "24x7"))).isEmpty();
    assertThat(
            ((DemoConnector) DemoFixtures.connector(FIXED, Map.of("team_hours", "24x7")))
                .options()
                .roundTheClock())
        .isTrue();
    assertThat(problems(Map.of("team_hours", "nights")))
        .containsExactly("connectors[0].team_hours: expected office or 24x7, got \"nights\"");
  }

  @Test
  void backfillShorterThanAnHourIsAProblem() {
    assertThat(problems(Map.of("backfill", "30m")))
        .containsExactly("connectors[0].backfill: must be between 1h and 400d, got 30m");
  }

  @Test
  void backfillLongerThan400DaysIsAProblem() {
    assertThat(problems(Map.of("backfill", "401d")))
        .containsExactly("connectors[0].backfill: must be between 1h and 400d, got 401d");
  }

  @Test
  void malformedBackfillIsAProblem() {
    assertThat(problems(Map.of("backfill", "a month")))
        .containsExactly(
            "connectors[0].backfill: expected a duration like 60s, 15m, 1h30m or 7d, got \"a month\"");
  }

  @Test
  void unknownTimeZoneIsAProblem() {
    assertThat(problems(Map.of("timezone", "Mars/Base")))
        .containsExactly("connectors[0].timezone: unknown time zone \"Mars/Base\"");
  }

  @Test
  void speedupBelowOneIsAProblem() {
    assertThat(problems(Map.of("speedup", 0.5)))
        .containsExactly("connectors[0].speedup: must be between 1 and 1000, got 0.5");
  }

  @Test
  void speedupAbove1000IsAProblem() {
    assertThat(problems(Map.of("speedup", 5000)))
        .containsExactly("connectors[0].speedup: must be between 1 and 1000, got 5000");
  }

  @Test
  void speedupThatIsNoNumberIsAProblem() {
    assertThat(problems(Map.of("speedup", "fast")))
        .containsExactly("connectors[0].speedup: expected a number, got \"fast\"");
  }

  @Test
  void pageSizeOutOfRangeIsAProblem() {
    assertThat(problems(Map.of("page_size", 10001)))
        .containsExactly("connectors[0].page_size: must be between 1 and 10000, got 10001");
  }

  @Test
  void seedThatIsNoWholeNumberIsAProblem() {
    assertThat(problems(Map.of("seed", "abc")))
        .containsExactly("connectors[0].seed: expected a whole number, got \"abc\"");
  }

  @Test
  void aMisspelledOptionIsReportedAsUnknown() {
    assertThat(problems(Map.of("tickets_per_dya", 10)))
        .containsExactly("connectors[0].tickets_per_dya: unknown key");
  }

  @Test
  void everyBadOptionIsReportedAtOnce() {
    assertThat(problems(Map.of("tickets_per_day", 0, "timezone", "Mars/Base", "page_size", 0)))
        .hasSize(3);
  }
}
