package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and checking the exporter-toolkit web config; one failure case per test. */
class WebConfigTest {
  static final String HASH = "$2y$10$TERhWtVRGeJq708Q7BhHruGubEn2jWjZXB7yUWa28nFDXbqX9K/xO";

  @TempDir Path dir;

  @BeforeEach
  void copyFixtures() throws Exception {
    for (String f :
        new String[] {
          "server.pem", "server-key.pem", "server2.pem", "server2-key.pem", "ca.pem", "garbage.pem"
        }) {
      Files.copy(Path.of("src/test/resources/web", f), dir.resolve(f));
    }
  }

  Path write(String yaml) throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, yaml);
    return f;
  }

  String problems(String yaml) throws Exception {
    Path f = write(yaml);
    try {
      WebConfig.load(f);
    } catch (ConfigException e) {
      return String.join("\n", e.problems());
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void readsTheToolkitFormatWithPathsRelativeToTheFile() throws Exception {
    WebConfig c =
        WebConfig.load(
            write(
                "tls_server_config:\n"
                    + "  cert_file: server.pem\n"
                    + "  key_file: server-key.pem\n"
                    + "  client_ca_file: ca.pem\n"
                    + "  client_auth_type: VerifyClientCertIfGiven\n"
                    + "  min_version: TLS13\n"
                    + "basic_auth_users:\n"
                    + "  prometheus: "
                    + HASH
                    + "\n"
                    + "http_server_config:\n"
                    + "  headers:\n"
                    + "    Strict-Transport-Security: max-age=31536000\n"));

    assertThat(c.tls().clientAuth()).isEqualTo(WebConfig.ClientAuth.VerifyClientCertIfGiven);
    assertThat(c.tls().protocols()).containsExactly("TLSv1.3");
    assertThat(c.tls().trustStore().size()).isEqualTo(1);
    assertThat(c.basicAuthUsers()).containsExactly(Map.entry("prometheus", HASH));
    assertThat(c.headers())
        .containsExactly(Map.entry("Strict-Transport-Security", "max-age=31536000"));
    assertThat(c.files())
        .containsExactly(
            dir.resolve("web.yml"),
            dir.resolve("server.pem"),
            dir.resolve("server-key.pem"),
            dir.resolve("ca.pem"));
  }

  @Test
  void anEmptyFileMeansNothingToDo() throws Exception {
    WebConfig c = WebConfig.load(write(""));
    assertThat(c.tls()).isNull();
    assertThat(c.basicAuthUsers()).isEmpty();
  }

  @Test
  void aClientCaDefaultsToRequireAndVerify() throws Exception {
    WebConfig c =
        WebConfig.load(
            write(
                "tls_server_config: {cert_file: server.pem, key_file: server-key.pem,"
                    + " client_ca_file: ca.pem}\n"));
    assertThat(c.tls().clientAuth()).isEqualTo(WebConfig.ClientAuth.RequireAndVerifyClientCert);
    assertThat(c.tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
  }

  @Test
  void unknownKeysAreNamed() throws Exception {
    assertThat(
            problems(
                "tls_server_config: {cert_file: server.pem, key_file: server-key.pem,"
                    + " cipher_suites: [x]}\nrate_limit: {burst: 2}\n"))
        .isEqualTo(
            "rate_limit: unknown key (supported here: basic_auth_users, http_server_config,"
                + " tls_server_config)\n"
                + "tls_server_config.cipher_suites: unknown key (supported here: cert_file,"
                + " client_auth_type, client_ca_file, key_file, max_version, min_version)");
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateIsOneClearProblem() throws Exception {
    assertThat(problems("tls_server_config: {cert_file: server.pem, key_file: server2-key.pem}\n"))
        .isEqualTo(
            "tls_server_config.key_file: the key in "
                + dir.resolve("server2-key.pem")
                + " does not match the certificate in "
                + dir.resolve("server.pem"));
  }

  @Test
  void aMissingCertificateFileIsNamed() throws Exception {
    assertThat(problems("tls_server_config: {cert_file: nope.pem, key_file: server-key.pem}\n"))
        .isEqualTo("tls_server_config.cert_file: no such file " + dir.resolve("nope.pem"));
  }

  @Test
  void aFileWithoutACertificateIsNamed() throws Exception {
    assertThat(problems("tls_server_config: {cert_file: garbage.pem, key_file: server-key.pem}\n"))
        .isEqualTo(
            "tls_server_config.cert_file: no CERTIFICATE block in " + dir.resolve("garbage.pem"));
  }

  @Test
  void anUnreadableClientCaIsNamed() throws Exception {
    assertThat(
            problems(
                "tls_server_config: {cert_file: server.pem, key_file: server-key.pem,"
                    + " client_ca_file: garbage.pem}\n"))
        .isEqualTo(
            "tls_server_config.client_ca_file: no CERTIFICATE block in "
                + dir.resolve("garbage.pem"));
  }

  @Test
  void verifyingClientsNeedAClientCa() throws Exception {
    assertThat(
            problems(
                "tls_server_config: {cert_file: server.pem, key_file: server-key.pem,"
                    + " client_auth_type: RequireAndVerifyClientCert}\n"))
        .isEqualTo(
            "tls_server_config.client_ca_file: required by client_auth_type"
                + " RequireAndVerifyClientCert");
  }

  @Test
  void anUnknownClientAuthTypeListsTheKnownOnes() throws Exception {
    assertThat(
            problems(
                "tls_server_config: {cert_file: server.pem, key_file: server-key.pem,"
                    + " client_auth_type: Always}\n"))
        .isEqualTo(
            "tls_server_config.client_auth_type: expected one of NoClientCert,"
                + " RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven,"
                + " RequireAndVerifyClientCert, got \"Always\"");
  }

  @Test
  void oldTlsVersionsAreRefused() throws Exception {
    assertThat(
            problems(
                "tls_server_config: {cert_file: server.pem, key_file: server-key.pem,"
                    + " min_version: TLS10}\n"))
        .isEqualTo("tls_server_config.min_version: expected TLS12 or TLS13, got \"TLS10\"");
  }

  @Test
  void aPlainPasswordIsRefusedWithoutEchoingIt() throws Exception {
    assertThat(problems("basic_auth_users: {prometheus: hunter2}\n"))
        .isEqualTo(
            "basic_auth_users.prometheus: not a bcrypt hash ($2y$10$ and 53 characters; make one"
                + " with htpasswd -nBC 10 \"\" | tr -d ':\\n')")
        .doesNotContain("hunter2");
  }

  @Test
  void aBadHeaderNameIsNamed() throws Exception {
    assertThat(problems("http_server_config: {headers: {\"Bad Header\": x}}\n"))
        .isEqualTo("http_server_config.headers.Bad Header: not a valid header name");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> WebConfig.load(dir.resolve("none.yml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--web.config.file: no such file");
  }
}
