export * from "./client/index.js";
export {
  type ControlClient,
  type ControlDelivery,
  ControlError,
  type ControlFaults,
  type ControlWorkspace,
  controlClient,
  type FleetClient,
  type SandboxClient,
  type SandboxCredentials,
  type SandboxInfo,
  sandboxClient,
} from "./contract/control-client.js";
export type { components, paths, webhooks } from "./generated/masko-api.js";
export { type MaskoPolicies, policies, readPolicies } from "./policy/policies.js";
