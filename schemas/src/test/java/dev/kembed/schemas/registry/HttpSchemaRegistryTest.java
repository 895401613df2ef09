package dev.kembed.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry client against a scripted loopback HTTP server: the REST paths and bodies it sends,
 * basic auth, 404 meaning "not registered", error messages carried over, and that ids and schemas
 * are cached (a second lookup makes no request).
 */
class HttpSchemaRegistryTest {

  private static final Schema KEY =
      SchemaBuilder.record("K").fields().requiredString("id").endRecord();
  private final List<String> requests = new ArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = exchange.getRequestURI().getRawPath();
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + path
                  + " auth="
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          int status;
          String answer;
          if (path.equals("/subjects/t-key") && body.contains("\"schemaType\":\"AVRO\"")) {
            status = 200;
            answer = "{\"subject\":\"t-key\",\"id\":7,\"version\":1}";
          } else if (path.equals("/subjects/missing-value")) {
            status = 404;
            answer = "{\"error_code\":40401,\"message\":\"Subject 'missing-value' not found.\"}";
          } else if (path.equals("/schemas/ids/7")) {
            status = 200;
            answer =
                "{\"schema\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(KEY.toString())
                    + "}";
          } else if (path.equals("/compatibility/subjects/t-key/versions/latest")) {
            status = 200;
            answer = "{\"is_compatible\":false}";
          } else {
            status = 401;
            answer = "{\"error_code\":401,\"message\":\"Unauthorized\"}";
          }
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpSchemaRegistry client() {
    return new HttpSchemaRegistry(
        new RegistrySettings(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/",
            "kembed:s3cret",
            null,
            null,
            null,
            null));
  }

  @Test
  void lookupIsCachedAndAuthenticated() {
    HttpSchemaRegistry registry = client();
    assertEquals(OptionalInt.of(7), registry.lookup("t-key", KEY));
    assertEquals(OptionalInt.of(7), registry.lookup("t-key", KEY));
    assertEquals(
        KEY, registry.byId(7), "the looked-up schema is known by its id without a request");
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("kembed:s3cret".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("POST /subjects/t-key auth=" + auth), requests);
  }

  @Test
  void schemasByIdAreFetchedOnce() {
    HttpSchemaRegistry registry = client();
    assertEquals(KEY, registry.byId(7));
    assertEquals(KEY, registry.byId(7));
    assertEquals(1, requests.size());
  }

  @Test
  void notFoundIsEmpty_errorsCarryTheRegistrysMessage() {
    HttpSchemaRegistry registry = client();
    assertTrue(registry.lookup("missing-value", KEY).isEmpty());
    assertFalse(registry.isCompatible("t-key", KEY));
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> registry.register("other-value", KEY));
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("Unauthorized"), e.getMessage());
  }
}
