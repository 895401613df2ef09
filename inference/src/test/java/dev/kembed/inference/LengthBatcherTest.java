package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBatcherTest {

  @Test
  void groupsByLengthAndCoversEveryPositionOnce() {
    long[][] ids = {new long[9], new long[2], new long[5], new long[2], new long[7]};
    List<int[]> batches = LengthBatcher.plan(ids, 2);
    assertEquals(3, batches.size());
    assertArrayEquals(new int[] {1, 3}, batches.get(0));
    assertArrayEquals(new int[] {2, 4}, batches.get(1));
    assertArrayEquals(new int[] {0}, batches.get(2));
    int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, all);
  }
}
