package dev.kembed.schemas.registry;

import java.time.Duration;

/**
 * Where the schema registry is and how to authenticate: base URL (for Apicurio the ccompat path,
 * e.g. {@code http://host:8080/apis/ccompat/v7}), optional basic-auth {@code user:password},
 * optional trust store (location, password, type) for TLS with a private CA, and a per-request
 * timeout.
 */
public record RegistrySettings(
    String url,
    String basicAuthUserInfo,
    String truststoreLocation,
    String truststorePassword,
    String truststoreType,
    Duration timeout) {

  public RegistrySettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("schema.registry.url is required");
    }
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    truststoreType = truststoreType == null || truststoreType.isBlank() ? "PKCS12" : truststoreType;
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
  }

  /** Plain settings: no authentication, the JDK's default trust store. */
  public static RegistrySettings of(String url) {
    return new RegistrySettings(url, null, null, null, null, null);
  }
}
