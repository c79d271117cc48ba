package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingSleeper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cx-exporter probe} on http_json configs against a WireMock vendor: what it prints, what it
 * never prints (secrets), its exit codes, and that it writes nothing.
 */
class ProbeTest {
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final RecordingSleeper sleeper = new RecordingSleeper(clock);
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  /** The probe's caps; a test of a hanging vendor lowers the timeout. */
  io.cxexporter.connector.RequestLimits limits = io.cxexporter.connector.RequestLimits.PROBE;

  @BeforeEach
  void start() {
    vendor = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    vendor.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  /** Runs the command line with the probe's clock and sleeper replaced (no real waits). */
  int run(String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K made = CommandLine.defaultFactory().create(cls);
            if (made instanceof Probe p) {
              p.clock = clock;
              p.sleeper = sleeper;
              p.limits = limits;
            }
            return made;
          }
        };
    return new CommandLine(new Main(), factory)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  Path config(String connectors) throws Exception {
    Path f = dir.resolve("cx.yml");
    Files.writeString(f, "state: {path: " + dir.resolve("state") + "}\nconnectors:\n" + connectors);
    return f;
  }

  /** An http_json connector reading {@code /<name>/cases}, groups from {@code /<name>/teams}. */
  String connector(String name, String auth, String extra) {
    return "  - name: "
        + name
        + "\n"
        + "    type: http_json\n"
        + "    base_url: "
        + vendor.baseUrl()
        + "\n"
        + "    auth: "
        + auth
        + "\n"
        + extra
        + "    lookups:\n"
        + "      teams: {path: /"
        + name
        + "/teams, key: \"$.id\", value: \"$.name\"}\n"
        + "    streams:\n"
        + "      tickets:\n"
        + "        path: /"
        + name
        + "/cases\n"
        + "        params: {per_page: 5}\n"
        + "        records: \"$.data[*]\"\n"
        + "        map:\n"
        + "          id: \"$.ref\"\n"
        + "          created_at: \"$.opened\"\n"
        + "          updated_at: \"$.changed\"\n"
        + "          status: {path: \"$.state\", values: {o: open, p: pending, s: solved}}\n"
        + "          priority: {path: \"$.prio\", values: {1: low, 2: normal, 3: high}}\n"
        + "          channel: \"$.via\"\n"
        + "          group: {path: \"$.team\", lookup: teams}\n"
        + "          tags: \"$.labels\"\n";
  }

  static String ticket(String ref, String state, int prio, String via) {
    return "{\"ref\":\""
        + ref
        + "\",\"opened\":\"2026-11-18T08:00:00Z\",\"changed\":\"2026-11-18T09:30:00Z\",\"state\":\""
        + state
        + "\",\"prio\":"
        + prio
        + ",\"via\":\""
        + via
        + "\",\"team\":7,\"labels\":[\"vip\"]}";
  }

  void fivePages(String name) {
    vendor.stubFor(
        get(urlPathEqualTo("/" + name + "/cases"))
            .willReturn(
                okJson(
                    "{\"data\":["
                        + String.join(
                            ",",
                            ticket("5001", "s", 2, "email"),
                            ticket("5002", "o", 3, "chat"),
                            ticket("5003", "p", 1, "phone"),
                            ticket("5004", "9", 2, "email"),
                            ticket("5005", "o", 2, "web"))
                        + "]}")));
    vendor.stubFor(
        get(urlPathEqualTo("/" + name + "/teams"))
            .willReturn(okJson("[{\"id\":7,\"name\":\"Billing\"}]")));
  }

