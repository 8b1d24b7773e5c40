/**
 * The fleet: the sandboxes of one simulator (or of every instance sharing its Redis). Each sandbox is a tenant
 * (tenant.ts) over its own store; a Masko API call is routed to the sandbox its key belongs to (the key's SHA-256
 * is registered before the key is stored), and every other call to the default sandbox. A sandbox lives its idle
 * time-to-live after its last use and is then removed with everything in it (rules/sandboxes.ts).
 */
import type { KeyPolicy } from "../../policy/policies.js";
import { type DemoKey, demoKeyOf } from "../control/control.js";
import { rateLimited } from "../primitives/masko-error.js";
import { randomId } from "../primitives/platform.js";
import { generateApiKey } from "../rules/api-keys.js";
import {
  hasExpired,
  hashSandboxToken,
  isSandboxId,
  isSandboxToken,
  newSandboxId,
  newSandboxToken,
  SANDBOX_TTL,
  type SandboxRecord,
  sandboxRecord,
  touchedExpiry,
  touchIsDue,
} from "../rules/sandboxes.js";
import type { FleetStore } from "../store/fleet-store.js";
import type { Store } from "../store/store.js";
import type { Tenant } from "./tenant.js";

/** What the fleet is built from. */
export interface FleetOptions {
  store: FleetStore;
  /** The key format of sandbox demo keys. */
  keyPolicy: KeyPolicy;
  /** Builds the tenant of sandbox `id` over its store; `demo` is its demo key. */
  tenant(id: string, store: Store, demo: DemoKey): Tenant;
  /** The most sandboxes at once (documented default 10,000). */
  maxSandboxes: number;
  /** How often expired sandboxes are looked for, in ms (default 1000). */
  sweepMs?: number;
  /** Real time in ms (the idle TTL is real time, not the sandbox's clock); default Date.now. */
  now?: () => number;
}

/** A sandbox just created: its record, its control token and its demo key (both shown once). */
export interface CreatedSandbox {
  record: SandboxRecord;
  token: string;
  apiKey: string;
}

/** A sandbox open on this instance. */
export interface OpenSandbox {
  record: SandboxRecord;
  tenant: Tenant;
}

/** The documented default of `maxSandboxes`. */
export const DEFAULT_MAX_SANDBOXES = 10_000;
/** How many key → sandbox answers an instance on a shared fleet keeps (a plain map, emptied when full). */
const KEY_CACHE_SIZE = 100_000;
/** Expired sandboxes removed per store read while sweeping (until none is left). */
const SWEEP_BATCH = 100;
/** How often an instance looks at the due-work shards it holds, and how long it holds one without renewing. */
const DUE_POLL_MS = 1000;
const DUE_LEASE_MS = 5000;
/** How long an instance on a shared fleet trusts its copy of a sandbox record before reading it again. */
const RECORD_CHECK_MS = 2000;

export class Fleet {
  private readonly open = new Map<string, OpenSandbox & { checkedAt: number }>();
  /** Key hash → its sandbox id (null: the default sandbox's, or nobody's), as this instance has learnt it. */
  private readonly owners = new Map<string, string | null>();
  /** The hashes remembered of each sandbox (forgotten with it). */
  private readonly keysOf = new Map<string, Set<string>>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private duePoll: ReturnType<typeof setInterval> | undefined;
  /** This instance's name in due-work leases. */
  private readonly instance = randomId();
  /** True once a sandbox may exist (always on a shared fleet): until then every call is the default's. */
  private active: boolean;

  private readonly now: () => number;

  constructor(private readonly options: FleetOptions) {
    this.now = options.now ?? Date.now;
    this.active = options.store.shared;
    if (this.active) this.startSweeping();
  }

  /** Whether any call may belong to a sandbox (false: route everything to the default without looking). */
  get mayRoute(): boolean {
    return this.active;
  }

