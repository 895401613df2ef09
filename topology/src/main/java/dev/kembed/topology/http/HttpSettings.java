package dev.kembed.topology.http;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.topology.config.KembedConfig;
import org.apache.kafka.common.config.types.Password;

/** Where the HTTP API listens and the bearer token it demands, if any (null = open). */
public record HttpSettings(String bindAddress, int port, String authToken) {

  public static HttpSettings from(KembedConfig config) {
    Password token = config.getPassword(HTTP_AUTH_TOKEN);
    String value =
        token == null || token.value() == null || token.value().isEmpty() ? null : token.value();
    return new HttpSettings(config.getString(HTTP_BIND_ADDRESS), config.getInt(HTTP_PORT), value);
  }

  @Override
  public String toString() {
    return "HttpSettings["
        + bindAddress
        + ":"
        + port
        + (authToken == null ? ", open" : ", token set")
        + "]";
  }
}
