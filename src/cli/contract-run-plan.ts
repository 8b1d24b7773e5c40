/**
 * What a contract run may do, decided before any check: the flags checked (exit 2 naming the flag), the target
 * reached and its key accepted, its control API probed; and what a paced run expects of the target's limits — the
 * estimate printed first, the longest wait a check may meet — and why a check was skipped, for the JUnit report.
 */
import { probeControl } from "../contract/control-client.js";
import { PROFILES, type Profile } from "../contract/profiles.js";
import { policies } from "../policy/policies.js";
import {
  checkChoice,
  checkKey,
  checkTarget,
  checkUrl,
  checkWholeNumber,
  UsageError,
} from "./target-flags.js";

/**
 * Requests a run of each profile makes against a target without a control API (measured: docs/contract-tests.md),
 * for the estimate printed before it starts.
 */
const ESTIMATED_REQUESTS: Record<Profile, number> = { readonly: 51, safe: 87, full: 95 };

/** What the flags and the target allow. */
export interface Checked {
  profile: Profile;
  hasControl: boolean;
  /** Whether the target was given (not a simulator the suite starts). */
  external: boolean;
  minChecks: number;
  maxDurationSeconds: number | undefined;
  /** Keys a paced run spreads over (the given one and N − 1 created for the run). */
  keys: number;
}

/** The contract suite's settings, by the names of its environment variables (contract-tests/lib/settings.ts). */
export type SuiteSettings = Record<string, string | undefined>;

/** Checks every flag's value, then the target (reachable, key accepted) and its control API; throws UsageError. */
export async function checkRun(env: SuiteSettings): Promise<Checked> {
  const baseUrl = env.MASKO_BASE_URL ? checkUrl("base-url", env.MASKO_BASE_URL) : undefined;
  const apiKey = env.MASKO_API_KEY ? checkKey("api-key", env.MASKO_API_KEY) : undefined;
  const controlUrl = env.MASKO_CONTROL_URL ? checkUrl("control-url", env.MASKO_CONTROL_URL) : baseUrl;
  const profile = env.MASKO_CONTRACT_PROFILE
    ? checkChoice("profile", env.MASKO_CONTRACT_PROFILE, PROFILES)
    : undefined;
  if (env.MASKO_CONTRACT_SPEND_CREDITS) checkWholeNumber("spend-credits", env.MASKO_CONTRACT_SPEND_CREDITS);
  const minChecks = checkWholeNumber("min-checks", env.MASKO_CONTRACT_MIN_CHECKS ?? "1");
  const keys = checkWholeNumber("keys", env.MASKO_CONTRACT_KEYS ?? "1", 1);
  const maxKeys = policies.keyPolicy.maxActiveKeysPerWorkspace - 1;
  if (keys > maxKeys)
    throw new UsageError(`--keys must be at most ${maxKeys} (the workspace's cap, less one a check uses)`);
  const maxDurationSeconds = env.MASKO_CONTRACT_MAX_DURATION
    ? checkWholeNumber("max-duration", env.MASKO_CONTRACT_MAX_DURATION, 1)
    : undefined;
  if (!baseUrl || !apiKey || !controlUrl) {
    return {
      profile: profile ?? "full",
      hasControl: true,
      external: false,
      minChecks,
      maxDurationSeconds,
      keys,
    };
  }
  // The suite gets the URL as checked (no trailing slash).
  env.MASKO_BASE_URL = baseUrl;
  await checkTarget(baseUrl, apiKey);
  let hasControl: boolean;
  try {
    hasControl =
      (await probeControl(controlUrl, { adminToken: env.MASKO_MOCK_ADMIN_TOKEN || undefined, apiKey })) !==
      undefined;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    profile: profile ?? (hasControl ? "full" : "safe"),
    hasControl,
    external: true,
    minChecks,
    maxDurationSeconds,
    keys,
  };
}

/** The longest a check may wait on a target's limits (the longest window, twice the shortest, a margin). */
export function longestWaitMs(maxDurationSeconds: number | undefined): number {
  if (maxDurationSeconds !== undefined) return maxDurationSeconds * 1000;
  const lengths = policies.rateLimits.windows.map((w) => w.windowSeconds);
  return (Math.max(...lengths) + 2 * Math.min(...lengths) + 60) * 1000;
}

/** The estimate printed before a paced run. */
export function printEstimate(profile: Profile, perMinute: number, keys: number) {
  const requests = ESTIMATED_REQUESTS[profile];
  const floor = (requests / (perMinute * keys)) * 60;
  // The first window's requests go at once; each later full window is waited for.
  const waits = Math.max(0, Math.ceil(requests / (perMinute * keys)) - 1) * 60;
  console.log(
    `contract run: profile ${profile} makes about ${requests} requests on ${keys} key${keys === 1 ? "" : "s"} at ` +
      `${perMinute}/min each: the limits' floor is ${floor.toFixed(0)} s; expect about ${waits + 15} s ` +
      `(up to ${waits} s of it waiting)`,
  );
}

/** Why a check was skipped, for the JUnit report. */
export function skipReason(profile: string, hasControl: boolean) {
  return ({ note, suites }: { note: string | undefined; suites: string[] }) => {
    if (note) return note;
    const block = suites.join(" > ");
    if (/needs the simulator's control API/.test(block)) {
      return hasControl
        ? "skipped by --filter/--only"
        : "needs the simulator's control API; the target has none";
    }
    const wanted = block.match(/\(profile (\w+)\)/)?.[1];
    if (wanted && wanted !== profile) return `a profile ${wanted} check; this run's profile is ${profile}`;
    return "not selected in this run (--filter, --only or .skip)";
  };
}
