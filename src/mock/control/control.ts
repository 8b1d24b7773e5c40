/** The simulator's control functions (the `/__mock` API and the MSW helpers both call these). */

import type { KeyPolicy } from "../../policy/policies.js";
import { badRequest, notFound } from "../primitives/masko-error.js";
import {
  type ApiKeyRecord,
  apiKeyRecord,
  displayHint,
  generateApiKey,
  hashApiKey,
  type Role,
} from "../rules/api-keys.js";
import { isoNow, type Services } from "../services.js";
import type { WorkspaceRecord } from "../store/records.js";

/** The documented limits (docs/simulator.md, "Control API"). */
export const CONTROL_LIMITS = {
  credits: 1_000_000_000,
  advanceSeconds: 365 * 24 * 3600,
  /** The clock may run at most this far ahead of real time in total. */
  clockOffsetSeconds: 100 * 365 * 24 * 3600,
  latencyMs: 60_000,
  faultCount: 10_000,
} as const;

/** The key of the seeded demo workspace: stable across restarts so front-end configs can keep it. */
// SHA-256 of "masko-simulator-demo-key": fixed so that a front end's configuration keeps working across restarts.
export const DEMO_API_KEY = "masko_bc085583f7d1aab58b8bf87c367e0a6ba97c90e124f8a8497a12a6ac88cb56d9";
/**
 * The demo workspace's key as the control functions know it: its SHA-256 and display hint, and the key itself when
 * this instance holds it (a sandbox's demo key is shown once, to its creator; another instance re-seeds it by hash).
 */
export interface DemoKey {
  hash: string;
  hint: string;
  raw?: string;
}

/** The demo key of `raw`. */
export async function demoKeyOf(raw: string, policy: KeyPolicy): Promise<DemoKey> {
  return { hash: await hashApiKey(raw), hint: displayHint(raw, policy), raw };
}

/** Credits the demo workspace starts with. */
export const DEMO_CREDITS = 100;

/** A workspace and the first member's credentials. */
export interface CreatedWorkspace {
  workspace_id: string;
  user_id: string;
  api_key: string;
}

/** A seed file: workspaces with members whose keys are given (so tests and teams can keep them). */
export interface SeedFile {
  workspaces: Array<{
    type: WorkspaceRecord["type"];
    credits: number;
    members: Array<{ role: Role; api_key?: string }>;
  }>;
}

/**
 * The seed: the file's contents, or a function that reads them, called at start-up and at each reset (the CLI
 * passes one that reads the file again, so a large seed is not kept in memory and a reset applies its edits).
 */
export type Seed = SeedFile | (() => SeedFile);

/** The name of a member's first key (one string per role, shared by every key of that role). */
const KEY_NAMES: Record<Role, string> = { owner: "owner key", admin: "admin key", member: "member key" };

/** Control operations over the simulator's state. */
export class SimulatorControl {
  /** The demo workspace as last seeded or found. */
  private demoWorkspaceId: string | undefined;

  constructor(
    private readonly services: Services,
    private readonly seed: Seed | undefined,
    /** The demo key (default: DEMO_API_KEY, the same on every start). */
    private readonly demoKey?: DemoKey,
  ) {}

  /** The demo key, DEMO_API_KEY's unless one was given. */
  private async demo(): Promise<DemoKey> {
    return this.demoKey ?? demoKeyOf(DEMO_API_KEY, this.services.policies.keyPolicy);
  }

  /** Empties every store, clears faults and the clock offset, then seeds the demo workspace again. */
  async reset(): Promise<CreatedWorkspace> {
    // The store holds the faults and deliveries too: emptying it clears them on every instance.
    await this.services.store.reset();
    await this.services.clock.reset();
    return this.seedDemoAndFile();
  }

  /** Seeds the demo workspace (and the seed file) unless the store already has it: a restart loses nothing. */
  async seedIfEmpty(): Promise<CreatedWorkspace> {
    const demo = await this.demo();
    const existing = await this.services.store.findCredentials(demo.hash);
    if (existing) {
      this.demoWorkspaceId = existing.workspace.id;
      return { workspace_id: existing.workspace.id, user_id: existing.user.id, api_key: demo.raw ?? "" };
    }
    return this.seedDemoAndFile();
  }

  /**
   * Seeds the demo workspace (and the seed file) again when the store lost it — a Redis flushed, or restarted
   * without persistence — so the demo key does not answer 401 until somebody resets. A revoked demo key is left
   * revoked: only a missing workspace counts as lost. True when it seeded.
   */
  async restoreIfLost(): Promise<boolean> {
    if (this.demoWorkspaceId && (await this.services.store.getWorkspace(this.demoWorkspaceId))) return false;
    await this.seedIfEmpty();
    return true;
  }

