/** Workspaces, users and API keys on the embedded store. */
import type { AccountStore } from "../store.js";
import { activeKeysOf, type KeyEntry, type MemoryState } from "./state.js";

/** The accounts-and-keys part of the embedded store. */
export function memoryAccounts(state: MemoryState): AccountStore {
  return {
    async createWorkspace(workspace) {
      state.workspaces.set(workspace.id, { ...workspace });
    },
    async getWorkspace(id) {
      const w = state.workspaces.get(id);
      return w && { ...w };
    },
    async setBalance(workspaceId, balance) {
      const w = state.workspaces.get(workspaceId);
      if (!w) return false;
      w.balance = balance;
      return true;
    },
    async createUser(user) {
      state.users.set(user.id, { ...user });
    },
    async insertApiKey(key, maxActive) {
      const newest = state.newestKey.get(key.workspace_id);
      if (activeKeysOf(newest).length >= maxActive) return "limit_reached";
      // Every field set here, so they live inside the entry rather than in a property store allocated later.
      const entry: KeyEntry = {
        key: { ...key },
        previous: newest,
        limits: undefined,
        user: state.users.get(key.user_id),
        workspace: state.workspaces.get(key.workspace_id),
      };
      state.keysById.set(key.id, entry);
      state.keysByHash.set(key.hash, entry);
      state.newestKey.set(key.workspace_id, entry);
      return "inserted";
    },
    async getApiKey(id) {
      const k = state.keysById.get(id)?.key;
      return k && { ...k };
    },
    async listActiveApiKeys(workspaceId) {
      return activeKeysOf(state.newestKey.get(workspaceId)).map((k) => ({ ...k }));
    },
    async revokeApiKey(id, at) {
      const k = state.keysById.get(id)?.key;
      if (!k || k.revoked_at) return false;
      k.revoked_at = at;
      return true;
    },
  };
}
