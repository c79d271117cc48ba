package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.model.Cursor;
import io.cxexporter.util.Interner;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cursor encoding, the watermark rules and the interner. */
class CursorPiecesTest {

  @Test
  void fieldsRoundTripAndEscapeTheSeparator() {
    CursorFields f = CursorFields.empty().with("t", "17").with("after", "a;b%c");
    assertThat(f.cursor().value()).isEqualTo("t=17;after=a%3Bb%25c");
    assertThat(CursorFields.parse(f.cursor()).get("after")).contains("a;b%c");
    assertThat(CursorFields.parse(Cursor.START).keys()).isEmpty();
    assertThat(CursorFields.parse(new Cursor("t=1;after=")).get("after")).contains("");
  }

  @Test
  void aWatermarkMovesToTheNewestMinusItsOverlapButNeverBack() throws Exception {
    WatermarkCursor c = WatermarkCursor.parse(new Cursor("start=1000;after=X"), "start", 5);
    assertThat(c.since()).isEqualTo(1000);
    assertThat(c.token()).isEqualTo("X");
    assertThat(c.advance(5000, Duration.ofSeconds(60)).cursor().value()).isEqualTo("start=4940");
    assertThat(c.advance(1010, Duration.ofSeconds(60)).cursor().value()).isEqualTo("start=1000");
    assertThat(c.advance(Long.MIN_VALUE, Duration.ZERO).cursor().value()).isEqualTo("start=1000");
    assertThat(WatermarkCursor.parse(Cursor.START, "start", 5).cursor().value())
        .isEqualTo("start=5");
  }

  @Test
  void aCursorOfAnotherStreamIsRefused() {
    assertThatThrownBy(() -> WatermarkCursor.parse(new Cursor("start=soon"), "start", 5))
        .hasMessage("stored cursor is not ours: start=soon");
  }

  @Test
  void recordsAlreadyDeliveredAtTheBoundarySecondAreRecognised() throws Exception {
    WatermarkCursor c = WatermarkCursor.at("since", 100).withSeen(Set.of("7", "8"));
    assertThat(c.cursor().value()).isEqualTo("since=100;seen=7,8");
    WatermarkCursor back = WatermarkCursor.parse(c.cursor(), "since", 0);
    assertThat(back.isRepeat("7", 100)).isTrue();
    assertThat(back.isRepeat("7", 101)).isFalse();
    assertThat(back.isRepeat("9", 100)).isFalse();
  }

  @Test
  void theInternerSharesOneCopyUpToItsBound() {
    Interner i = new Interner(1);
    String a = new String("email");
    String b = new String("email");
    assertThat(i.intern(a)).isSameAs(a);
    assertThat(i.intern(b)).isSameAs(a);
    String c = new String("chat");
    assertThat(i.intern(c)).as("past the bound: not retained").isSameAs(c);
    assertThat(i.intern(null)).isNull();
  }
}
