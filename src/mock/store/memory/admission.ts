/** Admission on the embedded store: who calls (credentials) and the rate limiter, in one synchronous step. */
import type { RateLimitWindow } from "../../../policy/policies.js";
import { RATE_LIMIT_RULES, type RateLimitAlgorithm, uncountedRateLimit } from "../../rules/rate-limit.js";
import type { AdmissionStore } from "../store.js";
import type { KeyEntry, MemoryState } from "./state.js";

/** New `counters` kept in `stored`, copied in place (an identity keeps one array), or as its first array. */
function kept(counters: number[], stored: number[] | undefined): number[] {
  if (!stored) return counters;
  // A sliding window's counters change length; fixed windows' never do.
  if (stored.length !== counters.length) stored.length = counters.length;
  for (let i = 0; i < counters.length; i++) stored[i] = counters[i] as number;
  return stored;
}

/** An address's counters, turning the generations over when the current one has ended. */
function addressCounters(
  state: MemoryState,
  address: string,
  windows: readonly RateLimitWindow[],
  nowMs: number,
) {
  if (nowMs >= state.generationEndsMs) {
    const longestMs = Math.max(...windows.map((w) => w.windowSeconds * 1000));
    state.olderAddressLimits = nowMs >= state.generationEndsMs + longestMs ? new Map() : state.addressLimits;
    state.addressLimits = new Map();
    state.generationEndsMs = nowMs + longestMs;
  }
  let known = state.addressLimits.get(address);
  if (!known) {
    known = state.olderAddressLimits.get(address);
    if (known) {
      state.olderAddressLimits.delete(address);
      state.addressLimits.set(address, known);
    }
  }
  return known;
}

/** The admission part of the embedded store. */
export function memoryAdmission(state: MemoryState): AdmissionStore {
  /** Decides a request against a key's counters, or a client address's, updating them when it is allowed. */
  const hitKeyLimit = (
    entry: KeyEntry,
    windows: readonly RateLimitWindow[],
    nowMs: number,
    algorithm: RateLimitAlgorithm,
  ) => {
    const decision = RATE_LIMIT_RULES[algorithm](entry.limits ?? [], windows, nowMs);
    if (decision.allowed) entry.limits = kept(decision.counters, entry.limits);
    return decision;
  };
  const hitAddressLimit = (
    address: string,
    windows: readonly RateLimitWindow[],
    nowMs: number,
    algorithm: RateLimitAlgorithm,
  ) => {
    if (address === "") return uncountedRateLimit(windows, nowMs);
    const known = addressCounters(state, address, windows, nowMs);
    const decision = RATE_LIMIT_RULES[algorithm](known ?? [], windows, nowMs);
    if (decision.allowed) state.addressLimits.set(address, kept(decision.counters, known));
    return decision;
  };
  return {
    admit(hash, address, windows, nowMs, algorithm = "fixed") {
      const entry = hash === undefined ? undefined : state.keysByHash.get(hash);
      const credentials = state.credentialsOf(entry);
      const decision =
        entry && credentials
          ? hitKeyLimit(entry, windows, nowMs, algorithm)
          : hitAddressLimit(address, windows, nowMs, algorithm);
      return { credentials, decision };
    },
    async findCredentials(hash) {
      return state.credentialsOf(state.keysByHash.get(hash));
    },
    async hitRateLimit(identity, windows, nowMs, algorithm = "fixed") {
      return hitAddressLimit(identity, windows, nowMs, algorithm);
    },
  };
}
