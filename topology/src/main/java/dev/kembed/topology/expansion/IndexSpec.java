package dev.kembed.topology.expansion;

import dev.kembed.schemas.EntityType;
import java.util.Set;

/** A named in-memory index and the entity types of {@code content-embeddings} it holds. */
record IndexSpec(String name, Set<EntityType> types) {}
