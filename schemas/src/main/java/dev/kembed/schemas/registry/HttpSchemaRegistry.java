package dev.kembed.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistry} speaking the Confluent Schema Registry REST API over the JDK {@link
 * HttpClient}: {@code POST /subjects/{s}} (lookup), {@code POST /subjects/{s}/versions} (register),
 * {@code GET /schemas/ids/{id}}, {@code POST /compatibility/subjects/{s}/versions/latest}.
 * Confluent Schema Registry, Karapace, Redpanda and Apicurio's {@code /apis/ccompat/v7} serve it.
 * Ids and schemas are cached for the life of the client (an id never changes meaning), so a running
 * serializer makes no registry calls after its first record.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistrySettings settings;
  private final HttpClient http;
  private final Map<String, Integer> idCache = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemaCache = new ConcurrentHashMap<>();

  public HttpSchemaRegistry(RegistrySettings settings) {
    this.settings = settings;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout());
    if (settings.truststoreLocation() != null && !settings.truststoreLocation().isBlank()) {
      builder.sslContext(sslContext(settings));
    }
    this.http = builder.build();
  }

  @Override
  public OptionalInt lookup(String subject, Schema schema) {
    String cacheKey = subject + '\n' + schema;
    Integer cached = idCache.get(cacheKey);
    if (cached != null) {
      return OptionalInt.of(cached);
    }
    try {
      JsonNode answer = call("POST", "/subjects/" + encode(subject), body(schema));
      int id = answer.path("id").asInt();
      idCache.put(cacheKey, id);
      schemaCache.putIfAbsent(id, schema);
      return OptionalInt.of(id);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return OptionalInt.empty(); // 40401 subject not found, 40403 schema not found
      }
      throw e;
    }
  }

  @Override
  public int register(String subject, Schema schema) {
    JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body(schema));
    int id = answer.path("id").asInt();
    idCache.put(subject + '\n' + schema, id);
    schemaCache.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema byId(int id) {
    return schemaCache.computeIfAbsent(
        id,
        key -> {
          JsonNode answer = call("GET", "/schemas/ids/" + key, null);
          return new Schema.Parser().parse(answer.path("schema").asText());
        });
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode answer =
          call(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              body(schema));
      return answer.path("is_compatible").asBoolean(false);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return true; // nothing registered yet: anything is compatible
      }
      throw e;
    }
  }

  private static String body(Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    body.put("schemaType", "AVRO");
    return body.toString();
  }

  private JsonNode call(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.url() + path))
            .timeout(settings.timeout())
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (settings.basicAuthUserInfo() != null && !settings.basicAuthUserInfo().isBlank()) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(settings.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry " + settings.url() + " unreachable: " + e, 0, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted calling the schema registry", 0, 0, e);
    }
    JsonNode answer = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      throw new SchemaRegistryException(
          "schema registry "
              + method
              + " "
              + path
              + " answered "
              + response.statusCode()
              + ": "
              + (answer.has("message") ? answer.get("message").asText() : response.body()),
          response.statusCode(),
          answer.path("error_code").asInt(0),
          null);
    }
    return answer;
  }

  private static JsonNode parse(String text) {
    try {
      return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException e) {
      return JSON.createObjectNode().put("message", text);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static SSLContext sslContext(RegistrySettings settings) {
    try (InputStream in = Files.newInputStream(Path.of(settings.truststoreLocation()))) {
      KeyStore store = KeyStore.getInstance(settings.truststoreType());
      store.load(
          in,
          settings.truststorePassword() == null
              ? null
              : settings.truststorePassword().toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot load schema registry trust store " + settings.truststoreLocation() + ": " + e, e);
    }
  }
}
