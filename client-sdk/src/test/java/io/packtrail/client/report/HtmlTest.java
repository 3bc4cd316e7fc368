package io.packtrail.client.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void markupCharactersBecomeReferences() {
    assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
        Html.text("<script>alert('x')</script> & \"q\""));
  }

  @Test
  void plainTextIsUnchangedAndNullIsEmpty() {
    assertEquals("Jinchang \u91d1\u660c plant 5", Html.text("Jinchang \u91d1\u660c plant 5"));
    assertEquals("", Html.text(null));
  }

  @Test
  void controlCharactersCannotReachThePage() {
    assertEquals("a\nb\tc\uFFFDd", Html.text("a\r\nb\tc\u0000d"));
  }
}
