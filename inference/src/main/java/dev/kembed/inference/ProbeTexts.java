package dev.kembed.inference;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fixed texts every start embeds to prove that this process computes the vectors earlier runs
 * under the same model id computed. Chosen where numerical differences show first: Cyrillic, CJK
 * and emoji (mostly unknown word pieces), a text at the truncation limit, and a few everyday
 * neighbourhood posts and queries. Changing the list changes {@link #fingerprint()}, and stored
 * probes with another fingerprint are re-recorded rather than compared.
 */
public final class ProbeTexts {
  private ProbeTexts() {}

  private static final String LONG =
      "The neighbours on our street have been talking about the broken street lights for weeks and"
          + " we would love some advice from people who have dealt with the council before. ";

  public static final List<String> TEXTS =
      List.of(
          "need a plumber",
          "lost dog near the park, brown labrador with a red collar",
          "Free grey three-seat couch, pick up this weekend. Smoke-free home.",
          "Car broken into on Elm Street last night, please lock your cars.",
          "Ищу сантехника, протекает бойлер, нужна помощь сегодня вечером",
          "Потерялась кошка возле школы, серая, очень пугливая. Пожалуйста, проверьте сараи.",
          "近所でおすすめの歯医者はありますか",
          "🐶🐱🏡 !!!",
          "Is it still available? I can pick it up tomorrow evening.",
          "farmers market saturday",
          LONG.repeat(12),
          "Volunteers needed for the park clean-up day. " + LONG.repeat(3));

  /** First 12 hex of the SHA-256 of the texts, NUL-separated. */
  public static String fingerprint() {
    return ModelSource.sha256Hex(String.join("\0", TEXTS).getBytes(StandardCharsets.UTF_8), 12);
  }
}