  /** Creates a sandbox living `ttlSeconds` (default SANDBOX_TTL.defaultSeconds) after its last use. */
  async create(ttlSeconds: number = SANDBOX_TTL.defaultSeconds): Promise<CreatedSandbox> {
    const { store } = this.options;
    if ((await store.countSandboxes()) >= this.options.maxSandboxes) {
      throw rateLimited(
        `The simulator holds its maximum of ${this.options.maxSandboxes} sandboxes; delete one or wait for one to expire.`,
        {},
        { "Retry-After": "60" },
      );
    }
    const id = newSandboxId();
    const token = newSandboxToken();
    const apiKey = generateApiKey(this.options.keyPolicy);
    const demo = await demoKeyOf(apiKey, this.options.keyPolicy);
    const tokenHash = await hashSandboxToken(token);
    const record = sandboxRecord({ id, tokenHash, demoKey: demo }, ttlSeconds, this.now());
    await store.createSandbox(record);
    this.active = true;
    this.startSweeping();
    const tenant = this.options.tenant(id, this.registering(store.sandboxStore(id), id), demo);
    await tenant.control.reset();
    this.open.set(id, { record, tenant, checkedAt: this.now() });
    return { record, token, apiKey };
  }

  /**
   * The sandbox `id` when it exists (opened on this instance if another made it), else undefined; a use (`touch`,
   * the default) restarts its idle time-to-live.
   */
  async get(id: string, touch = true): Promise<OpenSandbox | undefined> {
    if (!isSandboxId(id)) return undefined;
    const now = this.now();
    let found = this.open.get(id);
    if (!found || (this.options.store.shared && now - found.checkedAt > RECORD_CHECK_MS)) {
      const record = await this.options.store.getSandbox(id);
      if (!record) {
        this.close(id);
        return undefined;
      }
      found = found
        ? { ...found, record, checkedAt: now }
        : { record, tenant: this.materialize(record), checkedAt: now };
      this.open.set(id, found);
    }
    if (hasExpired(found.record, now)) {
      await this.remove(id);
      return undefined;
    }
    if (touch && touchIsDue(found.record, now)) {
      found.record = { ...found.record, expiresAtMs: touchedExpiry(found.record, now) };
      await this.options.store.touchSandbox(id, found.record.expiresAtMs);
    }
    return found;
  }

  /** The sandbox `id` when `token` controls it; undefined for an unknown id and for a wrong token alike. */
  async authorized(id: string, token: string): Promise<OpenSandbox | undefined> {
    if (!isSandboxToken(token)) return undefined;
    const found = await this.get(id);
    return found && found.record.tokenHash === (await hashSandboxToken(token)) ? found : undefined;
  }

  /** The sandbox the key with SHA-256 `hash` belongs to; undefined when it is the default's (or nobody's). */
  async forKey(hash: string): Promise<OpenSandbox | undefined> {
    if (!this.active) return undefined;
    let id = this.owners.get(hash);
    if (id === undefined) {
      id = (await this.options.store.sandboxOfKey(hash)) ?? null;
      this.remember(hash, id);
    }
    return id === null ? undefined : this.get(id);
  }

  /**
   * The sandbox of a key when this instance can tell at once: null for the default sandbox's keys, the open sandbox
   * when nothing about it needs a store call first (no expiry or touch due, its record fresh); undefined when it
   * cannot (then forKey tells). The hot path of a call to a sandbox, without a promise.
   */
  routeNow(hash: string): OpenSandbox | null | undefined {
    if (!this.active) return null;
    const id = this.owners.get(hash);
    if (id === null || id === undefined) return id;
    const found = this.open.get(id);
    const now = this.now();
    if (!found || hasExpired(found.record, now) || touchIsDue(found.record, now)) return undefined;
    return this.options.store.shared && now - found.checkedAt > RECORD_CHECK_MS ? undefined : found;
  }

