package io.cxexporter.alerting.ha;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the leader has delivered, as the next leader needs it: per notifier, the firing alerts it
 * sent (and when), and the SLA reminders it sent. The leader writes it into an annotation of the
 * {@code <lease>-log} Lease after each delivery; a replica that takes over reads it before its
 * first send. {@code owner} is the replica that last claimed it: only the owner writes, so a leader
 * that lost the Lease cannot overwrite its successor's record.
 *
 * <p>Encoded as compact JSON, at most {@link #MAX_BYTES}: firing alerts first (a lost one would be
 * sent twice and its resolve never), then reminders, each newest first; what does not fit is left
 * out, oldest first (a left-out reminder may be sent once more).
 *
 * <pre>{@code
 * {"v":1,"owner":"cx-exporter-0",
 *  "sent":[["hook","3f0c...",1764590400000]],
 *  "reminders":[["hook","SlaDueSoon","zendesk","123","1h",1764604800000,1764601200000]]}
 * }</pre>
 */
public record DeliveryRecord(String owner, List<Sent> sent, List<Reminded> reminders) {
  /** The encoded record's largest size: well under the 256 KiB of all a Lease's annotations. */
  public static final int MAX_BYTES = 60 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record nobody has claimed yet. */
  public static final DeliveryRecord EMPTY = new DeliveryRecord("", List.of(), List.of());

  public DeliveryRecord {
    Objects.requireNonNull(owner, "owner");
    sent = List.copyOf(sent);
    reminders = List.copyOf(reminders);
  }

  /** The same deliveries, claimed by {@code newOwner}. */
  public DeliveryRecord ownedBy(String newOwner) {
    return new DeliveryRecord(newOwner, sent, reminders);
  }

  /** One firing alert a notifier got: {@code notify.SentLog}'s row. */
  public record Sent(String notifier, String fingerprint, Instant at) {}

  /** One SLA reminder a notifier got: the store's {@code reminders_sent} row. */
  public record Reminded(
      String notifier,
      String rule,
      String source,
      String ticket,
      String threshold,
      Instant due,
      Instant at) {}

  /** The compact JSON, trimmed to {@link #MAX_BYTES} as described above. */
  public String encode() {
    List<Sent> s = new ArrayList<>(sent);
    s.sort(Comparator.comparing(Sent::at).reversed());
    List<Reminded> r = new ArrayList<>(reminders);
    r.sort(Comparator.comparing(Reminded::at).reversed());
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    root.put("owner", owner);
    ArrayNode sa = root.putArray("sent");
    ArrayNode ra = root.putArray("reminders");
    int size = bytes(root);
    for (Sent e : s) {
      ArrayNode row = JSON.createArrayNode();
      row.add(e.notifier()).add(e.fingerprint()).add(e.at().toEpochMilli());
      int add = bytes(row) + 1;
      if (size + add > MAX_BYTES) {
        break;
      }
      sa.add(row);
      size += add;
    }
    for (Reminded e : r) {
      ArrayNode row = JSON.createArrayNode();
      row.add(e.notifier())
          .add(e.rule())
          .add(e.source())
          .add(e.ticket())
          .add(e.threshold())
          .add(e.due().toEpochMilli())
          .add(e.at().toEpochMilli());
      int add = bytes(row) + 1;
      if (size + add > MAX_BYTES) {
        break;
      }
      ra.add(row);
      size += add;
    }
    return root.toString();
  }

  /**
   * Reads what {@link #encode()} wrote.
   *
   * @throws IllegalArgumentException when the text is not such a record
   */
  public static DeliveryRecord decode(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      if (root == null || !root.isObject() || root.path("v").asInt() != 1) {
        throw new IllegalArgumentException("not a version 1 delivery record");
      }
      List<Sent> sent = new ArrayList<>();
      for (JsonNode row : root.path("sent")) {
        sent.add(new Sent(text(row, 0), text(row, 1), Instant.ofEpochMilli(number(row, 2))));
      }
      List<Reminded> reminders = new ArrayList<>();
      for (JsonNode row : root.path("reminders")) {
        reminders.add(
            new Reminded(
                text(row, 0),
                text(row, 1),
                text(row, 2),
                text(row, 3),
                text(row, 4),
                Instant.ofEpochMilli(number(row, 5)),
                Instant.ofEpochMilli(number(row, 6))));
      }
      return new DeliveryRecord(root.path("owner").asText(""), sent, reminders);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode row, int i) {
    JsonNode n = row.path(i);
    if (!n.isTextual()) {
      throw new IllegalArgumentException("field " + i + " of " + row + " is not a string");
    }
    return n.textValue();
  }

  private static long number(JsonNode row, int i) {
    JsonNode n = row.path(i);
    if (!n.isIntegralNumber()) {
      throw new IllegalArgumentException("field " + i + " of " + row + " is not a number");
    }
    return n.longValue();
  }

  private static int bytes(JsonNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
