/** The contract profiles (no vitest import: the global setup reads them too). */

/** The contract profiles, least to most: read only; also free writes; also credit-spending calls. */
export const PROFILES = ["readonly", "safe", "full"] as const;
/** One contract profile. */
export type Profile = (typeof PROFILES)[number];

/** Whether the run's profile includes `wanted`. */
export function profileIncludes(current: Profile, wanted: Profile): boolean {
  return PROFILES.indexOf(current) >= PROFILES.indexOf(wanted);
}
