/**
 * How the contract suite lives within a target's rate limits: before each request it waits for the window's reset
 * when the key's last answer left nothing (`X-RateLimit-Remaining` 0), and it waits out a 429 as long as it asks
 * (`Retry-After`, else the reset) — never past the run's deadline (`--max-duration`). The rules are the typed
 * client's (src/client/rate-limit-state.ts). Each key's last state and every request and wait go to a small
 * journal file, so test files run one after another share what the previous one learnt and the test command can
 * print the run's pacing figures at the end. Keys appear there only as a short hash. With `--keys N` the test
 * command creates N − 1 more keys of the target's workspace (MASKO_CONTRACT_POOL_KEYS); a request on the run's own
 * key then goes out on whichever key of the pool has room, and waits only when every one is spent.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import {
  type RateLimitState,
  readRateLimitState,
  retryDelayMs,
  waitBeforeSendingMs,
} from "../../src/client/rate-limit-state.js";
import { policies } from "../../src/policy/policies.js";

/** One line of the pacing journal. */
export type PacingEntry =
  | { kind: "request"; key: string; at: number; status: number; state?: RateLimitState }
  | { kind: "wait"; key: string; at: number; ms: number; reason: "rate_limited" | "quota_exhausted" };

const journalFile = process.env.MASKO_CONTRACT_PACING_FILE;
/** The extra keys the test command created for this run (never written anywhere but this variable). */
const poolKeys = (process.env.MASKO_CONTRACT_POOL_KEYS ?? "").split(",").filter(Boolean);
const deadline = Number(process.env.MASKO_CONTRACT_DEADLINE ?? Number.POSITIVE_INFINITY);
/** Without a journal (a suite run by hand) the states live in this process only. */
const local = new Map<string, RateLimitState>();

/** A key as the journal names it: never the key itself. */
export const keyTag = (key: string | null | undefined) =>
  key ? createHash("sha256").update(key).digest("hex").slice(0, 12) : "none";

/** Every entry of a journal file. */
export function readJournal(file: string): PacingEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PacingEntry);
}

function record(entry: PacingEntry) {
  if (entry.kind === "request" && entry.state) local.set(entry.key, entry.state);
  if (journalFile) appendFileSync(journalFile, `${JSON.stringify(entry)}\n`);
}

/** Every key's last known state, by tag: from the journal (other test files included), else this process's. */
function lastStates(): ReadonlyMap<string, RateLimitState> {
  if (!journalFile) return local;
  const states = new Map<string, RateLimitState>();
  for (const e of readJournal(journalFile)) if (e.kind === "request" && e.state) states.set(e.key, e.state);
  return states;
}

/** The window a wait of `ms` is for, by the spec's window lengths. */
function windowFor(ms: number, body: unknown): string {
  const named = (body as { error?: { window?: unknown } } | undefined)?.error?.window;
  if (typeof named === "string") return named;
  const windows = [...policies.rateLimits.windows].sort((a, b) => a.windowSeconds - b.windowSeconds);
  return (windows.find((w) => ms <= (w.windowSeconds + 1) * 1000) ?? windows.at(-1))?.name ?? "rate-limit";
}

/** Waits `ms`, printing what for and, every 15 s, how much is left. */
async function wait(
  ms: number,
  why: string,
  tag: string,
  reason: "rate_limited" | "quota_exhausted",
  which = "key 1 of 1",
) {
  const left = deadline - Date.now();
  if (ms > left) {
    throw new Error(
      `the target asks for a ${Math.ceil(ms / 1000)} s wait (${why}) but --max-duration leaves ${Math.max(0, Math.floor(left / 1000))} s`,
    );
  }
  record({ kind: "wait", key: tag, at: Date.now(), ms, reason });
  const until = Date.now() + ms;
  console.warn(`pacing: waiting ${Math.ceil(ms / 1000)} s ${why}, ${which}`);
  while (Date.now() < until) {
    await new Promise((done) => setTimeout(done, Math.min(15_000, until - Date.now())));
    const rest = until - Date.now();
    if (rest > 1000) console.warn(`pacing: ${Math.ceil(rest / 1000)} s left ${why}`);
  }
}

/**
 * The key a request on `key` goes out on: `key` itself, or — for the run's own key with a pool — the key of the pool
 * with the most left in its window (one not used yet counts as full; when all are spent, the one that resets
 * first), with its place for the progress line. Spreading evenly keeps every key of the pool usable to the end.
 */
function chooseKey(key: string, pooled: boolean): { key: string; which: string; wait: number } {
  const pool = pooled ? [key, ...poolKeys] : [key];
  const states = lastStates();
  const now = Date.now();
  let best = { key, index: 0, wait: Number.POSITIVE_INFINITY, left: -1 };
  for (const [index, candidate] of pool.entries()) {
    const state = states.get(keyTag(candidate));
    const wait = waitBeforeSendingMs(state, now);
    const left = state ? state.remaining : Number.POSITIVE_INFINITY;
    if (wait < best.wait || (wait === 0 && left > best.left)) best = { key: candidate, index, wait, left };
  }
  return { key: best.key, which: `key ${best.index + 1} of ${pool.length}`, wait: best.wait };
}

/**
 * Sends one request with `send`, paced for `key`: waits before it when the key's window is spent (with a pool:
 * when every key's is), and waits out every 429 and sends it again until it is answered otherwise (or the deadline
 * would pass: then it throws). `pooled` lets the request go out on another key of the pool.
 */
export async function paced<A extends { status: number; headers: Headers; body: unknown }>(
  key: string | null | undefined,
  send: (key: string | null | undefined) => Promise<A>,
  pooled = false,
): Promise<A> {
  const chosen = key ? chooseKey(key, pooled && poolKeys.length > 0) : { key, which: "no key", wait: 0 };
  const tag = keyTag(chosen.key);
  if (chosen.wait > 0) {
    const ms = chosen.wait;
    await wait(ms, `for the ${windowFor(ms, undefined)} window`, tag, "quota_exhausted", chosen.which);
  }
  for (let attempt = 0; ; attempt++) {
    const answer = await send(chosen.key);
    const state = readRateLimitState(answer.headers);
    record({ kind: "request", key: tag, at: Date.now(), status: answer.status, ...(state ? { state } : {}) });
    if (answer.status !== 429) return answer;
    const ms = Math.max(retryDelayMs(answer.headers, Date.now(), attempt), 1000);
    await wait(ms, `for the ${windowFor(ms, answer.body)} window (429)`, tag, "rate_limited", chosen.which);
  }
}
