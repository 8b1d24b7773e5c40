/**
 * Which server the contract suite checks, from the environment:
 *   MASKO_BASE_URL          the server (default: a simulator started by the suite on a free loopback port)
 *   MASKO_API_KEY           a key of that server (default: the simulator's demo key)
 *   MASKO_CONTROL_URL       where the simulator's /__mock control API is (default: MASKO_BASE_URL)
 *   MASKO_MOCK_ADMIN_TOKEN  the control API's admin token, when it has one
 * Tests that need the control API run only when `GET /__mock/health` answers there; elsewhere they are skipped
 * with the reason in their name.
 */
import { inject } from "vitest";

/** The server under test. */
export interface Target {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly controlUrl: string;
  readonly adminToken: string | undefined;
  /** Whether the simulator's control API is reachable (workspaces, clock, faults). */
  readonly hasControl: boolean;
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
