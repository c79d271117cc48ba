package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

/**
 * Filters in field paths on the Jackson trees records are: a filter on the record itself and on an
 * array's items work (the Zendesk recipe's escalated); a filter that compares a whole array ({@code
 * 'x' in @.tags}) parses its operand with json-smart, which the build keeps for it.
 */
class JsonPathsFilterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode read(String doc, String path) throws Exception {
    return JsonPaths.read(JSON.readTree(doc), JsonPath.compile(path));
  }

  @Test
  void aFilterOnTheRecordAndOnAnArraysItemsWork() throws Exception {
    String escalated = "{\"metric_set\": {\"group_stations\": 2}, \"tags\": [\"a\"]}";
    String tagged = "{\"metric_set\": {\"group_stations\": 1}, \"tags\": [\"escalated\"]}";
    assertThat(read(escalated, "$[?(@.metric_set.group_stations > 1)]")).hasSize(1);
    assertThat(read(tagged, "$[?(@.metric_set.group_stations > 1)]")).isEmpty();
    assertThat(read(tagged, "$.tags[?(@ == 'escalated')]")).hasSize(1);
    assertThat(read(escalated, "$.tags[?(@ == 'escalated')]")).isEmpty();
  }

  @Test
  void aFilterComparingAWholeArrayWorks() throws Exception {
    String tagged = "{\"metric_set\": {\"group_stations\": 1}, \"tags\": [\"escalated\"]}";
    String other = "{\"metric_set\": {\"group_stations\": 1}, \"tags\": [\"vip\"]}";
    assertThat(read(tagged, "$[?('escalated' in @.tags)]")).hasSize(1);
    assertThat(read(other, "$[?('escalated' in @.tags)]")).isEmpty();
  }
}
