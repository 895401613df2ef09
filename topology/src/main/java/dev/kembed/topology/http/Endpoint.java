package dev.kembed.topology.http;

/**
 * One route of the HTTP API. It returns its answer or throws {@link ApiException} for a 4xx/5xx
 * with a message; anything else it throws becomes a 500 that is logged.
 */
@FunctionalInterface
public interface Endpoint {
  ApiResponse handle(ApiRequest request);
}
