package dev.kembed.schemas.serde;

import dev.kembed.schemas.registry.HttpSchemaRegistry;
import dev.kembed.schemas.registry.RegistrySettings;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka deserializer that turns any kembed key or value (single-object Avro, Schema Registry
 * Avro, JSON, plain string) into one line of JSON text, for {@code kafka-console-consumer} ({@code
 * --formatter-property value.deserializer=dev.kembed.schemas.serde.KembedJsonDeserializer} with the
 * kembed jar on the classpath) and for consumers that just want readable records. Reads {@code
 * schema.registry.url} (plus {@code schema.registry.basic.auth.user.info}) from its configuration
 * to resolve registry ids.
 */
public final class KembedJsonDeserializer implements Deserializer<String> {

  private volatile AnyFormatJson decoder = new AnyFormatJson(null);

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object url = configs.get("schema.registry.url");
    if (url != null && !url.toString().isBlank()) {
      Object auth = configs.get("schema.registry.basic.auth.user.info");
      decoder =
          new AnyFormatJson(
              new HttpSchemaRegistry(
                  new RegistrySettings(
                      url.toString(),
                      auth == null ? null : auth.toString(),
                      null,
                      null,
                      null,
                      null)));
    }
  }

  @Override
  public String deserialize(String topic, byte[] data) {
    return data == null ? null : decoder.decodeToString(data);
  }
}
