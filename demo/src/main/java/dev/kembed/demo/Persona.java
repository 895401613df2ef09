package dev.kembed.demo;

import java.util.List;

/**
 * A simulated neighbour: an id, a one-line description for the report, and the categories they care
 * about, strongest first. Their clicks, comments, posts and searches follow these interests; their
 * impressions (what the feed shows them) do not, which is what makes engagement weighting matter.
 */
public record Persona(String userId, String description, List<Category> interests) {}
