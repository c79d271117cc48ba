package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** Picks conversations out of a {@code conversation.list} fixture and wraps them in a new page. */
final class IntercomFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IntercomFixtures() {}

  /** The {@code i}-th conversation of a page, pretty-printed like the fixtures. */
  static String item(String page, int i) {
    try {
      return JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(JSON.readTree(page).path("conversations").get(i));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A last page ({@code pages} without {@code next}) holding {@code conversations}. */
  static String list(String... conversations) {
    try {
      ObjectNode page = JSON.createObjectNode();
      page.put("type", "conversation.list");
      page.putObject("pages")
          .put("type", "pages")
          .put("page", 1)
          .put("per_page", 3)
          .put("total_pages", 1);
      page.put("total_count", conversations.length);
      var list = page.putArray("conversations");
      for (String c : conversations) {
        JsonNode n = JSON.readTree(c);
        list.add(n);
      }
      return page.toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
