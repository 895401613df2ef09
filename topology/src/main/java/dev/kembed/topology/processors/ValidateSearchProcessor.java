package dev.kembed.topology.processors;

import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.SourceHeaders;
import dev.kembed.topology.features.QueryNormalizer;
import dev.kembed.topology.guard.InputGuard;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First hop of a search: rejects searches the {@link InputGuard} refuses (event time, a query over
 * {@code search.query.max.chars}, oversized ids) and searches with no user or no query left after
 * normalisation (to the DLQ), and stamps the source coordinates, since the search is re-keyed by
 * its normalised query next and later hops must still be able to name the original record.
 */
public final class ValidateSearchProcessor
    implements FixedKeyProcessor<String, SearchQueryEvent, SearchQueryEvent> {
  private final InputGuard guard;
  private FixedKeyProcessorContext<String, SearchQueryEvent> context;

  public ValidateSearchProcessor(InputGuard guard) {
    this.guard = guard;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, SearchQueryEvent> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, SearchQueryEvent> record) {
    SearchQueryEvent q = record.value();
    guard.checkKey(record.key());
    if (q == null) {
      throw new BadInputException(
          DlqReason.MISSING_FIELD,
          "a search cannot be a tombstone (key " + InputGuard.shown(record.key()) + ")");
    }
    guard.check(record.key(), q, record.timestamp(), context.currentSystemTimeMs());
    if (q.getUserId() == null || q.getUserId().isBlank()) {
      throw new BadInputException(
          DlqReason.MISSING_FIELD, "required field 'user_id' is missing or blank");
    }
    if (record.key() != null && !record.key().equals(q.getUserId())) {
      throw new BadInputException(
          DlqReason.KEY_MISMATCH,
          "record key "
              + InputGuard.shown(record.key())
              + " differs from user_id "
              + InputGuard.shown(q.getUserId()));
    }
    if (QueryNormalizer.normalize(q.getQuery()).isEmpty()) {
      throw new BadInputException(
          DlqReason.EMPTY_TEXT,
          "query " + InputGuard.shown(q.getQuery()) + " is empty after normalisation");
    }
    SourceHeaders.stamp(record.headers(), context.recordMetadata(), record.key());
    context.forward(record);
  }
}
