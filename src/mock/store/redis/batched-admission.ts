/**
 * Admission on the Redis store, batched: the requests that reach the gate in one event-loop turn go to Redis in
 * ADMIT script calls of up to ADMISSION_BATCH requests: each as soon as it is full, the rest once the turn's reads
 * are done (`setImmediate`), the way the Node server writes a turn's answers together. Each request is still read
 * and counted on its own, in order, inside the one atomic script; what the batch saves is the per-call cost on
 * both sides (a command, a wake-up of the other process, a reply to decode) that dominated a request's cost on the
 * Redis store.
 *
 * The key and user records of a key never change while it is active (revoking deletes its credential), so the
 * caller keeps the ones it has seen, by key hash, and the script leaves them out of its answer when the key id
 * it finds is the one held: a key re-created under the same hash has a new id and is sent again.
 */
import type { RateLimitWindow } from "../../../policy/policies.js";
import type { FaultState } from "../../rules/faults.js";
import { type RateLimitDecision, summarizeRateLimit } from "../../rules/rate-limit.js";
import type { ApiKeyRecord, UserRecord, WorkspaceRecord } from "../records.js";
import type { Admitted, Credentials } from "../store.js";
import type { RedisKeys } from "./keys.js";

/**
 * Requests per script call at most. A batch is sent the moment it is full, so Redis starts on it while the rest of
 * the turn is still being read (in A/B runs 8 answered 7–10 % more requests a second than 16 or more sent at the
 * end of the turn, and more than 4 or 6); what is left is sent when the turn's reads are done.
 */
export const ADMISSION_BATCH = 8;
/** Key hashes whose records are kept (oldest dropped first); past it, records are simply sent again. */
export const HELD_RECORDS = 10_000;

/** How many times one request may be sent back to ask again (a key re-made in another workspace meanwhile). */
const MAX_MOVES = 3;
/** Where an ADMIT item's limiter counters start: after keyId, key, user, type, balance, openJobs, allowed. */
const COUNTERS_AT = 7;

/** What ADMIT answers (see limiter-scripts.ts). */
interface AdmitDocument {
  now: number;
  offset: number;
  faults: Record<string, number>;
  /**
   * [keyId, key | 0, user | 0, type, balance, openJobs, allowed, start_1, count_1, ...], or the workspace the key is
   * in when the request expected another.
   */
  items: Array<
    | [
        string | null,
        ApiKeyRecord | 0,
        UserRecord | 0,
        WorkspaceRecord["type"] | null,
        number,
        boolean,
        0 | 1,
        ...number[],
      ]
    | string
  >;
}

/** A key's records as the caller keeps them. */
type HeldRecords = { key: ApiKeyRecord; user: UserRecord };

interface Waiting {
  hash: string;
  address: string;
  /** The workspace the key was last found in (an ADMIT answer said so), when no records are held. */
  expected: string | undefined;
  /** How many times ADMIT sent it back to be asked again with another workspace. */
  moves: number;
  /** The records held for this hash when the request was sent (the script leaves them out if still current). */
  held: HeldRecords | undefined;
  resolve(admitted: Admitted): void;
  reject(error: unknown): void;
}

/** Fault fields in the shared `faults` hash: `latency`, `next_jobs`, `op:<operationId>`. */
export function faultsFromFields(fields: Iterable<[string, number]>): FaultState {
  const faults: FaultState = { latencyMs: 0, failNextJobs: 0, failOperations: {} };
  for (const [field, value] of fields) {
    if (field === "latency") faults.latencyMs = value;
    else if (field === "next_jobs") faults.failNextJobs = value;
    else if (field.startsWith("op:")) faults.failOperations[field.slice(3)] = value;
  }
  return faults;
}

/** The limiter scripts' arguments: limit_1, windowMs_1, limit_2, windowMs_2, ... (made once per policy). */
const LIMITER_ARGS = new WeakMap<readonly RateLimitWindow[], number[]>();
export function limiterArgs(windows: readonly RateLimitWindow[]): number[] {
  let args = LIMITER_ARGS.get(windows);
  if (!args) {
    args = windows.flatMap((w) => [w.limit, w.windowSeconds * 1000]);
    LIMITER_ARGS.set(windows, args);
  }
  return args;
}

/** The limiter's decision from an item's counters (start -1: no window open) at `from`. */
export function decisionFrom(
  allowed: boolean,
  counters: readonly number[],
  from: number,
  windows: readonly RateLimitWindow[],
  nowMs: number,
): RateLimitDecision {
  const flat = new Array<number>(2 * windows.length);
  for (let i = 0; i < windows.length; i++) {
    const start = counters[from + 2 * i] as number;
    flat[2 * i] = start < 0 ? nowMs : start;
    flat[2 * i + 1] = start < 0 ? 0 : (counters[from + 2 * i + 1] as number);
  }
  return summarizeRateLimit(allowed, flat, windows, nowMs);
}

/**
 * One request's answer from its item of ADMIT's document: its caller (from the records the script sent, else from
 * the ones this instance held and the script confirmed) and the rate-limit decision. `fresh` is set when the script
 * sent the records, to be held for the next request with the same key.
 */
