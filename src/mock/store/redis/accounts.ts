/** Workspaces, users and API keys on the Redis store (the key cap and revocation are Lua: record-scripts.ts). */
import type { ApiKeyRecord, WorkspaceRecord } from "../records.js";
import type { AccountStore } from "../store.js";
import { parse, type RedisContext, readAll } from "./context.js";

/** The accounts-and-keys part of the Redis store. */
export function redisAccounts({ redis, guard, keys }: RedisContext): AccountStore {
  return {
    createWorkspace: (w) =>
      guard(async () => void (await redis.hset(keys.workspace(w.id), { type: w.type, balance: w.balance }))),
    getWorkspace: (id) =>
      guard(async () => {
        const [type, balance] = await redis.hmget(keys.workspace(id), "type", "balance");
        return type ? { id, type: type as WorkspaceRecord["type"], balance: Number(balance) } : undefined;
      }),
    setBalance: (workspaceId, balance) =>
      guard(async () => {
        if (!(await redis.exists(keys.workspace(workspaceId)))) return false;
        await redis.hset(keys.workspace(workspaceId), "balance", balance);
        return true;
      }),
    createUser: (user) => guard(async () => void (await redis.set(keys.user(user.id), JSON.stringify(user)))),
    insertApiKey: (key, maxActive) =>
      guard(async () => {
        const inserted = await redis.insertKey(
          keys.activeKeyCount(key.workspace_id),
          keys.apiKey(key.id),
          keys.credential(key.hash),
          keys.credentialRecords(key.hash),
          keys.workspaceKeys(key.workspace_id),
          keys.sequence,
          keys.user(key.user_id),
          keys.workspace(key.workspace_id),
          maxActive,
          JSON.stringify(key),
          key.id,
          key.workspace_id,
        );
        return inserted === 1 ? "inserted" : "limit_reached";
      }),
    getApiKey: (id) => guard(async () => parse<ApiKeyRecord>(await redis.get(keys.apiKey(id)))),
    listActiveApiKeys: (workspaceId) =>
      guard(async () => {
        const ids = await redis.zrevrange(keys.workspaceKeys(workspaceId), "0", "-1");
        const found = await readAll<ApiKeyRecord>(redis, ids.map(keys.apiKey));
        return found.filter((k) => !k.revoked_at);
      }),
    revokeApiKey: (id, at) =>
      guard(async () => {
        const key = parse<ApiKeyRecord>(await redis.get(keys.apiKey(id)));
        if (!key) return false;
        const revoked = await redis.revokeKey(
          keys.apiKey(id),
          keys.activeKeyCount(key.workspace_id),
          keys.credential(key.hash),
          keys.credentialRecords(key.hash),
          at,
        );
        return revoked === 1;
      }),
  };
}
