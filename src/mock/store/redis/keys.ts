/**
 * The Redis store's key layout: every key name, one function each, all under one prefix (several simulators share a
 * server by prefix). The Lua scripts get every name they touch in KEYS, from these functions (none is built inside a
 * script, so each call stays in one cluster hash slot); the
 * store conformance suite checks that every key a full run leaves behind matches one of LAYOUT's patterns.
 */
import type { ResourceKind } from "../records.js";

/** Every key, as a pattern (`{…}` stands for an id): what a reader of `redis-cli --scan` will find. */
export const LAYOUT = {
  workspace: "ws:{workspace}",
  activeKeyCount: "ws:{workspace}:active",
  workspaceKeys: "ws:{workspace}:keys",
  apiKey: "key:{key}",
  credential: "cred:{hash}",
  credentialRecords: "cred-records:{hash}",
  user: "user:{user}",
  sequence: "seq",
  resource: "res:{kind}:{id}",
  resourceIndex: "idx:{kind}:{workspace}",
  openJobs: "open:{workspace}",
  assetPath: "asset-path:{path}",
  dueJobs: "due:jobs",
  clockOffset: "clock:offset",
  faults: "faults",
  delivery: "delivery:{delivery}",
  deliveriesDue: "deliveries:due",
  deliveriesAll: "deliveries:all",
  limiter: "rl:{{identity}}",
} as const;

/**
 * The prefix a store's keys are written under: `prefix` itself, except on a cluster when it carries no hash tag —
 * then `{default}:` follows it, so that every key of the store is in one slot (a sandbox's prefix carries its id).
 */
export function storePrefix(prefix: string, cluster: boolean): string {
  return cluster && !/\{[^}]+\}/.test(prefix) ? `${prefix}{default}:` : prefix;
}

/** The key names under `prefix`. */
export function redisKeys(prefix: string) {
  const P = prefix;
  return {
    prefix: P,
    /** Matches every key of this store (SCAN … MATCH); never the fleet's keys (`${P}~…`, fleetKeys below). */
    everything: `${P}[^~]*`,
    workspace: (id: string) => `${P}ws:${id}`,
    activeKeyCount: (workspaceId: string) => `${P}ws:${workspaceId}:active`,
    workspaceKeys: (workspaceId: string) => `${P}ws:${workspaceId}:keys`,
    apiKey: (id: string) => `${P}key:${id}`,
    credential: (hash: string) => `${P}cred:${hash}`,
    credentialRecords: (hash: string) => `${P}cred-records:${hash}`,
    user: (id: string) => `${P}user:${id}`,
    sequence: `${P}seq`,
    resource: (kind: ResourceKind, id: string) => `${P}res:${kind}:${id}`,
    resourceIndex: (kind: ResourceKind, workspaceId: string) => `${P}idx:${kind}:${workspaceId}`,
    openJobs: (workspaceId: string) => `${P}open:${workspaceId}`,
    assetPath: (path: string) => `${P}asset-path:${path}`,
    dueJobs: `${P}due:jobs`,
    clockOffset: `${P}clock:offset`,
    faults: `${P}faults`,
    delivery: (id: string) => `${P}delivery:${id}`,
    deliveriesDue: `${P}deliveries:due`,
    deliveriesAll: `${P}deliveries:all`,
    /** One identity's limiter hash; the braces make it one cluster hash slot. */
    limiter: (identity: string) => `${P}rl:{${identity}}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** Whether `key` (with `prefix`) is one of LAYOUT's names. */
export function inLayout(prefix: string, key: string): boolean {
  if (!key.startsWith(prefix)) return false;
  const name = key.slice(prefix.length);
  return Object.values(LAYOUT).some((pattern) => {
    const source = pattern
      .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
      .replace(/\{\{[a-z]+\}\}/g, "\\{.+\\}")
      .replace(/\{[a-z]+\}/g, ".+");
    return new RegExp(`^${source}$`).test(name);
  });
}

/**
 * The fleet's keys under `prefix` (the default store's prefix): they begin with `~`, which no key of a store
 * does, so the default store's scans never see them. Everything of one sandbox carries its id as the cluster hash
 * tag (`{sb_…}`): its store's keys (`~{id}:…`, a store prefix of their own), its record and its registered keys
 * (`~{id}~…`, outside that store's prefix, so its reset keeps them). Only the key → sandbox registrations, the index
 * of sandboxes and the due-work shards live elsewhere.
 */
export const FLEET_LAYOUT = {
  sandboxStore: "~{{sandbox}}:…",
  sandboxRecord: "~{{sandbox}}~record",
  sandboxKeys: "~{{sandbox}}~keys",
  keyOwner: "~key:{hash}",
  sandboxes: "~sandboxes",
  dueShard: "~due:{{shard}}",
  dueLease: "~due-lease:{{shard}}",
} as const;

/** The fleet's key names under `prefix`. */
export function fleetKeys(prefix: string) {
  const P = prefix;
  return {
    /** The store prefix of sandbox `id`. */
    sandboxStore: (id: string) => `${P}~{${id}}:`,
    /** Matches every key of a sandbox, its store's and the fleet's own (SCAN … MATCH). */
    sandboxEverything: (id: string) => `${P}~{${id}}[:~]*`,
    sandboxRecord: (id: string) => `${P}~{${id}}~record`,
    sandboxKeys: (id: string) => `${P}~{${id}}~keys`,
    keyOwner: (hash: string) => `${P}~key:${hash}`,
    sandboxes: `${P}~sandboxes`,
    /** Matches every key of the fleet and of every sandbox. */
    everything: `${P}~*`,
    dueShard: (shard: number) => `${P}~due:{${shard}}`,
    dueLease: (shard: number) => `${P}~due-lease:{${shard}}`,
  };
}
