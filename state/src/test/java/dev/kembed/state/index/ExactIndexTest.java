package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactIndexTest {
  @Test
  void returnsTheTrueTopKInOrder() {
    try (ExactIndex index = new ExactIndex("m", 2)) {
      index.upsert("east", new float[] {1, 0});
      index.upsert("north-east", new float[] {1, 1});
      index.upsert("north", new float[] {0, 5});
      index.upsert("west", new float[] {-1, 0});
      List<Neighbour> top = index.nearest(new float[] {1, 0.1f}, 3);
      assertEquals(List.of("east", "north-east", "north"), HnswVectorIndexTest.ids(top));
      assertEquals(Math.cos(Math.atan(0.1)), top.get(0).similarity(), 1e-6);
      assertEquals(
          List.of("north-east", "north"), HnswVectorIndexTest.ids(index.nearest("east", 2)));
    }
  }

  @Test
  void upsertReplacesAndRemoveKeepsTheOthersReachable() {
    try (ExactIndex index = new ExactIndex("m", 2)) {
      index.upsert("a", new float[] {1, 0});
      index.upsert("b", new float[] {0, 1});
      index.upsert("c", new float[] {-1, 0});
      index.upsert("a", new float[] {0, -1});
      assertEquals("c", index.nearest(new float[] {-1, 0.01f}, 1).get(0).id());
      assertEquals("a", index.nearest(new float[] {0, -1}, 1).get(0).id());
      assertTrue(index.remove("a")); // swaps "c" into a's slot
      assertFalse(index.remove("a"));
      assertEquals(2, index.size());
      assertEquals("c", index.nearest(new float[] {-1, 0}, 1).get(0).id());
      assertEquals(List.of("b"), HnswVectorIndexTest.ids(index.nearest("c", 5)));
      assertThrows(IllegalArgumentException.class, () -> index.upsert("x", new float[] {0, 0}));
    }
  }
}