  /** Keeps which sandbox (null: none) a key belongs to; a key never moves, so the answer stays true. */
  private remember(hash: string, id: string | null): void {
    if (this.owners.size >= KEY_CACHE_SIZE) {
      this.owners.clear();
      this.keysOf.clear();
    }
    this.owners.set(hash, id);
    if (id !== null) {
      const hashes = this.keysOf.get(id) ?? new Set<string>();
      this.keysOf.set(id, hashes);
      hashes.add(hash);
    }
  }

  /** Every live sandbox. */
  list(): Promise<SandboxRecord[]> {
    return this.options.store.listSandboxes();
  }

  /** Removes sandbox `id` with everything in it; false when there was none. */
  async remove(id: string): Promise<boolean> {
    if (!isSandboxId(id)) return false;
    const existed = (await this.options.store.getSandbox(id)) !== undefined;
    this.close(id);
    await this.options.store.dropSandbox(id);
    return existed;
  }

  /** Removes every expired sandbox; returns how many. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const expired = await this.options.store.expiredSandboxes(this.now(), SWEEP_BATCH);
      for (const id of expired) await this.remove(id);
      removed += expired.length;
      if (expired.length < SWEEP_BATCH) return removed;
    }
  }

  /** Stops the sweeper and every open sandbox's timers (their state stays as it is). */
  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.duePoll) clearInterval(this.duePoll);
    this.sweeper = undefined;
    this.duePoll = undefined;
    for (const id of [...this.open.keys()]) this.close(id);
  }

  private close(id: string): void {
    this.open.get(id)?.tenant.close();
    this.open.delete(id);
    for (const hash of this.keysOf.get(id) ?? []) this.owners.delete(hash);
    this.keysOf.delete(id);
  }

  /** The tenant of a sandbox another instance made (its state is in the shared store). */
  private materialize(record: SandboxRecord): Tenant {
    const store = this.registering(this.options.store.sandboxStore(record.id), record.id);
    return this.options.tenant(record.id, store, { hash: record.demoKeyHash, hint: record.demoKeyHint });
  }

  /**
   * The sandbox's store, registering every key it stores as the sandbox's before storing it, and (on a shared
   * fleet) listing the sandbox in its due-work shard whenever it stores a job or a delivery still to come.
   */
  private registering(store: Store, id: string): Store {
    const fleet = this.options.store;
    const due = fleet.due;
    const registered: Store = {
      ...store,
      insertApiKey: async (key, maxActive) => {
        await fleet.registerKey(key.hash, id);
        this.remember(key.hash, id);
        return store.insertApiKey(key, maxActive);
      },
    };
    if (!due) return registered;
    return {
      ...registered,
      chargeAndWrite: async (workspaceId, cost, records, basis) => {
        await due.noteDueWork(id, this.now());
        return store.chargeAndWrite(workspaceId, cost, records, basis);
      },
      putDelivery: async (delivery, dueAtMs) => {
        if (dueAtMs !== null) await due.noteDueWork(id, this.now());
        return store.putDelivery(delivery, dueAtMs);
      },
    };
  }

  /** Runs the due work of the sandboxes listed in the shards this instance holds (a shared fleet). */
  async runDueWork(): Promise<number> {
    const due = this.options.store.due;
    if (!due) return 0;
    const now = this.now();
    const ids = await due.dueSandboxes(this.instance, now, DUE_LEASE_MS, 100);
    for (const id of ids) {
      const sandbox = await this.get(id, false);
      const store = sandbox?.tenant.services.store;
      if (sandbox) await sandbox.tenant.services.scheduler.runNow();
      await due.afterDueWork(id, async () => (await store?.pendingWork?.()) ?? false, now + DUE_POLL_MS);
    }
    return ids.length;
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep().catch(() => {}), this.options.sweepMs ?? 1000);
    (this.sweeper as { unref?: () => void }).unref?.();
    if (this.options.store.due) {
      this.duePoll = setInterval(() => void this.runDueWork().catch(() => {}), DUE_POLL_MS);
      (this.duePoll as { unref?: () => void }).unref?.();
    }
  }
}
