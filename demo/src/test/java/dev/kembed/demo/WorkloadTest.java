package dev.kembed.demo;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.serde.NaturalJson;
import dev.kembed.topology.cli.InputType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void theSameSeedTellsTheSameStory() {
    List<String> a =
        Workload.generate(7, 20, 60, 500, 0.1, true).events().stream()
            .map(WorkloadTest::describe)
            .toList();
    List<String> b =
        Workload.generate(7, 20, 60, 500, 0.1, true).events().stream()
            .map(WorkloadTest::describe)
            .toList();
    List<String> c =
        Workload.generate(8, 20, 60, 500, 0.1, true).events().stream()
            .map(WorkloadTest::describe)
            .toList();
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void clicksFollowInterestsButImpressionsDoNot() {
    Workload w = Workload.generate(42, 40, 240, 3000, 0, false);
    Map<String, Persona> personas =
        w.personas().stream().collect(Collectors.toMap(Persona::userId, p -> p));
    long clicks = 0, clicksOnInterest = 0, impressions = 0, impressionsOnInterest = 0;
    for (DemoEvent e : w.events()) {
      if (e.value() instanceof InteractionEvent i
          && w.postCategories().containsKey(i.getTargetId())) {
        boolean onInterest =
            personas
                .get(i.getUserId())
                .interests()
                .contains(w.postCategories().get(i.getTargetId()));
        if (i.getInteractionType() == InteractionType.CLICK) {
          clicks++;
          clicksOnInterest += onInterest ? 1 : 0;
        } else if (i.getInteractionType() == InteractionType.IMPRESSION) {
          impressions++;
          impressionsOnInterest += onInterest ? 1 : 0;
        }
      }
    }
    assertTrue(
        clicksOnInterest > 0.85 * clicks,
        clicksOnInterest + " of " + clicks + " clicks on the user's interests");
    assertTrue(
        impressionsOnInterest < 0.5 * impressions,
        impressionsOnInterest + " of " + impressions + " impressions on the user's interests");
  }

  @Test
  void searchesRepeatAndSomeHaveTypos() {
    Workload w = Workload.generate(42, 40, 240, 3000, 0, false);
    List<String> queries =
        w.events().stream()
            .filter(e -> e.value() instanceof SearchQueryEvent)
            .map(e -> ((SearchQueryEvent) e.value()).getQuery())
            .toList();
    assertTrue(queries.size() > 200);
    assertTrue(queries.stream().distinct().count() < queries.size(), "repeats");
    var known =
        java.util.Arrays.stream(Category.values())
            .flatMap(c -> c.queries().stream())
            .collect(Collectors.toSet());
    assertTrue(
        queries.stream().anyMatch(q -> !known.contains(q) && !q.equals("lost labrador near river")),
        "typos");
  }

  @Test
  void everyGoodEventDecodesWithTheProjectSerdesInBothFormats() {
    Workload w = Workload.generate(3, 10, 30, 300, 0.5, true);
    for (DemoEvent e : w.events()) {
      if (e.poison() != null) {
        continue;
      }
      @SuppressWarnings("unchecked")
      var serde =
          (dev.kembed.schemas.serde.AvroSerde<SpecificRecord>)
              KembedSerdes.of(e.type().recordClass());
      byte[] bytes =
          e.asJson() ? NaturalJson.bytes(e.value()) : serde.serializer().serialize("t", e.value());
      assertEquals(e.value(), serde.deserializer().deserialize("t", bytes));
    }
    assertEquals(7, w.events().stream().filter(e -> e.poison() != null).count());
    assertTrue(w.postCategories().containsKey(Workload.LOST_DOG_POST));
    assertEquals(Category.FOR_SALE, w.postCategories().get(Workload.COUCH_POST));
  }

  private static String describe(DemoEvent e) {
    return e.type()
        + "|"
        + e.key()
        + "|"
        + e.eventTime()
        + "|"
        + e.asJson()
        + "|"
        + (e.value() == null ? new String(e.raw()) : e.value().toString());
  }

  @Test
  void inputTypesKnowTheirTopicsAndKeys() {
    assertEquals("post_id", InputType.POST.keyField());
    assertEquals(InputType.SEARCH_QUERY, InputType.parse("search-query"));
  }
}
