/**
 * Faults injected through the control API: latency, failing jobs, operations answering 500. They live in the
 * store, so on a shared store every instance sees the same faults and each injected failure is used exactly once.
 */

/** The faults in force. */
export interface FaultState {
  /** Added to every Masko API response. */
  latencyMs: number;
  /** The next N accepted jobs fail (and are refunded). */
  failNextJobs: number;
  /** operationId → how many more times it answers 500. */
  failOperations: Record<string, number>;
}

/** No faults. */
export const NO_FAULTS: FaultState = Object.freeze({ latencyMs: 0, failNextJobs: 0, failOperations: {} });

/** `state` with the fields of `change` replaced and its operations merged in. */
export function mergeFaults(state: FaultState, change: Partial<FaultState>): FaultState {
  return {
    latencyMs: change.latencyMs ?? state.latencyMs,
    failNextJobs: change.failNextJobs ?? state.failNextJobs,
    failOperations: { ...state.failOperations, ...change.failOperations },
  };
}
