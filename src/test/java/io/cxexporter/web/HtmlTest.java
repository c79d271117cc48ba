package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The status page's escaping of upstream text, for elements and quoted attributes. */
class HtmlTest {
  @Test
  void escapesMarkupAndBothQuotes() {
    assertThat(Html.esc("<script>alert(\"x\" & 'y')</script>"))
        .isEqualTo("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  }

  @Test
  void keepsOtherTextAndNull() {
    assertThat(Html.esc("back\\slash\nnew line …")).isEqualTo("back\\slash\nnew line …");
    assertThat(Html.esc(null)).isEmpty();
  }
}
