/** The store could not be reached or failed mid-call; the simulator answers 503 and writes nothing. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}