  private async seedDemoAndFile(): Promise<CreatedWorkspace> {
    const demo = await this.createWorkspace({ type: "personal", credits: DEMO_CREDITS }, await this.demo());
    this.demoWorkspaceId = demo.workspace_id;
    const seed = typeof this.seed === "function" ? this.seed() : this.seed;
    for (const ws of seed?.workspaces ?? []) {
      const [first, ...rest] = ws.members;
      const created = await this.createWorkspace(
        { type: ws.type, credits: ws.credits, role: first?.role },
        first?.api_key,
      );
      for (const member of rest) await this.addMember(created.workspace_id, member.role, member.api_key);
    }
    return demo;
  }

  /** Creates a workspace with one member (owner unless `role` says otherwise) and returns that member's key. */
  async createWorkspace(
    input: { type: WorkspaceRecord["type"]; credits: number; role?: Role | undefined },
    apiKey?: string | DemoKey,
  ): Promise<CreatedWorkspace> {
    if (input.type === "personal" && input.role !== undefined && input.role !== "owner") {
      throw badRequest("a personal workspace has only its owner", "role");
    }
    const workspace_id = this.services.newId();
    await this.services.store.createWorkspace({ id: workspace_id, type: input.type, balance: input.credits });
    const member = await this.addMember(workspace_id, input.role ?? "owner", apiKey);
    return { workspace_id, ...member };
  }

  /**
   * Adds a member with `role` to a workspace and issues their first key (`apiKey` when given; a DemoKey is stored by
   * its hash, and `api_key` is then its raw key when known, else "").
   */
  async addMember(
    workspaceId: string,
    role: Role,
    apiKey?: string | DemoKey,
  ): Promise<{ user_id: string; api_key: string }> {
    const workspace = await this.services.store.getWorkspace(workspaceId);
    if (!workspace) throw notFound("Workspace");
    if (workspace.type === "personal" && role !== "owner")
      throw badRequest("a personal workspace has only its owner", "role");
    const policy = this.services.policies.keyPolicy;
    const key = apiKey ?? generateApiKey(policy);
    if (typeof key === "string" && !policy.pattern.test(key)) {
      throw badRequest(`must match ${policy.pattern.source}`, "api_key");
    }
    const user_id = this.services.newId();
    await this.services.store.createUser({ id: user_id, workspace_id: workspaceId, role });
    const fields = {
      id: this.services.newId(),
      name: KEY_NAMES[role],
      workspaceId,
      userId: user_id,
      createdAt: isoNow(this.services),
    };
    const record =
      typeof key === "string" ? await apiKeyRecord(key, fields, policy) : recordOfHash(key, fields);
    const outcome = await this.services.store.insertApiKey(record, policy.maxActiveKeysPerWorkspace);
    if (outcome === "limit_reached") throw badRequest("the workspace already has its maximum of active keys");
    return { user_id, api_key: typeof key === "string" ? key : (key.raw ?? "") };
  }

  /** Sets a workspace's credit balance. */
  async setCredits(workspaceId: string, balance: number): Promise<{ workspace_id: string; balance: number }> {
    if (!(await this.services.store.setBalance(workspaceId, balance))) throw notFound("Workspace");
    return { workspace_id: workspaceId, balance };
  }

  /** Moves the simulated clock forward; returns the new simulated time. */
  async advanceClock(seconds: number): Promise<{ now: string; now_ms: number }> {
    const aheadSeconds = (this.services.clock.now() - Date.now()) / 1000;
    if (aheadSeconds + seconds > CONTROL_LIMITS.clockOffsetSeconds) {
      throw badRequest(
        `would put the clock more than ${CONTROL_LIMITS.clockOffsetSeconds} s ahead of real time`,
        "advance_seconds",
      );
    }
    await this.services.clock.advance(seconds);
    await this.services.scheduler.runNow();
    const now = this.services.clock.now();
    return { now: new Date(now).toISOString(), now_ms: now };
  }

  /** Configures faults: latency, failing jobs, operations answering 500. */
  async setFaults(change: {
    latency_ms?: number;
    fail_next_jobs?: number;
    fail_operations?: Record<string, number>;
  }) {
    const state = await this.services.store.writeFaults({
      ...(change.latency_ms !== undefined ? { latencyMs: change.latency_ms } : {}),
      ...(change.fail_next_jobs !== undefined ? { failNextJobs: change.fail_next_jobs } : {}),
      ...(change.fail_operations !== undefined ? { failOperations: change.fail_operations } : {}),
    });
    return {
      latency_ms: state.latencyMs,
      fail_next_jobs: state.failNextJobs,
      fail_operations: state.failOperations,
    };
  }

  /** Every webhook delivery and its attempts. */
  deliveries() {
    return this.services.webhooks.list();
  }

  /** Removes every fault. */
  async clearFaults() {
    await this.services.store.clearFaults();
    return this.setFaults({});
  }
}

/** The stored record of a key known by its hash and hint. */
function recordOfHash(
  key: DemoKey,
  fields: { id: string; name: string; workspaceId: string; userId: string; createdAt: string },
): ApiKeyRecord {
  return {
    id: fields.id,
    hash: key.hash,
    name: fields.name,
    display_hint: key.hint,
    workspace_id: fields.workspaceId,
    user_id: fields.userId,
    created_at: fields.createdAt,
    revoked_at: null,
  };
}
