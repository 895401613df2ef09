package dev.kembed.topology.metrics;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The embedding stage's metrics, registered in Kafka Streams' own registry (so they appear in
 * {@code KafkaStreams#metrics()} and over JMX beside Streams' metrics) under group {@code
 * kembed-embed} with the thread and task as tags: embeddings per second and in total, texts skipped
 * because they were already embedded, batch size (avg, max), embed latency (avg, max, ms), and the
 * buffer's current depth.
 */
public final class EmbedMetrics {
  public static final String GROUP = "kembed-embed";

  private final Sensor embedded;
  private final Sensor skipped;
  private final Sensor batchSize;
  private final Sensor latency;
  private final Sensor queueDepth;

  public EmbedMetrics(StreamsMetrics metrics, String threadId, TaskId task) {
    Map<String, String> tags = Map.of("thread-id", threadId, "task-id", task.toString());
    String prefix = threadId + "." + task + ".";
    embedded = sensor(metrics, prefix + "embedded");
    embedded.add(name("embeddings-rate", "Texts embedded per second", tags), new Rate());
    embedded.add(name("embeddings-total", "Texts embedded", tags), new CumulativeSum());
    skipped = sensor(metrics, prefix + "skipped");
    skipped.add(name("embed-skipped-unchanged-total", "Texts not embedded because the same text was already embedded with the same model", tags), new CumulativeSum());
    batchSize = sensor(metrics, prefix + "batch-size");
    batchSize.add(name("embed-batch-size-avg", "Texts per inference batch", tags), new Avg());
    batchSize.add(name("embed-batch-size-max", "Largest inference batch", tags), new Max());
    batchSize.add(name("embed-batches-total", "Inference batches run", tags), new org.apache.kafka.common.metrics.stats.CumulativeCount());
    latency = sensor(metrics, prefix + "latency");
    latency.add(name("embed-latency-avg-ms", "Milliseconds per inference batch", tags), new Avg());
    latency.add(name("embed-latency-max-ms", "Slowest inference batch, milliseconds", tags), new Max());
    queueDepth = sensor(metrics, prefix + "queue-depth");
    queueDepth.add(name("embed-queue-depth", "Texts buffered, waiting for their batch", tags), new Value());
  }

  private static Sensor sensor(StreamsMetrics metrics, String name) {
    return metrics.addSensor(name, Sensor.RecordingLevel.INFO);
  }

  private static MetricName name(String name, String doc, Map<String, String> tags) {
    return new MetricName(name, GROUP, doc, tags);
  }

  public void batch(int size, double millis) {
    batchSize.record(size);
    latency.record(millis);
    embedded.record(size);
  }

  public void skippedUnchanged() {
    skipped.record();
  }

  public void queueDepth(int depth) {
    queueDepth.record(depth);
  }
}