function admittedFrom(
  item: Exclude<AdmitDocument["items"][number], string>,
  held: HeldRecords | undefined,
  faults: Credentials["faults"],
  windows: readonly RateLimitWindow[],
  nowMs: number,
): { admitted: Admitted; fresh: HeldRecords | undefined } {
  const [keyId, key, user, type, balance, openJobs, allowed] = item;
  const fresh = keyId !== null && key !== 0 && user !== 0 ? { key, user } : undefined;
  const records = fresh ?? (keyId === null ? undefined : held);
  const credentials: Credentials | undefined =
    records && type
      ? {
          key: records.key,
          user: records.user,
          workspace: { id: records.key.workspace_id, type, balance },
          openJobs,
          faults,
        }
      : undefined;
  const decision = decisionFrom(allowed === 1, item as unknown as number[], COUNTERS_AT, windows, nowMs);
  return { admitted: { credentials, decision }, fresh };
}

/** ADMIT's KEYS and ARGV for a batch (limiter-scripts.ts): every name it touches, none left for it to build. */
function admitArguments(batch: readonly Waiting[], windows: readonly RateLimitWindow[], keys: RedisKeys) {
  const names: string[] = [keys.clockOffset, keys.faults];
  const args: (string | number)[] = [windows.length, ...limiterArgs(windows)];
  // A request without a key (or an address) passes the clock offset's name in its place: same slot, never read.
  const none = keys.clockOffset;
  for (const { hash, address, held, expected } of batch) {
    const ws = held?.key.workspace_id ?? expected ?? "";
    names.push(
      hash ? keys.credential(hash) : none,
      hash && ws ? keys.workspace(ws) : none,
      hash ? keys.credentialRecords(hash) : none,
      address ? keys.limiter(address) : none,
    );
    args.push(hash ? "1" : "", ws, address ? "1" : "", held?.key.id ?? "");
  }
  return { names, args };
}

/**
 * A queue of requests by the windows they are counted against (one policy: one entry), handed to `send` the moment
 * it holds ADMISSION_BATCH, the rest once the turn's reads are done.
 */
function turnQueue(send: (batch: Waiting[], windows: readonly RateLimitWindow[]) => void) {
  const waiting = new Map<readonly RateLimitWindow[], Waiting[]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const [windows, requests] of waiting) send(requests, windows);
    waiting.clear();
  };
  return (request: Waiting, windows: readonly RateLimitWindow[]) => {
    const queue = waiting.get(windows);
    if (!queue) waiting.set(windows, [request]);
    else if (queue.push(request) === ADMISSION_BATCH) {
      waiting.delete(windows);
      send(queue, windows);
      return;
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

/**
 * Batched admission over `run`, which calls ADMIT with its arguments and returns its answer (rejecting when Redis
 * is unavailable: then every request of the batch is refused with that error). `onClock` receives the shared clock
 * offset each answer carries.
 */
export function createRedisAdmission(options: {
  keys: RedisKeys;
  run(keys: string[], args: (string | number)[]): Promise<string>;
  onClock(offsetMs: number): void;
}) {
  const { keys } = options;
  const held = new Map<string, HeldRecords>();

  const enqueue = turnQueue((batch, windows) => send(batch, windows));
  const hold = (hash: string, records: HeldRecords) => {
    if (held.size >= HELD_RECORDS) held.delete(held.keys().next().value as string);
    held.set(hash, records);
  };

  const answer = (batch: Waiting[], windows: readonly RateLimitWindow[], raw: string) => {
    const doc = JSON.parse(raw) as AdmitDocument;
    options.onClock(doc.offset);
    // One view of the faults for the whole batch, read in the same atomic step; readers never change it.
    const faults = faultsFromFields(Object.entries(doc.faults));
    for (const [n, request] of batch.entries()) {
      const item = doc.items[n] as AdmitDocument["items"][number];
      if (typeof item === "string") askAgain(request, item, windows);
      else {
        const { admitted, fresh } = admittedFrom(item, request.held, faults, windows, doc.now);
        if (fresh) hold(request.hash, fresh);
        request.resolve(admitted);
      }
    }
  };

  /** The key is in workspace `ws`, not where this instance thought (a reset re-made it): asked again there. */
  const askAgain = (request: Waiting, ws: string, windows: readonly RateLimitWindow[]) => {
    held.delete(request.hash);
    request.expected = ws;
    if (++request.moves > MAX_MOVES) request.reject(new Error("the key keeps moving between workspaces"));
    else enqueue(request, windows);
  };

  const send = (batch: Waiting[], windows: readonly RateLimitWindow[]): void => {
    for (const request of batch) request.held = request.hash ? held.get(request.hash) : undefined;
    const { names, args } = admitArguments(batch, windows, keys);
    // A request already answered ignores the rejection: only the ones left (if decoding failed) are refused.
    options
      .run(names, args)
      .then((raw) => answer(batch, windows, raw))
      .catch((error: unknown) => {
        for (const request of batch) request.reject(error);
      });
  };

  return {
    /** Reads `hash`'s caller and counts the request against its key's windows (or `address`'s). */
    admit(hash: string | undefined, address: string, windows: readonly RateLimitWindow[]): Promise<Admitted> {
      return new Promise<Admitted>((resolve, reject) => {
        const request = { hash: hash ?? "", address, moves: 0, resolve, reject };
        enqueue({ ...request, expected: undefined, held: undefined }, windows);
      });
    },
    /** Forgets the records held (the store was reset). */
    forget(): void {
      held.clear();
    },
  };
}
