export {
  createMaskoClient,
  DEFAULT_BASE_URL,
  type MaskoClient,
  type MaskoClientOptions,
} from "./create-client.js";
export { MaskoApiError, type MaskoErrorCode } from "./masko-api-error.js";
export type { RateLimitState, RateLimitWait, WaitReason } from "./rate-limit-state.js";
export type { RetryOptions, Timing } from "./retrying-fetch.js";
export { JobWaitTimeoutError, type WaitForJobOptions } from "./wait-for-job.js";
export { parseWebhookEvent, verifyWebhookSignature, type WebhookEvent } from "./webhooks.js";
