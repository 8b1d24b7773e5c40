/** Receiving Masko webhooks: checking `X-Masko-Signature` and reading the event, in Node or any Web Crypto runtime. */
import type { components } from "../generated/masko-api.js";

/** The body of a webhook delivery. */
export type WebhookEvent = components["schemas"]["WebhookEvent"];

const encoder = new TextEncoder();
const EVENTS: ReadonlyArray<WebhookEvent["event"]> = ["job.completed", "job.failed"];

/**
 * Whether `signature` is the hex HMAC-SHA256 of the raw body under `secret`. Verify the raw bytes as received,
 * before parsing. The comparison is constant-time (Web Crypto's HMAC verify).
 */
export async function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  secret: string,
): Promise<boolean> {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = new Uint8Array(32);
  for (let i = 0; i < 32; i++) expected[i] = Number.parseInt(signature.slice(2 * i, 2 * i + 2), 16);
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const body = typeof rawBody === "string" ? encoder.encode(rawBody) : rawBody;
  return crypto.subtle.verify("HMAC", key, expected, body as Uint8Array<ArrayBuffer>);
}

/** Parses a delivery body into a typed event; throws a TypeError naming the first missing or wrong field. */
export function parseWebhookEvent(rawBody: string | Uint8Array): WebhookEvent {
  const text = typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError("webhook body is not JSON");
  }
  if (typeof value !== "object" || value === null) throw new TypeError("webhook body must be an object");
  const event = value as Record<string, unknown>;
  if (!EVENTS.includes(event.event as WebhookEvent["event"]))
    throw new TypeError("webhook event: unknown `event`");
  for (const field of ["job_id", "type", "collection_id", "timestamp"]) {
    if (typeof event[field] !== "string") throw new TypeError(`webhook event: \`${field}\` must be a string`);
  }
  for (const field of ["asset_ids", "urls"]) {
    if (typeof event[field] !== "object" || event[field] === null) {
      throw new TypeError(`webhook event: \`${field}\` must be an object`);
    }
  }
  return event as unknown as WebhookEvent;
}
