/**
 * Webhook delivery: job events POSTed as JSON to registered endpoints, signed with `X-Masko-Signature` (hex
 * HMAC-SHA256 of the raw body under the webhook's secret), retried with bounded exponential back-off. Every
 * delivery and attempt is kept for the control API (`GET /__mock/deliveries`).
 */
import type { components } from "../generated/masko-api.js";
import { hmacSha256Hex, randomId } from "./platform.js";

type WebhookEvent = components["schemas"]["WebhookEvent"];

/** One try at delivering an event. */
export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
}

/** An event on its way to one webhook. */
export interface Delivery {
  id: string;
  webhook_id: string;
  url: string;
  event: WebhookEvent["event"];
  job_id: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
}

/** Retry policy: `maxAttempts` tries, waiting `baseDelayMs`, then twice as long each time. */
export interface DeliveryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  timeoutMs: number;
  /** Which targets may be called; others are recorded as failed without a request (default: any). */
  allowUrl?: (url: URL) => boolean;
}

/** Only loopback targets: what test suites and fuzzing use, so no delivery ever leaves the machine. */
export const loopbackOnly = (url: URL): boolean => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);

/** Waits without keeping the process alive: a simulator shutting down does not wait for pending retries. */
const backOff = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });

/** The default policy: 4 attempts over about 3.5 s. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 4, baseDelayMs: 500, timeoutMs: 5000 };

/** Sends and records webhook deliveries. */
export class WebhookDeliveries {
  private readonly log: Delivery[] = [];

  constructor(private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY) {}

  /** Every delivery so far, newest last. */
  list(): Delivery[] {
    return structuredClone(this.log);
  }

  /** Forgets every delivery. */
  clear(): void {
    this.log.length = 0;
  }

  /** Delivers `event` to `hook`, retrying failures; resolves when it is delivered or given up. */
  async deliver(hook: { id: string; url: string; secret: string }, event: WebhookEvent): Promise<Delivery> {
    const body = JSON.stringify(event);
    const signature = await hmacSha256Hex(hook.secret, body);
    const delivery: Delivery = {
      id: randomId(),
      webhook_id: hook.id,
      url: hook.url,
      event: event.event,
      job_id: event.job_id,
      state: "pending",
      attempts: [],
    };
    this.log.push(delivery);
    if (this.policy.allowUrl && !this.policy.allowUrl(new URL(hook.url))) {
      delivery.attempts.push({ at: new Date().toISOString(), status: null, error: "target not allowed" });
      delivery.state = "failed";
      return delivery;
    }
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      const record: DeliveryAttempt = { at: new Date().toISOString(), status: null, error: null };
      delivery.attempts.push(record);
      try {
        const response = await fetch(hook.url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-masko-signature": signature },
          body,
          signal: AbortSignal.timeout(this.policy.timeoutMs),
        });
        record.status = response.status;
        await response.body?.cancel();
        if (response.ok) {
          delivery.state = "delivered";
          return delivery;
        }
      } catch (error) {
        record.error = (error as Error).message;
      }
      if (attempt < this.policy.maxAttempts) await backOff(this.policy.baseDelayMs * 2 ** (attempt - 1));
    }
    delivery.state = "failed";
    return delivery;
  }
}
