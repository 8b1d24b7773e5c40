/**
 * The fleet's state: which sandboxes exist (their records, token hashes only), which sandbox each API key belongs
 * to (by the key's SHA-256: a key belongs to exactly one sandbox, so Masko API calls are routed by the key alone),
 * and each sandbox's own Store, under its own names. The default sandbox is the Store the simulator was given;
 * the fleet never touches it. Memory: store/memory/fleet.ts; Redis: store/redis/fleet.ts.
 */
import type { SandboxRecord } from "../rules/sandboxes.js";
import type { Store } from "./store.js";

/** The due-work part of a fleet store (Redis only: in memory each sandbox's own timers do it). */
export interface DueWork {
  /** Lists sandbox `id` as having due work (jobs, deliveries) from `nowMs`. */
  noteDueWork(id: string, nowMs: number): Promise<void>;
  /** Sandboxes with due work in the shards this instance (`owner`) holds or could lease for `leaseMs`. */
  dueSandboxes(owner: string, nowMs: number, leaseMs: number, max: number): Promise<string[]>;
  /** After a sandbox's due work ran: kept listed (looked at again from `againAtMs`) while `pending`, else not. */
  afterDueWork(id: string, pending: () => Promise<boolean>, againAtMs: number): Promise<void>;
}

export interface FleetStore {
  /** Whether other simulator instances share this fleet (then sandboxes made elsewhere are found here too). */
  readonly shared: boolean;
  createSandbox(record: SandboxRecord): Promise<void>;
  getSandbox(id: string): Promise<SandboxRecord | undefined>;
  /** Every live sandbox, oldest first. */
  listSandboxes(): Promise<SandboxRecord[]>;
  /** How many sandboxes exist. */
  countSandboxes(): Promise<number>;
  /** Writes a sandbox's new expiry (real ms); false when it no longer exists. */
  touchSandbox(id: string, expiresAtMs: number): Promise<boolean>;
  /** Ids of the sandboxes expired by `nowMs`, at most `max`. */
  expiredSandboxes(nowMs: number, max: number): Promise<string[]>;
  /** Records that the key with SHA-256 `hash` belongs to sandbox `id` (written before the key itself). */
  registerKey(hash: string, id: string): Promise<void>;
  /** The sandbox a key belongs to; undefined for keys of the default sandbox and unknown keys. */
  sandboxOfKey(hash: string): Promise<string | undefined>;
  /** The Store of sandbox `id`: its own workspaces, keys, credits, jobs, faults, clock and deliveries. */
  sandboxStore(id: string): Store;
  /** Due work across instances (a shared fleet); without it, each sandbox's own timers are enough. */
  readonly due?: DueWork;
  /** Removes a sandbox with everything in it: its store's every record, its key registrations, its record. */
  dropSandbox(id: string): Promise<void>;
}
