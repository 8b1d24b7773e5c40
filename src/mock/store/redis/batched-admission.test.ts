/**
 * Batched admission on the Redis store, against a stand-in for the ADMIT script: a turn's requests go in one call
 * (at most ADMISSION_BATCH each, a full one at once), every request gets its own item, records already held are
 * not sent again, and a failed or garbled call refuses its own requests rather than leaving them waiting.
 */
import { describe, expect, it } from "vitest";
import type { RateLimitWindow } from "../../../policy/policies.js";
import type { ApiKeyRecord, UserRecord } from "../records.js";
import { ADMISSION_BATCH, createRedisAdmission } from "./batched-admission.js";
import { redisKeys } from "./keys.js";

const windows: readonly RateLimitWindow[] = [
  { name: "minute", limit: 60, windowSeconds: 60 },
  { name: "hour", limit: 1000, windowSeconds: 3600 },
];
const NOW = 1_800_000_000_000;

const keyRecord = (id: string): ApiKeyRecord => ({
  id,
  hash: `hash-${id}`,
  name: "k",
  display_hint: "masko_…abcd",
  workspace_id: `ws-${id}`,
  user_id: `user-${id}`,
  created_at: "2026-01-01T00:00:00.000Z",
  revoked_at: null,
});
const userRecord = (id: string): UserRecord => ({
  id: `user-${id}`,
  workspace_id: `ws-${id}`,
  role: "owner",
});

const keys = redisKeys("p:");

/**
 * Requests as the script reads them from a call's keys and arguments: [hash, address, held key id, the workspace
 * the caller expects the key in].
 */
function requestsOf(names: string[], args: (string | number)[]): string[][] {
  const first = 1 + 2 * Number(args[0]);
  const out: string[][] = [];
  for (let i = first, k = 2; i < args.length; i += 4, k += 4) {
    const hash = args[i] === "1" ? (names[k] ?? "").slice(keys.credential("").length) : "";
    const address = args[i + 2] === "1" ? (names[k + 3] ?? "").slice(keys.limiter("").length - 1, -1) : "";
    out.push([hash, address, String(args[i + 3]), String(args[i + 1])]);
  }
  return out;
}

/**
 * A stand-in for ADMIT: every hash `hash-<id>` is an active key `<id>` in workspace `ws-<id>` (records sent unless
 * held under that id; a request expecting another workspace is answered with `ws-<id>`, as the script does),
 * anything else unknown; every request is the first of its windows. Records each call's requests.
 */
function fakeAdmit(calls: string[][][], faults: Record<string, number> = {}) {
  return async (names: string[], args: (string | number)[]) => {
    const requests = requestsOf(names, args);
    calls.push(requests);
    const items = requests.map(([hash, , heldId, expected]) => {
      const id = hash?.startsWith("hash-") ? hash.slice(5) : null;
      if (id === null) return [null, 0, 0, null, 0, false, 1, NOW, 1, NOW, 1];
      if (expected !== `ws-${id}`) return `ws-${id}`;
      const records = heldId === id ? [0, 0] : [keyRecord(id), userRecord(id)];
      return [id, ...records, "personal", 7, false, 1, NOW, 1, NOW, 1];
    });
    return JSON.stringify({ now: NOW, offset: 5, faults, items });
  };
}

