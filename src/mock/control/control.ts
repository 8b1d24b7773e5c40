/** The simulator's control functions (the `/__mock` API and the MSW helpers both call these). */

import { badRequest, notFound } from "../primitives/masko-error.js";
import { apiKeyRecord, generateApiKey, hashApiKey, type Role } from "../rules/api-keys.js";
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
  ) {}

  /** Empties every store, clears faults and the clock offset, then seeds the demo workspace again. */
  async reset(): Promise<CreatedWorkspace> {
    // The store holds the faults and deliveries too: emptying it clears them on every instance.
    await this.services.store.reset();
    await this.services.clock.reset();
    return this.seedDemoAndFile();
  }

  /** Seeds the demo workspace (and the seed file) unless the store already has it: a restart loses nothing. */
  async seedIfEmpty(): Promise<CreatedWorkspace> {
    const existing = await this.services.store.findCredentials(await hashApiKey(DEMO_API_KEY));
    if (existing) {
      this.demoWorkspaceId = existing.workspace.id;
      return { workspace_id: existing.workspace.id, user_id: existing.user.id, api_key: DEMO_API_KEY };
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
    const demo = await this.createWorkspace({ type: "personal", credits: DEMO_CREDITS }, DEMO_API_KEY);
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
    apiKey?: string,
  ): Promise<CreatedWorkspace> {
    if (input.type === "personal" && input.role !== undefined && input.role !== "owner") {
      throw badRequest("a personal workspace has only its owner", "role");
    }
    const workspace_id = this.services.newId();
    await this.services.store.createWorkspace({ id: workspace_id, type: input.type, balance: input.credits });
    const member = await this.addMember(workspace_id, input.role ?? "owner", apiKey);
    return { workspace_id, ...member };
  }

  /** Adds a member with `role` to a workspace and issues their first key. */
  async addMember(
    workspaceId: string,
    role: Role,
    apiKey?: string,
  ): Promise<{ user_id: string; api_key: string }> {
    const workspace = await this.services.store.getWorkspace(workspaceId);
    if (!workspace) throw notFound("Workspace");
    if (workspace.type === "personal" && role !== "owner")
      throw badRequest("a personal workspace has only its owner", "role");
    const policy = this.services.policies.keyPolicy;
    const key = apiKey ?? generateApiKey(policy);
    if (!policy.pattern.test(key)) throw badRequest(`must match ${policy.pattern.source}`, "api_key");
    const user_id = this.services.newId();
    await this.services.store.createUser({ id: user_id, workspace_id: workspaceId, role });
    const record = await apiKeyRecord(
      key,
      {
        id: this.services.newId(),
        name: KEY_NAMES[role],
        workspaceId,
        userId: user_id,
        createdAt: isoNow(this.services),
      },
      policy,
    );
    const outcome = await this.services.store.insertApiKey(record, policy.maxActiveKeysPerWorkspace);
    if (outcome === "limit_reached") throw badRequest("the workspace already has its maximum of active keys");
    return { user_id, api_key: key };
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
