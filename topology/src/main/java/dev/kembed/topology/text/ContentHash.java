package dev.kembed.topology.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of "this text under this model": hex SHA-256 over the model id and the cleaned text.
 * Equal hashes mean the stored vector is still right, so the text is not embedded again; a new
 * model id changes every hash, so a model upgrade re-embeds everything.
 */
public final class ContentHash {
  private ContentHash() {}

  public static String of(String modelId, String cleanedText) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(modelId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0); // separator: no (model, text) pair can collide with another by shifting
      sha.update(cleanedText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