  @Test
  void printsTheFirstThreeMappedTicketsAndTheUnmappedValue() throws Exception {
    fivePages("acme");
    Path f = config(connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", ""));

    assertThat(run("probe", "--config.file=" + f)).isZero();

    String base = vendor.baseUrl();
    assertThat(out.toString())
        .isEqualTo(
            "acme (http_json)\n"
                + "  stream tickets\n"
                + "    requests:\n"
                + "      GET "
                + base
                + "/acme/cases?per_page=5&api_key=<redacted> -> 200\n"
                + "      GET "
                + base
                + "/acme/teams?api_key=<redacted> -> 200\n"
                + "    page: 5 record(s): 4 mapped, 0 skipped, 1 rejected\n"
                + "    first 3 mapped record(s) of 4:\n"
                + "      ticket 5001\n"
                + "        created_at=2026-11-18T08:00:00Z\n"
                + "        updated_at=2026-11-18T09:30:00Z\n"
                + "        status=solved\n"
                + "        priority=normal\n"
                + "        channel=email\n"
                + "        group=Billing\n"
                + "        reopens=0\n"
                + "        escalated=false\n"
                + "        sla=[]\n"
                + "        tags=[vip]\n"
                + "      ticket 5002\n"
                + "        created_at=2026-11-18T08:00:00Z\n"
                + "        updated_at=2026-11-18T09:30:00Z\n"
                + "        status=open\n"
                + "        priority=high\n"
                + "        channel=chat\n"
                + "        group=Billing\n"
                + "        reopens=0\n"
                + "        escalated=false\n"
                + "        sla=[]\n"
                + "        tags=[vip]\n"
                + "      ticket 5003\n"
                + "        created_at=2026-11-18T08:00:00Z\n"
                + "        updated_at=2026-11-18T09:30:00Z\n"
                + "        status=pending\n"
                + "        priority=low\n"
                + "        channel=phone\n"
                + "        group=Billing\n"
                + "        reopens=0\n"
                + "        escalated=false\n"
                + "        sla=[]\n"
                + "        tags=[vip]\n"
                + "    rejected 1 (not applied):\n"
                + "      5004: connectors[0].streams.tickets.map.status: no mapping for value \"9\"\n"
                + "    reasons:\n"
                + "      1 x connectors[0].streams.tickets.map.status: no mapping for value \"9\"\n"
                + "    lookup failures: none\n"
                + "    next: caught up, cursor (start)\n"
                + "1 stream(s) probed: 1 read a page, 0 failed\n");
    assertThat(out.toString()).doesNotContain("5005").doesNotContain("k-SECRET-1");
    assertThat(err.toString()).isEmpty();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no state dir, no SQLite file").containsExactly(f);
    }
  }

  @Test
  void secretsInTheQueryAndInBasicAuthNeverShow() throws Exception {
    fivePages("acme");
    fivePages("basic");
    Path f =
        config(
            connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", "")
                + connector("basic", "{basic: {username: u-SECRET-2, password: p-SECRET-3}}", ""));

    assertThat(run("probe", "--config.file=" + f, "--records=1")).isZero();

    String basic =
        Base64.getEncoder()
            .encodeToString("u-SECRET-2:p-SECRET-3".getBytes(StandardCharsets.UTF_8));
    assertThat(out.toString() + err)
        .doesNotContain("k-SECRET-1")
        .doesNotContain("u-SECRET-2")
        .doesNotContain("p-SECRET-3")
        .doesNotContain(basic)
        .contains("/acme/cases?per_page=5&api_key=<redacted> -> 200\n")
        .contains(
            "      GET "
                + vendor.baseUrl()
                + "/basic/cases?per_page=5 -> 200\n"
                + "        Authorization: <redacted>\n"
                + "      GET "
                + vendor.baseUrl()
                + "/basic/teams -> 200\n"
                + "        Authorization: <redacted>\n"
                + "    page: 5 record(s): 4 mapped, 0 skipped, 1 rejected\n"
                + "    first 1 mapped record(s) of 4:\n"
                + "      ticket 5001\n");
    vendor.verify(
        getRequestedFor(urlPathEqualTo("/basic/cases"))
            .withHeader("Authorization", equalTo("Basic " + basic)));
  }

