package dev.kembed.topology.guard;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.Surface;
import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DlqReason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The entrance guard on plain records: every bound at its edge, with the numbers worked out here.
 */
class InputGuardTest {
  private static final long NOW = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
  private static final long TEN_MINUTES = 600_000;
  private final InputGuard guard = new InputGuard(TEN_MINUTES, 1_000, 1_048_576);

  @Test
  void eventTimeMustLieBetweenTheEpochAndTenMinutesAhead() {
    assertTrue(InputGuard.validEventTime(0, NOW, TEN_MINUTES));
    assertTrue(InputGuard.validEventTime(NOW + 600_000, NOW, TEN_MINUTES));
    assertFalse(InputGuard.validEventTime(NOW + 600_001, NOW, TEN_MINUTES));
    assertFalse(InputGuard.validEventTime(-1, NOW, TEN_MINUTES));
    assertFalse(InputGuard.validEventTime(Long.MIN_VALUE, NOW, TEN_MINUTES));
    assertFalse(InputGuard.validEventTime(Long.MAX_VALUE, NOW, TEN_MINUTES));
    assertFalse(
        InputGuard.validEventTime(NOW + 2 * 3_600_000, NOW, TEN_MINUTES),
        "a producer clock 2 h fast");
  }

  @Test
  void negativeMinimalAndFarFutureEventTimesAreInvalidTimestamps() {
    for (long t :
        new long[] {
          -1, Long.MIN_VALUE, NOW + 7_200_000, Instant.parse("9999-12-31T23:59:59Z").toEpochMilli()
        }) {
      BadInputException e =
          assertThrows(
              BadInputException.class,
              () -> guard.check("p1", post("p1", "text", t), 0, NOW),
              "event time " + t);
      assertEquals(DlqReason.INVALID_TIMESTAMP, e.reason());
    }
    assertDoesNotThrow(
        () -> guard.check("p1", post("p1", "text", NOW + 300_000), 0, NOW),
        "5 min of clock skew passes");
  }

  @Test
  void aTombstoneIsJudgedByItsRecordTimestamp() {
    assertEquals(
        DlqReason.INVALID_TIMESTAMP,
        assertThrows(BadInputException.class, () -> guard.check("p1", null, -5, NOW)).reason());
    assertDoesNotThrow(() -> guard.check("p1", null, NOW, NOW));
  }

  @Test
  void aQueryOverItsLimitIsTooLongAndAtItsLimitPasses() {
    assertDoesNotThrow(() -> guard.check("u", search("u", "q".repeat(1_000)), 0, NOW));
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> guard.check("u", search("u", "q".repeat(600_000)), 0, NOW));
    assertEquals(DlqReason.TEXT_TOO_LONG, e.reason());
    assertTrue(
        e.getMessage().length() < 300,
        "the message quotes a bounded prefix: " + e.getMessage().length() + " chars");
  }

  @Test
  void keysAndIdsAreBoundedAt1024Characters() {
    assertDoesNotThrow(() -> guard.check("k".repeat(1024), null, NOW, NOW));
    assertEquals(
        DlqReason.TEXT_TOO_LONG,
        assertThrows(BadInputException.class, () -> guard.check("k".repeat(1025), null, NOW, NOW))
            .reason());
    InteractionEvent i =
        InteractionEvent.newBuilder()
            .setUserId("u")
            .setTargetId("t".repeat(60_000))
            .setTargetType(EntityType.POST)
            .setInteractionType(InteractionType.CLICK)
            .setSurface(Surface.FEED)
            .setEventTime(Instant.ofEpochMilli(NOW))
            .build();
    BadInputException e = assertThrows(BadInputException.class, () -> guard.check("u", i, 0, NOW));
    assertEquals(DlqReason.TEXT_TOO_LONG, e.reason());
    assertTrue(
        e.getMessage().contains("target_id") && e.getMessage().length() < 300, e.getMessage());
  }

  @Test
  void aRecordsTextMustFitHalfTheProducerRequestSize() {
    // (1,048,576 − 16,384) / 2 = 516,096 bytes of strings, key included.
    assertEquals(516_096, guard.maxRecordBytes());
    String key = "p1";
    String author = "a";
    int room =
        516_096
            - key.length()
            - key.length()
            - author.length(); // key, post_id, author_id, then the body
    assertDoesNotThrow(() -> guard.check(key, post(key, "x".repeat(room), NOW), 0, NOW));
    assertEquals(
        DlqReason.TEXT_TOO_LONG,
        assertThrows(
                BadInputException.class,
                () -> guard.check(key, post(key, "x".repeat(room + 1), NOW), 0, NOW))
            .reason());
    // A 1 MB post; and text is counted in UTF-8 bytes: 400,000 × 'é' is 800,000 bytes.
    assertEquals(
        DlqReason.TEXT_TOO_LONG,
        assertThrows(
                BadInputException.class,
                () -> guard.check(key, post(key, "x".repeat(1 << 20), NOW), 0, NOW))
            .reason());
    CommentEvent c =
        CommentEvent.newBuilder()
            .setCommentId("c")
            .setPostId("p")
            .setAuthorId("a")
            .setText("é".repeat(400_000))
            .setEventTime(Instant.ofEpochMilli(NOW))
            .build();
    assertEquals(
        DlqReason.TEXT_TOO_LONG,
        assertThrows(BadInputException.class, () -> guard.check("c", c, 0, NOW)).reason());
  }

  @Test
  void shownQuotesAtMost64Characters() {
    assertEquals("'abc'", InputGuard.shown("abc"));
    assertEquals("'" + "x".repeat(64) + "…' (60000 chars)", InputGuard.shown("x".repeat(60_000)));
  }

  private static PostEvent post(String id, String body, long eventTime) {
    return PostEvent.newBuilder()
        .setPostId(id)
        .setAuthorId("a")
        .setBody(body)
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .build();
  }

  private static SearchQueryEvent search(String user, String query) {
    return SearchQueryEvent.newBuilder()
        .setUserId(user)
        .setQuery(query)
        .setEventTime(Instant.ofEpochMilli(NOW))
        .build();
  }
}
