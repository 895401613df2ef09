package dev.kembed.topology.http;

import dev.kembed.state.window.WindowVector;
import java.util.List;
import java.util.Map;

/**
 * Where {@code GET /users/{id}/vectors} looks a user up. The answer is the user's windows by kind
 * when this instance owns the user's partition, the owner's address when another instance does, or
 * a reason the state cannot be read right now (a rebalance or restore is under way).
 */
public interface UserVectorSource {

  Lookup find(String userId);

  /** The outcome of a lookup. */
  sealed interface Lookup permits Found, NotFound, Elsewhere, Unavailable {}

  /** Windows by kind (ENGAGEMENT, SEARCH_INTENT) of the running model; only kinds the user has. */
  record Found(String modelId, Map<String, List<WindowVector>> windowsByKind) implements Lookup {}

  /** This instance owns the user and has never seen them. */
  record NotFound() implements Lookup {}

  /** Another instance owns the user; {@code host:port} is its {@code application.server}. */
  record Elsewhere(String host, int port) implements Lookup {}

  /** The state is not queryable now; the client should retry. */
  record Unavailable(String reason) implements Lookup {}
}
