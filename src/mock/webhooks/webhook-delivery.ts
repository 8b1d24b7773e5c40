/**
 * Webhook delivery: job events POSTed as JSON to registered endpoints, signed with `X-Masko-Signature` (hex
 * HMAC-SHA256 of the raw body under the webhook's secret), retried with bounded exponential back-off. Deliveries
 * and their retry schedule live in the store, so on a shared store any instance sends a due one (claimed for a
 * lease, so once), a retry survives the death of the instance that scheduled it, and `GET /__mock/deliveries`
 * shows the same everywhere. The simulator never delivers to its own control API or its own listening address.
 */
import type { components } from "../../generated/masko-api.js";
import { hmacSha256Hex, randomId } from "../primitives/platform.js";
import { checkWebhookUrl } from "../rules/webhook-url.js";
import type { DeliveryRecord, Store } from "../store/store.js";

type WebhookEvent = components["schemas"]["WebhookEvent"];

/** One try at delivering an event. */
export type DeliveryAttempt = DeliveryRecord["attempts"][number];
/** An event on its way to one webhook, as the control API lists it. */
export type Delivery = Omit<DeliveryRecord, "body" | "signature">;

/**
 * Retry policy: `maxAttempts` tries, waiting `baseDelayMs`, then twice as long each time, each try given up after
 * `timeoutMs`. An instance has at most `maxInFlight` tries under way, at most `maxInFlightPerWebhook` of them to one
 * webhook, so a slow or dead receiver holds back only its own deliveries.
 */
export interface DeliveryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  timeoutMs: number;
  /** Tries under way at once on one instance (default 128). */
  maxInFlight?: number;
  /** Tries under way at once to one webhook (default 2). */
  maxInFlightPerWebhook?: number;
  /** Which targets may be called; others are recorded as failed without a request (default: any). */
  allowUrl?: (url: URL) => boolean;
}

/** Only loopback targets: what test suites and fuzzing use, so no delivery ever leaves the machine. */
export const loopbackOnly = (url: URL): boolean => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);

/** The default policy: 4 attempts over about 3.5 s. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 4, baseDelayMs: 500, timeoutMs: 5000 };

/** Whether a URL reaches the simulator itself (the Node adapter knows its addresses once listening). */
export type SelfCheck = (url: URL) => boolean | Promise<boolean>;

/** Why a target is refused before any request, or undefined when it may be called. */
async function refusal(raw: string, policy: DeliveryPolicy, isSelf: SelfCheck): Promise<string | undefined> {
  const checked = checkWebhookUrl(raw);
  if (!checked.ok) return `target not allowed: the URL ${checked.reason}`;
  const { url } = checked;
  if (url.pathname === "/__mock" || url.pathname.startsWith("/__mock/"))
    return "target not allowed: the simulator's control API";
  if (await isSelf(url)) return "target not allowed: the simulator itself";
  if (policy.allowUrl && !policy.allowUrl(url)) return "target not allowed";
  return undefined;
}

/** Enqueues, sends and lists webhook deliveries through the store. */
export class WebhookDeliveries {
  private isSelf: SelfCheck = () => false;
  /** Tries under way on this instance, by webhook. */
  private readonly inFlight = new Map<string, number>();
  private active = 0;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;

  constructor(
    private readonly store: Store,
    private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
    /** Asks for due work to run in `delayMs`. */
    private readonly wake: (delayMs: number) => void = () => {},
  ) {}

  /** Teaches the deliveries the simulator's own addresses (the Node adapter knows them once listening). */
  refuseSelf(isSelf: SelfCheck): void {
    this.isSelf = isSelf;
  }

  /** Every delivery so far, oldest first. */
  async list(): Promise<Delivery[]> {
    return (await this.store.listDeliveries()).map(({ body: _b, signature: _s, ...shown }) => shown);
  }

  /** Queues `event` for `hook`: signed now, sent by whichever instance claims it first. */
  async enqueue(hook: { id: string; url: string; secret: string }, event: WebhookEvent): Promise<void> {
    const body = JSON.stringify(event);
    const delivery: DeliveryRecord = {
      id: randomId(),
      webhook_id: hook.id,
      url: hook.url,
      event: event.event,
      job_id: event.job_id,
      state: "pending",
      attempts: [],
      body,
      signature: await hmacSha256Hex(hook.secret, body),
    };
    const refused = await refusal(hook.url, this.policy, this.isSelf);
    if (refused) {
      delivery.state = "failed";
      delivery.attempts.push({ at: new Date().toISOString(), status: null, error: refused });
      await this.store.putDelivery(delivery, null);
      return;
    }
    await this.store.putDelivery(delivery, Date.now());
    this.wake(0);
  }

  /**
   * Starts every due delivery this instance can claim within its bounds and returns without waiting for the
   * receivers: each finished try frees its place and claims again, so every due delivery is tried without waiting
   * for an unrelated event, and a clock move or a job never waits on a receiver.
   */
  sendDue(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return this.claiming;
    }
    this.claiming = this.claimWhileDue().finally(() => {
      this.claiming = undefined;
    });
    return this.claiming;
  }

  private async claimWhileDue(): Promise<void> {
    const max = this.policy.maxInFlight ?? 128;
    const perWebhook = this.policy.maxInFlightPerWebhook ?? 2;
    const lease = this.policy.timeoutMs + 1000;
    do {
      this.claimAgain = false;
      const free = max - this.active;
      if (free <= 0) return;
      const claimed = await this.store.claimDueDeliveries(Date.now(), lease, free, {
        max: perWebhook,
        inFlight: this.inFlight,
      });
      for (const delivery of claimed) this.start(delivery);
      // A full claim may have left more due; a short one took all there was (within the per-webhook bound).
      if (claimed.length === free) this.claimAgain = true;
    } while (this.claimAgain);
  }

  private start(delivery: DeliveryRecord): void {
    const hook = delivery.webhook_id;
    this.active++;
    this.inFlight.set(hook, (this.inFlight.get(hook) ?? 0) + 1);
    void this.attempt(delivery)
      .catch(() => {}) // a store outage: the lease ends and the delivery is due again
      .finally(() => {
        this.active--;
        const left = (this.inFlight.get(hook) ?? 1) - 1;
        if (left > 0) this.inFlight.set(hook, left);
        else this.inFlight.delete(hook);
        void this.sendDue().catch(() => {});
      });
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const record: DeliveryAttempt = { at: new Date().toISOString(), status: null, error: null };
    delivery.attempts.push(record);
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-masko-signature": delivery.signature },
        body: delivery.body,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
        redirect: "manual",
      });
      record.status = response.status;
      await response.body?.cancel();
      if (response.ok) delivery.state = "delivered";
    } catch (error) {
      record.error = (error as Error).message;
    }
    if (delivery.state !== "delivered" && delivery.attempts.length >= this.policy.maxAttempts) {
      delivery.state = "failed";
    }
    if (delivery.state !== "pending") {
      await this.store.putDelivery(delivery, null);
      return;
    }
    const delay = this.policy.baseDelayMs * 2 ** (delivery.attempts.length - 1);
    await this.store.putDelivery(delivery, Date.now() + delay);
    this.wake(delay);
  }
}
