/** The embedded fleet: sandbox records, key registrations and one memory store per sandbox, in maps. */
import type { SandboxRecord } from "../../rules/sandboxes.js";
import type { FleetStore } from "../fleet-store.js";
import type { Store } from "../store.js";
import { createMemoryStore } from "./index.js";

/** An empty in-memory fleet (the default sandbox's store is separate, the simulator's own). */
export function createMemoryFleet(): FleetStore {
  const sandboxes = new Map<string, { record: SandboxRecord; store: Store; keys: Set<string> }>();
  const keyOwners = new Map<string, string>();
  return {
    shared: false,
    async createSandbox(record) {
      sandboxes.set(record.id, { record: { ...record }, store: createMemoryStore(), keys: new Set() });
    },
    async getSandbox(id) {
      const found = sandboxes.get(id);
      return found ? { ...found.record } : undefined;
    },
    async listSandboxes() {
      return [...sandboxes.values()].map((s) => ({ ...s.record }));
    },
    async countSandboxes() {
      return sandboxes.size;
    },
    async touchSandbox(id, expiresAtMs) {
      const found = sandboxes.get(id);
      if (found) found.record.expiresAtMs = expiresAtMs;
      return found !== undefined;
    },
    async expiredSandboxes(nowMs, max) {
      const out: string[] = [];
      for (const { record } of sandboxes.values()) {
        if (out.length >= max) break;
        if (nowMs >= record.expiresAtMs) out.push(record.id);
      }
      return out;
    },
    async registerKey(hash, id) {
      const found = sandboxes.get(id);
      if (!found) return;
      keyOwners.set(hash, id);
      found.keys.add(hash);
    },
    async sandboxOfKey(hash) {
      return keyOwners.get(hash);
    },
    sandboxStore(id) {
      const found = sandboxes.get(id);
      if (!found) throw new Error(`no sandbox ${id}`);
      return found.store;
    },
    async dropSandbox(id) {
      const found = sandboxes.get(id);
      if (!found) return;
      for (const hash of found.keys) keyOwners.delete(hash);
      sandboxes.delete(id);
    },
  };
}
