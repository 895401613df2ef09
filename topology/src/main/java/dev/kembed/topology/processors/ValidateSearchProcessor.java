package dev.kembed.topology.processors;

import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.SourceHeaders;
import dev.kembed.topology.features.QueryNormalizer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First hop of a search: rejects searches with no user or no query left after normalisation (to
 * the DLQ), and stamps the source coordinates, since the search is re-keyed by its normalised
 * query next and later hops must still be able to name the original record.
 */
public final class ValidateSearchProcessor implements FixedKeyProcessor<String, SearchQueryEvent, SearchQueryEvent> {
  private FixedKeyProcessorContext<String, SearchQueryEvent> context;

  @Override
  public void init(FixedKeyProcessorContext<String, SearchQueryEvent> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, SearchQueryEvent> record) {
    SearchQueryEvent q = record.value();
    if (q == null) {
      throw new BadInputException(DlqReason.MISSING_FIELD, "a search cannot be a tombstone (key '" + record.key() + "')");
    }
    if (q.getUserId() == null || q.getUserId().isBlank()) {
      throw new BadInputException(DlqReason.MISSING_FIELD, "required field 'user_id' is missing or blank");
    }
    if (record.key() != null && !record.key().equals(q.getUserId())) {
      throw new BadInputException(DlqReason.KEY_MISMATCH, "record key '" + record.key() + "' differs from user_id '" + q.getUserId() + "'");
    }
    if (QueryNormalizer.normalize(q.getQuery()).isEmpty()) {
      throw new BadInputException(DlqReason.EMPTY_TEXT, "query '" + q.getQuery() + "' is empty after normalisation");
    }
    SourceHeaders.stamp(record.headers(), context.recordMetadata());
    context.forward(record);
  }
}
