package dev.kembed.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Neighbourhood-app texts generated from templates: queries, posts and long posts. */
final class TestTexts {
  private TestTexts() {}

  private static final String[] SUBJECTS = {
    "a plumber",
    "a babysitter",
    "my lost cat",
    "a golden retriever",
    "a used couch",
    "fresh eggs",
    "a reliable electrician",
    "the farmers market",
    "a stolen bike",
    "a dog walker",
    "piano lessons",
    "a lawn mower",
    "the block party",
    "a car break-in",
    "a tutor for maths",
    "a handyman"
  };
  private static final String[] FRAMES = {
    "looking for %s near the park",
    "does anyone know %s they can recommend?",
    "%s",
    "we found %s on Elm Street this morning, please share",
    "selling %s, barely used, pick up only",
    "warning about %s around the school last night",
    "can someone help me with %s this weekend",
    "thanks everyone who helped with %s!",
  };
  private static final String FILLER =
      " The neighbours on our street have been talking about this for a while and we would love"
          + " some advice from people who have dealt with it before, especially with kids and pets"
          + " in the house and a tight budget this month.";

  /** {@code count} varied texts: short queries, medium posts and some long posts. */
  static List<String> corpus(int count, long seed) {
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String text =
          String.format(FRAMES[i % FRAMES.length], SUBJECTS[random.nextInt(SUBJECTS.length)]);
      int kind = i % 5;
      if (kind == 3) {
        text = text + FILLER;
      } else if (kind == 4) {
        text = text + FILLER.repeat(2 + random.nextInt(6));
      }
      texts.add(text);
    }
    return texts;
  }
}
