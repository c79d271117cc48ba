package io.cxexporter.connector.demo;

import io.cxexporter.model.Priority;
import java.util.List;

/**
 * The simulated company: a point-of-sale software vendor that also ships card readers. Five support
 * groups with their own volume, speed, agents and typical subjects; four channels; four priorities.
 * All the numbers that shape the demo's KPIs that are not about time live here.
 */
final class Catalog {
  private Catalog() {}

  /** A subject line and the tags that go with it. */
  record Subject(String text, List<String> tags) {
    Subject(String text, String... tags) {
      this(text, List.of(tags));
    }
  }

  /**
   * One support group.
   *
   * @param share its part of all tickets
   * @param replyFactor multiplies the time to first reply (below 1 is faster)
   * @param workFactor multiplies the working time between replies, i.e. how hard its issues are
   * @param escalationFactor multiplies the chance that a ticket gets escalated
   * @param agents its agents; the first is the lead, who takes escalated tickets
   * @param channelWeights how its tickets arrive, in {@link #CHANNELS} order
   */
  record Group(
      String name,
      double share,
      double replyFactor,
      double workFactor,
      double escalationFactor,
      List<String> agents,
      List<Subject> subjects,
      double[] channelWeights) {}

  /** The channels, in the order of every per-channel array. */
  static final List<String> CHANNELS = List.of("email", "web", "chat", "phone");

  /**
   * Median working time to first reply per channel: chat and phone minutes, email tens of minutes.
   */
  static final double[] FIRST_REPLY_MEDIAN = {
    40 * Rng.MINUTE, 30 * Rng.MINUTE, 3 * Rng.MINUTE, 2 * Rng.MINUTE
  };

  /** Multiplies how long customers take to answer: chat customers answer within minutes. */
  static final double[] CUSTOMER_PACE = {1.0, 1.0, 0.1, 0.3};

  private static final double[] MOST_CHANNELS = {0.42, 0.25, 0.23, 0.10};

  static final List<Group> GROUPS =
      List.of(
          new Group(
              "Technical Support",
              0.32,
              1.2,
              1.5,
              1.3,
              List.of("Luka Horvat", "Priya Raman", "Jonas Weber", "Eva Zupan", "Marco Rossi"),
              List.of(
                  new Subject("Card reader will not pair over Bluetooth", "hardware", "bluetooth"),
                  new Subject("Receipts are not printing", "printer"),
                  new Subject("App crashes when closing the till", "bug", "mobile"),
                  new Subject("Error 500 when exporting the sales report", "bug", "reports"),
                  new Subject("Two-factor code never arrives", "login", "2fa"),
                  new Subject("Cannot log in after password reset", "login"),
                  new Subject("Stock levels not syncing with the web shop", "integration"),
                  new Subject("API requests time out", "api")),
              MOST_CHANNELS),
          new Group(
              "Billing",
              0.24,
              1.0,
              0.8,
              0.8,
              List.of("Maja Novak", "Daniel Meyer", "Sofia Lindqvist", "Peter Kranjc"),
              List.of(
                  new Subject("Invoice shows the wrong VAT number", "invoice"),
                  new Subject("Charged twice this month", "payment", "refund"),
                  new Subject("How do I change my payment card?", "payment"),
                  new Subject("Refund request for unused months", "refund"),
                  new Subject("Switching to the annual plan", "plan"),
                  new Subject("Missing invoice for last month", "invoice"),
                  new Subject("Question about the new card fees", "fees")),
              MOST_CHANNELS),
          new Group(
              "Onboarding",
              0.16,
              0.9,
              1.0,
              0.7,
              List.of("Sara Kos", "Ben Carter", "Nina Petek"),
              List.of(
                  new Subject("Help setting up our first store", "setup"),
                  new Subject("Importing products from a spreadsheet", "import"),
                  new Subject("Adding staff accounts and PINs", "users"),
                  new Subject("Connecting our accounting software", "integration", "setup"),
                  new Subject("Booking a training session", "training"),
                  new Subject("Moving over from our old till system", "migration")),
              new double[] {0.45, 0.25, 0.2, 0.1}),
          new Group(
              "Returns",
              0.16,
              1.1,
              0.6,
              0.5,
              List.of("Ivan Petrov", "Chloe Martin", "Ana Vidmar", "Omar Haddad"),
              List.of(
                  new Subject("Return label for a faulty card reader", "returns", "hardware"),
                  new Subject("Card reader arrived damaged", "damaged", "hardware"),
                  new Subject("Replacement device not received", "shipping"),
                  new Subject("Where is my refund for the returned reader?", "refund", "returns"),
                  new Subject("Wrong charger in the box", "exchange"),
                  new Subject("Can I still return the receipt printer?", "returns")),
              new double[] {0.35, 0.45, 0.15, 0.05}),
          new Group(
              "Enterprise",
              0.12,
              0.5,
              1.8,
              1.6,
              List.of("Hannah Becker", "Matej Golob", "Grace Okafor"),
              List.of(
                  new Subject("Outage at several of our stores", "incident", "vip"),
                  new Subject("SAML single sign-on for 2,000 users", "sso", "vip"),
                  new Subject("Security questionnaire for renewal", "security", "vip"),
                  new Subject("Custom data retention policy", "compliance", "vip"),
                  new Subject("Monthly SLA report request", "reporting", "vip"),
                  new Subject("Bulk provisioning of new locations", "setup", "vip")),
              new double[] {0.5, 0.15, 0.1, 0.25}));

