package dev.kembed.schemas.serde;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import org.apache.avro.specific.SpecificRecord;

/**
 * The serdes of every topic value in the kembed contract, one factory method per record type, plus
 * {@link #of(Class)} for generic code. Keys are plain UTF-8 strings ({@code Serdes.String()}). Each
 * call returns a new, thread-safe {@link AvroSerde}.
 */
public final class KembedSerdes {

  private KembedSerdes() {}

  /** Serde of any generated record type in {@code dev.kembed.schemas}. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  /** Values of topic {@code posts}. */
  public static AvroSerde<PostEvent> postEvent() {
    return of(PostEvent.class);
  }

  /** Values of topic {@code comments}. */
  public static AvroSerde<CommentEvent> commentEvent() {
    return of(CommentEvent.class);
  }

  /** Values of topic {@code interactions}. */
  public static AvroSerde<InteractionEvent> interactionEvent() {
    return of(InteractionEvent.class);
  }

  /** Values of topic {@code search-queries}. */
  public static AvroSerde<SearchQueryEvent> searchQueryEvent() {
    return of(SearchQueryEvent.class);
  }

  /** Values of topic {@code content-embeddings}. */
  public static AvroSerde<ContentEmbedding> contentEmbedding() {
    return of(ContentEmbedding.class);
  }

  /** Values of topic {@code user-vectors}. */
  public static AvroSerde<UserVector> userVector() {
    return of(UserVector.class);
  }

  /** Values of topic {@code similarity-features}. */
  public static AvroSerde<SimilarityFeatures> similarityFeatures() {
    return of(SimilarityFeatures.class);
  }

  /** Values of topic {@code index-updates}. */
  public static AvroSerde<IndexUpdate> indexUpdate() {
    return of(IndexUpdate.class);
  }

  /** Values of topic {@code query-expansions}. */
  public static AvroSerde<QueryExpansion> queryExpansion() {
    return of(QueryExpansion.class);
  }
}
