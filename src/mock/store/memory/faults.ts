/** Injected faults on the embedded store. */
import { mergeFaults, NO_FAULTS } from "../../rules/faults.js";
import type { FaultStore } from "../store.js";
import type { MemoryState } from "./state.js";

/** The faults part of the embedded store. */
export function memoryFaults(state: MemoryState): FaultStore {
  return {
    async readFaults() {
      return structuredClone(state.faults);
    },
    async writeFaults(change) {
      state.faults = mergeFaults(state.faults, change);
      return structuredClone(state.faults);
    },
    async clearFaults() {
      state.faults = structuredClone(NO_FAULTS);
    },
    async takeJobFailures(n) {
      const taken = Math.min(n, state.faults.failNextJobs);
      state.faults.failNextJobs -= taken;
      return taken;
    },
    async returnJobFailures(n) {
      state.faults.failNextJobs += n;
    },
    async takeOperationFailure(operationId) {
      const left = state.faults.failOperations[operationId] ?? 0;
      if (left <= 0) return false;
      state.faults.failOperations[operationId] = left - 1;
      return true;
    },
  };
}
