/** The contract profiles, shared by the suite (contract-tests/) and the test command (src/cli/commands/test.ts). */

/** The profiles, least to most: read only; also free writes; also credit-spending calls. */
export const PROFILES = ["readonly", "safe", "full"] as const;
/** One contract profile. */
export type Profile = (typeof PROFILES)[number];

/** Whether the run's profile includes `wanted`. */
export function profileIncludes(current: Profile, wanted: Profile): boolean {
  return PROFILES.indexOf(current) >= PROFILES.indexOf(wanted);
}
