package dev.kembed.topology.drift;

/**
 * The dominant writing system of a text, from its letters: a cheap language-mix signal that needs
 * no model. MiniLM is an English model, so a growing Cyrillic or CJK share means vectors of lower
 * quality (mostly unknown word pieces), which is what the drift metric is for.
 */
public enum TextScript {
  LATIN,
  CYRILLIC,
  CJK,
  OTHER,
  NONE;

  /** The script most of the text's letters belong to; NONE for a text without letters. */
  public static TextScript dominant(String text) {
    int[] counts = new int[4];
    text.codePoints().filter(Character::isLetter).forEach(cp -> counts[of(cp).ordinal()]++);
    int best = -1;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && (best < 0 || counts[i] > counts[best])) {
        best = i;
      }
    }
    return best < 0 ? NONE : values()[best];
  }

  private static TextScript of(int cp) {
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return switch (s) {
      case LATIN -> LATIN;
      case CYRILLIC -> CYRILLIC;
      case HAN, HIRAGANA, KATAKANA, HANGUL -> CJK;
      default -> OTHER;
    };
  }
}