  /** Subjects of the spam that gets deleted. */
  static final List<Subject> SPAM =
      List.of(
          new Subject("Boost your Google ranking today"),
          new Subject("Re: your unpaid invoice (urgent!!)"),
          new Subject("Partnership opportunity - guaranteed ROI"));

  /** Priority mix: low 20 %, normal 55 %, high 20 %, urgent 5 %. */
  static final double[] PRIORITY_WEIGHTS = {0.20, 0.55, 0.20, 0.05};

  /** Multiplies the time to first reply, by priority (urgent is answered first). */
  static final double[] PRIORITY_REPLY = {1.4, 1.0, 0.6, 0.3};

  /** Multiplies the working time between replies, by priority. */
  static final double[] PRIORITY_WORK = {1.3, 1.0, 0.6, 0.3};

  /** Multiplies how long customers take to answer, by priority: urgent ones answer fast. */
  static final double[] PRIORITY_CUSTOMER_PACE = {1.2, 1.0, 0.5, 0.2};

  /** Chance that the customer confirms the fix (else automation solves after silence). */
  static final double[] PRIORITY_CONFIRMS = {0.7, 0.75, 0.85, 0.95};

  /** Chance of escalation by priority, before the group's factor (about 8 % overall). */
  static final double[] PRIORITY_ESCALATION = {0.04, 0.072, 0.13, 0.24};

  /** The shares of the groups, in {@link #GROUPS} order (do not modify). */
  static final double[] GROUP_WEIGHTS = GROUPS.stream().mapToDouble(Group::share).toArray();

  /**
   * Each agent's synthetic vendor id ({@code 1001} up, in {@link #GROUPS} order): stable across
   * runs and releases as long as agents are only ever appended, as a real vendor's ids are.
   */
  private static final java.util.Map<String, String> AGENT_IDS = agentIds();

  private static java.util.Map<String, String> agentIds() {
    java.util.Map<String, String> ids = new java.util.HashMap<>();
    for (Group g : GROUPS) {
      for (String a : g.agents()) {
        ids.putIfAbsent(a, Integer.toString(1001 + ids.size()));
      }
    }
    return java.util.Map.copyOf(ids);
  }

  /** The synthetic id of an agent of the catalog, or null for null. */
  static String agentId(String agent) {
    return agent == null ? null : AGENT_IDS.get(agent);
  }

  /** The priority at an index of the per-priority arrays. */
  static Priority priority(int i) {
    return Priority.values()[i];
  }
}
