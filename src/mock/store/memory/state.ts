/**
 * The embedded store's state: every map the memory parts read and write, shared by them (one object, so a part's
 * read-modify-write sees the others' writes at once). Node runs JavaScript on one thread, so each part method's
 * read-modify-write happens with no `await` between the read and the write: that is what makes it atomic.
 */

import { cdnPath } from "../../rules/cdn-path.js";
import { type FaultState, NO_FAULTS } from "../../rules/faults.js";
import type {
  ApiKeyRecord,
  ResourceKind,
  ResourceRecords,
  ResourceWrite,
  UserRecord,
  WorkspaceRecord,
} from "../records.js";
import type { Credentials, DeliveryRecord } from "../store.js";

export type AnyRecord = ResourceRecords[ResourceKind];

/**
 * A stored key and its rate-limit counters: [startMs, count] for each window in one array of doubles, updated in
 * place (count 0: not open) — about 80 bytes, and no new objects kept per request for the collector to promote.
 */
export interface KeyEntry {
  readonly key: ApiKeyRecord;
  /** The workspace's key created before this one. */
  readonly previous: KeyEntry | undefined;
  limits: number[] | undefined;
  /**
   * The key's user and workspace, found when the key is inserted, or at its first use if they were stored after it
   * (records are updated in place, never replaced, until a reset).
   */
  user: UserRecord | undefined;
  workspace: WorkspaceRecord | undefined;
}

/** A stored delivery and when it is next due (null: final). */
export interface DeliveryEntry {
  record: DeliveryRecord;
  dueAtMs: number | null;
}

/** The unrevoked keys of the chain that starts at `newest`, newest first. */
export function activeKeysOf(newest: KeyEntry | undefined): ApiKeyRecord[] {
  const keys: ApiKeyRecord[] = [];
  for (let entry = newest; entry; entry = entry.previous) if (!entry.key.revoked_at) keys.push(entry.key);
  return keys;
}

/** Every map of the embedded store. */
export class MemoryState {
  workspaces = new Map<string, WorkspaceRecord>();
  users = new Map<string, UserRecord>();
  // A key's entry holds its record and its rate-limit counters: no identity string or map entry of its own.
  keysById = new Map<string, KeyEntry>();
  keysByHash = new Map<string, KeyEntry>();
  /** Each workspace's newest key; its entry links to the one before (a chain per workspace, newest first). */
  newestKey = new Map<string, KeyEntry>();
  /**
   * Rate-limit counters of client addresses (a key's are in its entry), in two generations each as long as the
   * longest window: an address not seen for two generations is forgotten (its windows have all ended).
   */
  addressLimits = new Map<string, number[]>();
  olderAddressLimits = new Map<string, number[]>();
  generationEndsMs = 0;
  resources = new Map<ResourceKind, Map<string, AnyRecord>>();
  /** Asset ids by CDN path (rules/cdn-path.ts), kept with every asset write. */
  assetPaths = new Map<string, string>();
  /** Unfinished job ids by workspace. */
  unfinished = new Map<string, Set<string>>();
  faults: FaultState = structuredClone(NO_FAULTS);
  deliveries = new Map<string, DeliveryEntry>();
  /** The deliveries not yet final (what a claim looks through). */
  pendingDeliveries = new Set<string>();

  /** The records of one kind. */
  table(kind: ResourceKind): Map<string, AnyRecord> {
    let t = this.resources.get(kind);
    if (!t) {
      t = new Map();
      this.resources.set(kind, t);
    }
    return t;
  }

  /** Whether a record is stored exactly as `record` (what a conditional write or a charge's basis compares). */
  storedAs({ kind, record }: ResourceWrite): boolean {
    return JSON.stringify(this.table(kind).get(record.id)) === JSON.stringify(record);
  }

  /** Writes a copy of a record and keeps the CDN-path and unfinished-job indexes right. */
  write({ kind, record }: ResourceWrite): void {
    this.table(kind).set(record.id, structuredClone(record));
    if (kind === "asset") {
      const path = cdnPath((record as ResourceRecords["asset"]).url);
      if (path) this.assetPaths.set(path, record.id);
    }
    if (kind === "job") {
      const set = this.unfinished.get(record.workspace_id) ?? new Set<string>();
      const status = (record as ResourceRecords["job"]).status;
      if (status === "completed" || status === "failed") set.delete(record.id);
      else set.add(record.id);
      this.unfinished.set(record.workspace_id, set);
    }
  }

  /** The caller of an active key with its user and workspace, or undefined. */
  credentialsOf(entry: KeyEntry | undefined): Credentials | undefined {
    const key = entry?.key;
    if (!key || key.revoked_at) return undefined;
    entry.user ??= this.users.get(key.user_id);
    entry.workspace ??= this.workspaces.get(key.workspace_id);
    const { user, workspace } = entry;
    if (!user || !workspace) return undefined;
    const openJobs = (this.unfinished.get(workspace.id)?.size ?? 0) > 0;
    // Returned as stored: the caller is read-only to every handler (typed Readonly in Services).
    return { key, user, workspace, openJobs, faults: this.faults };
  }
}
