/** Faults injected through the control API: latency, failing jobs, and operations answering 500. */

/** The faults in force. */
export interface FaultState {
  /** Added to every Masko API response. */
  latencyMs: number;
  /** The next N accepted jobs fail (and are refunded). */
  failNextJobs: number;
  /** operationId → how many more times it answers 500. */
  failOperations: Record<string, number>;
}

/** A mutable fault switchboard. */
export class Faults {
  state: FaultState = { latencyMs: 0, failNextJobs: 0, failOperations: {} };

  /** Replaces the fields given, keeping the others. */
  configure(change: Partial<FaultState>): FaultState {
    this.state = {
      latencyMs: change.latencyMs ?? this.state.latencyMs,
      failNextJobs: change.failNextJobs ?? this.state.failNextJobs,
      failOperations: { ...this.state.failOperations, ...change.failOperations },
    };
    return this.state;
  }

  /** Whether this call of `operationId` must answer 500 (and counts it). */
  takeOperationFailure(operationId: string): boolean {
    const left = this.state.failOperations[operationId] ?? 0;
    if (left <= 0) return false;
    this.state.failOperations[operationId] = left - 1;
    return true;
  }

  /** Whether the next job must fail (and counts it). */
  takeJobFailure(): boolean {
    if (this.state.failNextJobs <= 0) return false;
    this.state.failNextJobs -= 1;
    return true;
  }

  /** No faults. */
  clear(): void {
    this.state = { latencyMs: 0, failNextJobs: 0, failOperations: {} };
  }
}
