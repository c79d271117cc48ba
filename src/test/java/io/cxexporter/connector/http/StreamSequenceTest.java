package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several lists read as one stream, each to its end, with one cursor part per list. */
class StreamSequenceTest {
  /** A list of {@code pages} pages whose cursor is the next page number; records the cursors. */
  static Stream list(String name, int pages, List<String> reads) {
    return new Stream() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Page read(Cursor from) {
        int page = from.isStart() ? 1 : Integer.parseInt(from.value());
        reads.add(name + ":" + page);
        boolean last = page >= pages;
        return new Page(
            List.of(), new Cursor(Integer.toString(last ? page : page + 1)), last, 0.5, List.of());
      }
    };
  }

  @Test
  void eachListIsReadToItsEndInOrderAndThePassEndsAfterTheLast() throws ConnectorException {
    List<String> reads = new ArrayList<>();
    LinkedHashMap<String, Stream> lists = new LinkedHashMap<>();
    lists.put("live", list("tickets", 2, reads));
    lists.put("deleted", list("deleted", 1, reads));
    StreamSequence s = StreamSequence.of("tickets", lists);

    Page p1 = s.read(Cursor.START);
    assertThat(p1.caughtUp()).isFalse();
    assertThat(p1.progress()).isEqualTo(0.5);
    Page p2 = s.read(p1.next());
    assertThat(p2.caughtUp()).isFalse();
    assertThat(p2.next().value()).contains("phase=deleted");
    Page p3 = s.read(p2.next());
    assertThat(p3.caughtUp()).isTrue();
    assertThat(p3.progress()).isEqualTo(1.0);
    assertThat(reads).containsExactly("tickets:1", "tickets:2", "deleted:1");
    assertThat(s.name()).isEqualTo("tickets");
  }

  @Test
  void aForeignCursorIsRefusedAndTheShapeIsChecked() {
    List<String> reads = new ArrayList<>();
    LinkedHashMap<String, Stream> lists = new LinkedHashMap<>();
    lists.put("live", list("tickets", 1, reads));
    lists.put("spam", list("spam", 1, reads));
    assertThatThrownBy(() -> StreamSequence.of("tickets", lists).read(new Cursor("since=5")))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("stored cursor is not ours");
    LinkedHashMap<String, Stream> one = new LinkedHashMap<>();
    one.put("live", list("tickets", 1, reads));
    assertThatThrownBy(() -> StreamSequence.of("tickets", one))
        .isInstanceOf(IllegalArgumentException.class);
    lists.put("phase", list("x", 1, reads));
    assertThatThrownBy(() -> StreamSequence.of("tickets", lists))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
