package dev.kembed.topology.processors;

import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.SourceHeaders;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.guard.InputGuard;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First hop of an interaction: rejects unusable ones (the {@link InputGuard}'s event-time and size
 * checks, missing ids, key differing from the user id, tombstones) to the DLQ, counts and drops
 * unknown types (they weigh nothing), drops what can change nothing (weight 0 and not an exposure),
 * and stamps the source coordinates so later hops can dead-letter the record by its original
 * offset.
 */
public final class ValidateInteractionProcessor
    implements FixedKeyProcessor<String, InteractionEvent, InteractionEvent> {
  private final InteractionWeights weights;
  private final Set<InteractionType> exposures;
  private final InputGuard guard;
  private FixedKeyProcessorContext<String, InteractionEvent> context;

  private DlqMetrics dlq;

  public ValidateInteractionProcessor(
      InteractionWeights weights, Set<InteractionType> exposures, InputGuard guard) {
    this.weights = weights;
    this.guard = guard;
    this.exposures = exposures;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, InteractionEvent> context) {
    this.context = context;
    this.dlq = DlqMetrics.from(context.appConfigs());
  }

  @Override
  public void process(FixedKeyRecord<String, InteractionEvent> record) {
    InteractionEvent e = record.value();
    guard.checkKey(record.key());
    if (e == null) {
      throw new BadInputException(
          DlqReason.MISSING_FIELD,
          "an interaction cannot be a tombstone (key " + InputGuard.shown(record.key()) + ")");
    }
    guard.check(record.key(), e, record.timestamp(), context.currentSystemTimeMs());
    require(e.getUserId(), "user_id");
    require(e.getTargetId(), "target_id");
    if (record.key() != null && !record.key().equals(e.getUserId())) {
      throw new BadInputException(
          DlqReason.KEY_MISMATCH,
          "record key "
              + InputGuard.shown(record.key())
              + " differs from user_id "
              + InputGuard.shown(e.getUserId()));
    }
    if (e.getInteractionType() == InteractionType.UNKNOWN) {
      dlq.dropped(DlqReason.UNKNOWN_INTERACTION_TYPE);
      return;
    }
    if (weights.weight(e.getInteractionType()) == 0
        && !exposures.contains(e.getInteractionType())) {
      return; // configured to mean nothing: no vector change and no feature row
    }
    SourceHeaders.stamp(record.headers(), context.recordMetadata(), record.key());
    context.forward(record);
  }

  private static void require(String v, String field) {
    if (v == null || v.isBlank()) {
      throw new BadInputException(
          DlqReason.MISSING_FIELD, "required field '" + field + "' is missing or blank");
    }
  }
}
