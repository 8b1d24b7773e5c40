export * from "./client/index.js";
export type { components, paths, webhooks } from "./generated/masko-api.js";
export { type MaskoPolicies, policies, readPolicies } from "./policy/policies.js";
