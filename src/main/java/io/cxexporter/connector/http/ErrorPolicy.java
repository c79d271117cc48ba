package io.cxexporter.connector.http;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.util.ErrorTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What {@link ApiClient} does with an error answer (status 400 or above): retry, wait for the rate
 * limit, stop for credentials, report an optional feature as missing, or give up. The {@link
 * #standard()} policy is {@link ErrorTable}'s, the same for every vendor; a vendor whose API means
 * something else by a status puts rules in front of it. A rule may look at the endpoint name and at
 * the first {@value Answer#PEEK_BYTES} bytes of the error body, which are read only when a rule
 * asks for them.
 *
 * <pre>{@code
 * ErrorPolicy salesforce = ErrorPolicy.builder()
 *     .bodyContains(403, "REQUEST_LIMIT_EXCEEDED", Action.RATE_LIMITED)  // daily allocation used up
 *     .build();
 * ErrorPolicy zendesk = ErrorPolicy.builder()
 *     .endpoint("slas/policies", 403, Action.FEATURE_UNAVAILABLE)         // a plan without SLAs
 *     .build();
 * ApiClient api = ApiClient.builder(http, ctx).errors(zendesk).build();
 * }</pre>
 */
@FunctionalInterface
public interface ErrorPolicy {

  /** What {@link ApiClient} does with an error answer, and what it throws when it stops. */
  enum Action {
    /**
     * Retry with exponential backoff and jitter; {@link ConnectorException.Kind#TRANSIENT} after
     * {@code max_attempts}. The standard action for 408 and 5xx but 503.
     */
    RETRY,
    /**
     * Wait for {@code Retry-After} or the vendor's reset header (else back off), then retry; {@link
     * ConnectorException.Kind#RATE_LIMITED} when the wait is longer than {@code max_wait} or the
     * attempts run out. The standard action for 429 and 503.
     */
    RATE_LIMITED,
    /**
     * Credentials rejected: {@link ConnectorException.Kind#AUTH}, no retry, except one after a 401
     * when the {@link Auth} could {@link Auth#refresh() refresh} its token. The standard action for
     * 401 and 403.
     */
    AUTH,
    /**
     * An optional feature of the account or plan is not there (Zendesk answers 403 for SLA policies
     * on a plan without SLAs): {@link ConnectorException.Kind#FEATURE_UNAVAILABLE}, no retry; the
     * caller treats the lookup or stream as empty. Never a standard action.
     */
    FEATURE_UNAVAILABLE,
    /**
     * The request will never be accepted: {@link ConnectorException.Kind#PERMANENT}, no retry. The
     * standard action for any other 4xx.
     */
    PERMANENT
  }

  /** The action for an error answer; called only for statuses of 400 and above. */
  Action classify(Answer answer);

  /** {@link ErrorTable}'s rules: the policy of every {@link ApiClient} that sets none. */
  static ErrorPolicy standard() {
    return answer ->
        switch (ErrorTable.classify(answer.status())) {
          case RATE_LIMITED -> Action.RATE_LIMITED;
          case AUTH -> Action.AUTH;
          case PERMANENT -> Action.PERMANENT;
          case RETRY -> Action.RETRY;
          case OK -> throw new IllegalStateException("not an error: " + answer);
        };
  }

  /** A policy whose rules are tried in the order added; the first that matches wins. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * One error answer as a rule sees it: the endpoint name, the status and, on demand, the start of
   * the body. Never the URL, headers or credentials.
   */
  final class Answer {
    /** How much of an error body a rule can see. */
    public static final int PEEK_BYTES = 4096;

    private final String endpoint;
    private final int status;
    private final BodyPeek peek;
    private String body;

    /** Reads at most {@link #PEEK_BYTES} bytes of the body, decoded. */
    @FunctionalInterface
    interface BodyPeek {
      String read() throws IOException;
    }

    Answer(String endpoint, int status, BodyPeek peek) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.status = status;
      this.peek = peek;
    }

    /**
     * An answer with a known body (tests of a vendor's policy).
     *
     * @throws IllegalArgumentException when the status is below 400
     */
    public static Answer of(String endpoint, int status, String body) {
      if (status < 400) {
        throw new IllegalArgumentException("not an error status: " + status);
      }
      String b = body.length() > PEEK_BYTES ? body.substring(0, PEEK_BYTES) : body;
      return new Answer(endpoint, status, () -> b);
    }

    /** The bounded endpoint name the request was sent as, e.g. {@code slas/policies}. */
    public String endpoint() {
      return endpoint;
    }

    /** The HTTP status, 400 or above. */
    public int status() {
      return status;
    }

    /**
     * The first {@value #PEEK_BYTES} bytes of the body as text; empty when there is none or it
     * cannot be read. Read on the first call only.
     */
    public String body() {
      if (body == null) {
        try {
          body = peek.read();
        } catch (IOException e) {
          body = "";
        }
      }
      return body;
    }

    /** Endpoint and status only: the body may hold anything. */
    @Override
    public String toString() {
      return "HTTP " + status + " from " + endpoint;
    }
  }

  /** Builds a policy from rules tried before the {@link #standard()} one. */
  final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {}

    /**
     * {@code status} from {@code endpoint} means {@code action}.
     *
     * @throws IllegalArgumentException when the status is not 400-599 or the endpoint is blank
     */
    public Builder endpoint(String endpoint, int status, Action action) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.isBlank()) {
        throw new IllegalArgumentException("endpoint must not be blank");
      }
      checkStatus(status);
      return when(a -> a.status() == status && a.endpoint().equals(endpoint), action);
    }

    /**
     * {@code status} with {@code text} in the start of its body means {@code action}, from any
     * endpoint.
     *
     * @throws IllegalArgumentException when the status is not 400-599, or the text is empty or
     *     longer than {@link Answer#PEEK_BYTES} (it could never be seen)
     */
    public Builder bodyContains(int status, String text, Action action) {
      Objects.requireNonNull(text, "text");
      if (text.isEmpty() || text.length() > Answer.PEEK_BYTES) {
        throw new IllegalArgumentException(
            "text must be 1 to " + Answer.PEEK_BYTES + " characters, got " + text.length());
      }
      checkStatus(status);
      return when(a -> a.status() == status && a.body().contains(text), action);
    }

    /** Any other rule: answers that pass {@code test} mean {@code action}. */
    public Builder when(Predicate<Answer> test, Action action) {
      rules.add(new Rule(Objects.requireNonNull(test, "test"), Objects.requireNonNull(action)));
      return this;
    }

    /** The policy: these rules in order, then the {@link #standard()} one. */
    public ErrorPolicy build() {
      List<Rule> copy = List.copyOf(rules);
      return answer -> {
        for (Rule r : copy) {
          if (r.test().test(answer)) {
            return r.action();
          }
        }
        return standard().classify(answer);
      };
    }

    private static void checkStatus(int status) {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("status must be 400 to 599, got " + status);
      }
    }

    private record Rule(Predicate<Answer> test, Action action) {}
  }
}