  @Test
  void aFailingStreamPrintsItsErrorAndTheOthersAreStillProbed() throws Exception {
    vendor.stubFor(get(urlPathEqualTo("/down/cases")).willReturn(aResponse().withStatus(500)));
    vendor.stubFor(get(urlPathEqualTo("/locked/cases")).willReturn(aResponse().withStatus(401)));
    vendor.stubFor(
        get(urlPathEqualTo("/garbage/cases"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("<html>oops")));
    fivePages("acme");
    Path f =
        config(
            connector("down", "{bearer: {token: t-SECRET-4}}", "    max_attempts: 4\n")
                + connector("locked", "{header: {name: X-Key, value: h-SECRET-5}}", "")
                + connector("garbage", "{query: {name: key, value: k-SECRET-6}}", "")
                + connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", ""));

    assertThat(run("probe", "--config.file=" + f, "--records=0")).isEqualTo(3);

    String base = vendor.baseUrl();
    assertThat(out.toString())
        .startsWith(
            "down (http_json)\n"
                + "  stream tickets\n"
                + "    requests:\n"
                + "      GET "
                + base
                + "/down/cases?per_page=5 -> 500\n"
                + "        Authorization: <redacted>\n"
                + "      GET "
                + base
                + "/down/cases?per_page=5 -> 500\n"
                + "        Authorization: <redacted>\n"
                + "    error: TRANSIENT: HTTP 500 from tickets after 2 attempts\n"
                + "    lookup failures: none\n"
                + "locked (http_json)\n"
                + "  stream tickets\n"
                + "    requests:\n"
                + "      GET "
                + base
                + "/locked/cases?per_page=5 -> 401\n"
                + "        X-Key: <redacted>\n"
                + "    error: AUTH: HTTP 401 from tickets: credentials rejected\n"
                + "    lookup failures: none\n"
                + "garbage (http_json)\n"
                + "  stream tickets\n"
                + "    requests:\n"
                + "      GET "
                + base
                + "/garbage/cases?per_page=5&key=<redacted> -> 200\n"
                + "    error: BAD_RESPONSE: malformed JSON from tickets")
        .contains(
            "acme (http_json)\n"
                + "  stream tickets\n"
                + "    requests:\n"
                + "      GET "
                + base
                + "/acme/cases?per_page=5&api_key=<redacted> -> 200\n")
        .contains("    page: 5 record(s): 4 mapped, 0 skipped, 1 rejected\n")
        .endsWith("4 stream(s) probed: 1 read a page, 3 failed\n")
        .doesNotContain("SECRET");
    vendor.verify(2, getRequestedFor(urlPathEqualTo("/down/cases"))); // max_attempts 4, capped to 2
    assertThat(sleeper.waits())
        .as("one backoff between the two attempts, never a long wait")
        .hasSize(1)
        .allMatch(d -> d.compareTo(Duration.ofSeconds(2)) <= 0);
  }

  @Test
  void aFailingLookupIsShownAndTheIdStandsInForTheName() throws Exception {
    fivePages("acme");
    vendor.stubFor(get(urlPathEqualTo("/acme/teams")).willReturn(aResponse().withStatus(404)));
    Path f = config(connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", ""));

    assertThat(run("probe", "--config.file=" + f, "--records=1")).isZero();

    assertThat(out.toString())
        .contains("/acme/teams?api_key=<redacted> -> 404\n")
        .contains("        group=7\n")
        .contains(
            "    lookup failures:\n"
                + "      teams (permanent): HTTP 404 from lookup/teams\n"
                + "    next: caught up, cursor (start)\n");
  }

  @Test
  void selectsOneConnectorAndOneStream() throws Exception {
    fivePages("acme");
    Path f =
        config(
            connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", "")
                + connector("other", "{query: {name: api_key, value: k-SECRET-1}}", ""));

    assertThat(run("probe", "--config.file=" + f, "--connector=acme", "--stream=tickets")).isZero();

    assertThat(out.toString())
        .startsWith("acme (http_json)\n  stream tickets\n")
        .doesNotContain("other")
        .endsWith("1 stream(s) probed: 1 read a page, 0 failed\n");
    vendor.verify(0, getRequestedFor(urlPathEqualTo("/other/cases")));
  }

  @Test
  void anUnknownConnectorOrStreamListsTheNames() throws Exception {
    Path f =
        config(
            connector("acme", "{query: {name: api_key, value: k}}", "")
                + connector("other", "{query: {name: api_key, value: k}}", ""));

    assertThat(run("probe", "--config.file=" + f, "--connector=acmee")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "--connector: no connector named \"acmee\" in " + f + " (connectors: acme, other)\n");

    err.getBuffer().setLength(0);
    assertThat(run("probe", "--config.file=" + f, "--stream=ticket")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "--stream: no stream named \"ticket\" (streams of acme: tickets; other: tickets)\n");

    err.getBuffer().setLength(0);
    assertThat(run("--config.file=" + f, "probe", "--connector=nope"))
        .as("--config.file before the subcommand works too")
        .isEqualTo(2);
    assertThat(err.toString()).startsWith("--connector: no connector named \"nope\" in " + f);
    assertThat(out.toString()).isEmpty();
    assertThat(vendor.getAllServeEvents()).isEmpty();
  }

  @Test
  void aBadConfigPrintsEveryProblemAndExits1() throws Exception {
    Path f =
        config(
            connector("acme", "{query: {name: api_key}}", "")
                .replace("created_at:", "created_att:"));
    StringWriter plainErr = new StringWriter();

    int code =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(plainErr, true))
            .execute("probe", "--config.file", f.toString());

    assertThat(code).isEqualTo(1);
    assertThat(plainErr.toString())
        .isEqualTo(
            f
                + ": 3 problem(s):\n"
                + "  connectors[0].auth.query.value: required (or value_file)\n"
                + "  connectors[0].streams.tickets.map.created_at: required\n"
                + "  connectors[0].streams.tickets.map.created_att: unknown key\n");
    assertThat(out.toString()).isEmpty();
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void theBuiltInDemoIsProbedWithoutAConfigFile() {
    assertThat(run("probe", "--stream=customers", "--records=1")).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).isEqualTo("demo (demo)");
    assertThat(lines.get(1)).isEqualTo("  stream customers");
    assertThat(lines.get(2)).isEqualTo("    requests: none (no HTTP request was made)");
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("1 stream(s) probed: 1 read a page, 0 failed");
  }

  @Test
  void configProbeIsTheProbeSubcommandWithItsDefaults() throws Exception {
    fivePages("acme");
    Path f = config(connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", ""));

    assertThat(run("--config.file=" + f, "--config.probe")).isEqualTo(0);

    assertThat(out.toString())
        .startsWith("acme (http_json)\n  stream tickets\n")
        .contains("    first 3 mapped record(s) of 4:\n")
        .endsWith("1 stream(s) probed: 1 read a page, 0 failed\n")
        .doesNotContain("SECRET");
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void aHangingVendorFailsWithinTheProbesTimeoutAndTheNextStreamIsStillProbed() throws Exception {
    limits =
        new io.cxexporter.connector.RequestLimits(2, Duration.ofSeconds(2), Duration.ofMillis(500));
    vendor.stubFor(
        get(urlPathEqualTo("/slow/cases"))
            .willReturn(okJson("{\"data\": []}").withFixedDelay(10_000)));
    fivePages("acme");
    Path f =
        config(
            connector(
                    "slow",
                    "{bearer: {token: t-SECRET-7}}",
                    "    timeouts: {read: 60s, call: 120s}\n")
                + connector("acme", "{query: {name: api_key, value: k-SECRET-1}}", ""));

    long t0 = System.nanoTime();
    assertThat(run("probe", "--config.file=" + f, "--records=0")).isEqualTo(3);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    String base = vendor.baseUrl();
    assertThat(out.toString())
        .startsWith(
            "slow (http_json)\n"
                + "  stream tickets\n"
                + "    requests:\n"
                + "      GET "
                + base
                + "/slow/cases?per_page=5 -> timeout\n"
                + "        Authorization: <redacted>\n"
                + "      GET "
                + base
                + "/slow/cases?per_page=5 -> timeout\n"
                + "        Authorization: <redacted>\n"
                + "    error: TRANSIENT:")
        .contains("    page: 5 record(s): 4 mapped, 0 skipped, 1 rejected\n")
        .endsWith("2 stream(s) probed: 1 read a page, 1 failed\n");
    // the config's 60s read timeout is capped: two attempts of 0.5s, not minutes
    assertThat(took).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void oauth2TokenRequestsAreListedWithoutTheirSecrets() throws Exception {
    vendor.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/oauth/token"))
            .willReturn(okJson("{\"access_token\": \"at-SECRET-9\", \"expires_in\": 3600}")));
    fivePages("acme");
    Path f =
        config(
            connector(
                "acme",
                "{oauth2: {token_url: \""
                    + vendor.baseUrl()
                    + "/oauth/token?tenant=t1\", client_id: cx, client_secret: cs-SECRET-8,"
                    + " client_auth: basic}}",
                ""));

    assertThat(run("probe", "--config.file=" + f, "--records=0")).isEqualTo(0);

    assertThat(out.toString())
        .contains(
            "    requests:\n"
                + "      POST "
                + vendor.baseUrl()
                + "/oauth/token -> 200\n"
                + "        Authorization: <redacted>\n"
                + "      GET "
                + vendor.baseUrl()
                + "/acme/cases?per_page=5 -> 200\n"
                + "        Authorization: <redacted>\n")
        .doesNotContain("SECRET")
        .doesNotContain("tenant");
  }
}
