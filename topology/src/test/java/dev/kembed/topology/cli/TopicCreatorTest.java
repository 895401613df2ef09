package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.topology.config.KembedConfig;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicCreatorTest {
  @Test
  void everyTopicWithConfiguredPartitionsAndOnlyKeyedStateCompacted() {
    KembedConfig c =
        new KembedConfig(
            Map.of(
                KembedConfig.TOPICS_PARTITIONS,
                "12",
                KembedConfig.TOPICS_REPLICATION_FACTOR,
                "3",
                KembedConfig.TOPIC_POSTS,
                "prod.posts"));
    Map<String, NewTopic> plan =
        TopicCreator.plan(c).stream().collect(Collectors.toMap(NewTopic::name, t -> t));
    assertEquals(10, plan.size());
    assertTrue(plan.containsKey("prod.posts"), "configured names are used");
    plan.values()
        .forEach(
            t -> {
              assertEquals(12, t.numPartitions());
              assertEquals(3, t.replicationFactor());
            });
    Map<String, String> policies =
        plan.values().stream()
            .collect(Collectors.toMap(NewTopic::name, t -> t.configs().get("cleanup.policy")));
    assertEquals("compact", policies.get("content-embeddings"));
    assertEquals("compact", policies.get("user-vectors"));
    policies.forEach(
        (name, policy) -> {
          if (!name.equals("content-embeddings") && !name.equals("user-vectors")) {
            assertEquals("delete", policy, name);
          }
        });
  }

  @Test
  void extraTopicConfigsApplyToEveryTopicButNeverOverrideCompaction() {
    var plan =
        TopicCreator.plan(
            new KembedConfig(Map.of()), Map.of("retention.ms", "-1", "cleanup.policy", "delete"));
    plan.forEach(t -> assertEquals("-1", t.configs().get("retention.ms")));
    assertEquals(
        "compact",
        plan.stream()
            .filter(t -> t.name().equals("content-embeddings"))
            .findFirst()
            .orElseThrow()
            .configs()
            .get("cleanup.policy"));
  }
}
