/** The default, embedded store: the six parts over one shared state (state.ts says why each step is atomic). */
import type { Store } from "../store.js";
import { memoryAccounts } from "./accounts.js";
import { memoryAdmission } from "./admission.js";
import { memoryDeliveries } from "./deliveries.js";
import { memoryFaults } from "./faults.js";
import { memoryJobs } from "./jobs.js";
import { memoryResources } from "./resources.js";
import { MemoryState } from "./state.js";

/** Creates an empty in-memory store. */
export function createMemoryStore(): Store {
  const state = new MemoryState();
  return {
    async reset() {
      // Every map replaced in place: the parts hold this one state object.
      Object.assign(state, new MemoryState());
    },
    async dump() {
      const tables = Object.fromEntries([...state.resources].map(([kind, t]) => [kind, [...t.values()]]));
      return JSON.stringify({
        workspaces: [...state.workspaces.values()],
        users: [...state.users.values()],
        keys: [...state.keysById.values()].map((entry) => entry.key),
        limits: [
          ...[...state.keysById.values()].flatMap((e) => (e.limits ? [[`key:${e.key.id}`, e.limits]] : [])),
          ...state.addressLimits,
          ...state.olderAddressLimits,
        ],
        tables,
      });
    },
    ...memoryAdmission(state),
    ...memoryAccounts(state),
    ...memoryResources(state),
    ...memoryJobs(state),
    ...memoryFaults(state),
    ...memoryDeliveries(state),
  };
}
