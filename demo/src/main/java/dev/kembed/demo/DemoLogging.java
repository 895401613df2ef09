package dev.kembed.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels for the demo's in-process broker. A broker in the same JVM logs into the demo's
 * terminal, including transient, retried conditions of a busy single node (e.g. a produce retried
 * while a transaction completes) that are not problems; the demo shows kembed's own logs and only
 * real errors from Kafka's clients.
 */
public final class DemoLogging {
  private DemoLogging() {}

  public static void quietBroker() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      setIfUnset(ctx.getLogger("kafka"), Level.OFF);
      setIfUnset(ctx.getLogger("org.apache.kafka.controller"), Level.OFF);
      setIfUnset(ctx.getLogger("org.apache.kafka.raft"), Level.OFF);
      setIfUnset(ctx.getLogger("org.apache.kafka.storage"), Level.OFF);
      setIfUnset(ctx.getLogger("org.apache.kafka.server"), Level.OFF);
      setIfUnset(ctx.getLogger("org.apache.kafka.coordinator"), Level.OFF);
      setIfUnset(ctx.getLogger("org.apache.kafka.clients"), Level.ERROR);
      setIfUnset(ctx.getLogger("org.apache.kafka.streams"), Level.ERROR);
    }
  }

  // KAFKA_LOG_LEVEL set by the user wins: they asked to see the broker.
  private static void setIfUnset(Logger logger, Level level) {
    if (System.getenv("KAFKA_LOG_LEVEL") == null) {
      logger.setLevel(level);
    }
  }
}
