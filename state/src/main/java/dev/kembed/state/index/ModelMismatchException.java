package dev.kembed.state.index;

/**
 * Thrown when a vector from one embedding model is offered to an index built for another. The
 * caller must start a new index for the new model (and backfill it) rather than mix the two.
 */
public final class ModelMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ModelMismatchException(String indexModelId, String offeredModelId) {
    super(
        "index holds vectors of model '"
            + indexModelId
            + "', not '"
            + offeredModelId
            + "'; start a new index for the new model");
  }
}
