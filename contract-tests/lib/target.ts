/**
 * Which server the contract suite checks, from the environment:
 *   MASKO_BASE_URL          the server (default: a simulator started by the suite on a free loopback port)
 *   MASKO_API_KEY           a key of that server (default: the simulator's demo key)
 *   MASKO_CONTROL_URL       where the simulator's /__mock control API is (default: MASKO_BASE_URL)
 *   MASKO_MOCK_ADMIN_TOKEN  the control API's admin token, when it has one
 *   MASKO_CONTRACT_PROFILE  readonly | safe | full (default: full with a control API, safe without)
 *   MASKO_CONTRACT_SPEND_CREDITS  credits the `full` profile may spend on a target without a control API (default 0)
 *   MASKO_SANDBOX_ID, MASKO_SANDBOX_TOKEN  run inside this sandbox of the simulator (`test --sandbox new` makes one)
 * Tests that need the control API run only when `GET /__mock/health` answers there; elsewhere they are skipped
 * with the reason in their name. A control API that refuses the admin token (401/403) fails the run instead.
 */
import { inject } from "vitest";
import type { Profile } from "../../src/contract/profiles.js";

export { type Profile, profileIncludes } from "../../src/contract/profiles.js";

/** The server under test. */
export interface Target {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly controlUrl: string;
  readonly adminToken: string | undefined;
  /** Whether the simulator's control API is reachable (workspaces, clock, faults). */
  readonly hasControl: boolean;
  /** How much the suite may do: read only, also free writes that clean up, or also credit-spending calls. */
  readonly profile: Profile;
  /** Credits the suite may spend where it cannot fund a workspace of its own. */
  readonly spendBudget: number;
  /** The sandbox the run is confined to (its control calls go to that sandbox's routes). */
  readonly sandbox: { sandboxId: string; token: string } | undefined;
}

declare module "vitest" {
  export interface ProvidedContext {
    maskoTarget: Target;
  }
}

/** The target the global setup resolved. */
export const target: Target = inject("maskoTarget");

/** Describe-block suffix that says why a block is skipped away from the simulator. */
export const NEEDS_CONTROL = "(needs the simulator's control API; skipped on other targets)";