describe("batched admission on the Redis store", () => {
  it("sends the requests of one turn in one call, in order, asks again where a key is, and answers each", async () => {
    const calls: string[][][] = [];
    let offset = 0;
    const admission = createRedisAdmission({
      keys,
      run: fakeAdmit(calls, { latency: 30, "op:listJobs": 2 }),
      onClock: (ms) => {
        offset = ms;
      },
    });
    const [a, unknown, b] = await Promise.all([
      admission.admit("hash-a", "addr:1", windows),
      admission.admit(undefined, "addr:2", windows),
      admission.admit("hash-b", "addr:3", windows),
    ]);
    // New keys: the first call finds which workspace each is in, the second reads them there.
    expect(calls).toEqual([
      [
        ["hash-a", "addr:1", "", ""],
        ["", "addr:2", "", ""],
        ["hash-b", "addr:3", "", ""],
      ],
      [
        ["hash-a", "addr:1", "", "ws-a"],
        ["hash-b", "addr:3", "", "ws-b"],
      ],
    ]);
    expect(a.credentials?.key.id).toBe("a");
    expect(a.credentials?.workspace).toEqual({ id: "ws-a", type: "personal", balance: 7 });
    expect(a.credentials?.faults).toEqual({
      latencyMs: 30,
      failNextJobs: 0,
      failOperations: { listJobs: 2 },
    });
    expect(b.credentials?.user.id).toBe("user-b");
    expect(unknown.credentials).toBeUndefined();
    expect(a.decision.allowed).toBe(true);
    expect(a.decision.remaining).toBe(59);
    expect(offset).toBe(5);
  });

  it(`sends a batch the moment it holds ${ADMISSION_BATCH} requests, and the rest when the turn ends`, async () => {
    const calls: string[][][] = [];
    const admission = createRedisAdmission({ keys, run: fakeAdmit(calls), onClock: () => {} });
    const size = 2 * ADMISSION_BATCH + 3;
    const pending = Array.from({ length: size }, (_, i) => admission.admit(`hash-${i}`, "addr:1", windows));
    // Still in the turn that queued them: the full batches are already out, the rest waits.
    expect(calls.map((c) => c.length)).toEqual([ADMISSION_BATCH, ADMISSION_BATCH]);
    const answers = await Promise.all(pending);
    // Each new key is asked again once, with its workspace, in batches of at most ADMISSION_BATCH as well.
    expect(calls.flat()).toHaveLength(2 * size);
    expect(Math.max(...calls.map((c) => c.length))).toBe(ADMISSION_BATCH);
    expect(answers.map((a) => a.credentials?.key.id)).toEqual(Array.from({ length: size }, (_, i) => `${i}`));
  });

  it("names the key id it holds records for, and takes new records when the key under that hash changed", async () => {
    const calls: string[][][] = [];
    const run = fakeAdmit(calls);
    let recreated = false;
    const admission = createRedisAdmission({
      keys,
      // After the first call the key under hash-a is re-created (a new id, so its records are sent again).
      run: async (names, args) => {
        const raw = await run(names, args);
        if (!recreated) return raw;
        const doc = JSON.parse(raw);
        doc.items[0] = [
          "a2",
          { ...keyRecord("a2"), hash: "hash-a" },
          userRecord("a2"),
          "team",
          1,
          true,
          1,
          NOW,
          1,
          NOW,
          1,
        ];
        return JSON.stringify(doc);
      },
      onClock: () => {},
    });
    const first = await admission.admit("hash-a", "addr:1", windows);
    const second = await admission.admit("hash-a", "addr:1", windows);
    expect(calls[2]).toEqual([["hash-a", "addr:1", "a", "ws-a"]]);
    expect(second.credentials?.key).toEqual(first.credentials?.key);
    expect(second.credentials?.user).toEqual(first.credentials?.user);
    recreated = true;
    const third = await admission.admit("hash-a", "addr:1", windows);
    expect(third.credentials?.key.id).toBe("a2");
    expect(third.credentials?.user.id).toBe("user-a2");
    expect(third.credentials?.openJobs).toBe(true);
    await admission.admit("hash-a", "addr:1", windows);
    expect(calls[4]).toEqual([["hash-a", "addr:1", "a2", "ws-a2"]]);
  });

  it("refuses every request of a failed call with its error, and only those", async () => {
    let fail = true;
    const calls: string[][][] = [];
    const ok = fakeAdmit(calls);
    const admission = createRedisAdmission({
      keys,
      run: (names, args) => (fail ? Promise.reject(new Error("redis away")) : ok(names, args)),
      onClock: () => {},
    });
    const failed = await Promise.allSettled([
      admission.admit("hash-a", "addr:1", windows),
      admission.admit("hash-b", "addr:1", windows),
    ]);
    expect(failed.map((r) => r.status === "rejected" && (r.reason as Error).message)).toEqual([
      "redis away",
      "redis away",
    ]);
    fail = false;
    expect((await admission.admit("hash-a", "addr:1", windows)).credentials?.key.id).toBe("a");
  });

  it("refuses the requests of an answer it cannot read instead of leaving them waiting", async () => {
    const admission = createRedisAdmission({ keys, run: async () => "not json", onClock: () => {} });
    await expect(admission.admit("hash-a", "addr:1", windows)).rejects.toThrow(SyntaxError);
  });
});
