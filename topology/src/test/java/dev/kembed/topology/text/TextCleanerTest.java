package dev.kembed.topology.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kembed.topology.text.TextCleaner.UrlMode;
import org.junit.jupiter.api.Test;

class TextCleanerTest {
  private final TextCleaner keep = new TextCleaner(UrlMode.KEEP);

  @Test
  void collapsesWhitespaceAndTrims() {
    assertEquals("free sofa today", keep.clean("  free\t\tsofa\n\n today \u00A0"));
  }

  @Test
  void nfkcFoldsCompatibilityForms() {
    // full-width letters and the "fi" ligature become plain ASCII
    assertEquals("Free sofa", keep.clean("\uFF26ree so\uFB01".replace("\uFB01", "fa")));
    assertEquals("find", keep.clean("\uFB01nd"));
  }

  @Test
  void dropsControlAndInvisibleFormatCharacters() {
    assertEquals("lost cat", keep.clean("lost\u200B cat\uFEFF"));
    assertEquals("lost cat", keep.clean("lost\u0000cat"));
    assertEquals("a b", keep.clean("a\u0007\u0008b"));
  }

  @Test
  void keepsEmojiJoinsAndNonLatinScripts() {
    assertEquals(
        "\uD83D\uDC69\u200D\uD83D\uDD27 нужен сантехник 水道屋",
        keep.clean("\uD83D\uDC69\u200D\uD83D\uDD27  нужен сантехник\n水道屋"));
  }

  @Test
  void urlModes() {
    String raw = "Couch on https://www.craigslist.org/abc?x=1 and www.ebay.com/itm/9 now";
    assertEquals(raw, keep.clean(raw));
    assertEquals("Couch on [link] and [link] now", new TextCleaner(UrlMode.MASK).clean(raw));
    assertEquals(
        "Couch on craigslist.org and ebay.com now", new TextCleaner(UrlMode.DOMAIN).clean(raw));
  }

  @Test
  void emptyAndNullBecomeEmpty() {
    assertEquals("", keep.clean(null));
    assertEquals("", keep.clean(" \u200B\t\n"));
  }

  @Test
  void postJoinsSubjectFirst() {
    assertEquals(
        "Lost dog. Golden retriever near the park",
        keep.post("Lost dog", "Golden retriever near the park"));
    assertEquals("Lost dog! Golden retriever", keep.post("Lost dog!", " Golden retriever"));
    assertEquals("Only body", keep.post(null, "Only body"));
    assertEquals("Only subject", keep.post("Only subject", "  "));
  }

  @Test
  void contentHashDependsOnModelAndText() {
    String a = ContentHash.of("m@1", "free sofa");
    assertEquals(64, a.length());
    assertEquals(a, ContentHash.of("m@1", "free sofa"));
    assertNotEquals(a, ContentHash.of("m@2", "free sofa"));
    assertNotEquals(a, ContentHash.of("m@1", "free sofa!"));
    // the separator keeps ("m@1x", "y") apart from ("m@1", "xy")
    assertNotEquals(ContentHash.of("m@1x", "y"), ContentHash.of("m@1", "xy"));
  }
}
