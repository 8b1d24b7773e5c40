/**
 * Draws cards off the request path, so keyless clients cannot stall the server with them. A card costs a few
 * milliseconds of CPU and the asset route needs no key, so:
 * - cards are cached by content (least recently used first out, bounded in bytes, not in entries: cycling through
 *   the cache means creating that many assets, which costs credits and rate-limited calls);
 * - one render at a time, each in its own event-loop turn, so any other request waits for at most one card;
 * - the queue is served round-robin by client address, and an address with `maxQueuedPerAddress` cards waiting is
 *   told to retry (429 in the error envelope) instead of growing the queue;
 * - concurrent requests for the same card share one render.
 */
import { rateLimited } from "../primitives/masko-error.js";
import { RoundRobin } from "../primitives/round-robin.js";
import type { CardSpec } from "./card.js";

/** Settings of a card renderer. */
export interface CardRendererOptions {
  /** Bytes of PNG kept (default 16 MiB: about 2,000 cards). */
  maxCacheBytes?: number;
  /** Cards one address may have waiting to be drawn (default 64; a browser asks at most 6 at a time per host). */
  maxQueuedPerAddress?: number;
  /** Draws one card (synchronous CPU work). */
  draw: (spec: CardSpec) => Uint8Array | Promise<Uint8Array>;
}

/** A card renderer: `card` answers from the cache or queues the drawing. */
export interface CardRenderer {
  card(spec: CardSpec, address: string): Promise<Uint8Array>;
  /** Cards drawn so far (a cache hit draws nothing). */
  readonly drawn: number;
}

interface Waiting {
  key: string;
  spec: CardSpec;
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

/** One event-loop turn: I/O and timers of other requests run before the next card is drawn. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function createCardRenderer(options: CardRendererOptions): CardRenderer {
  const maxCacheBytes = options.maxCacheBytes ?? 16 * 1024 * 1024;
  const maxQueued = options.maxQueuedPerAddress ?? 64;
  const cache = new Map<string, Uint8Array>();
  let cachedBytes = 0;
  const inFlight = new Map<string, Promise<Uint8Array>>();
  const queue = new RoundRobin<Waiting>();
  let drawing = false;
  let drawn = 0;

  const remember = (key: string, bytes: Uint8Array) => {
    cache.set(key, bytes);
    cachedBytes += bytes.byteLength;
    for (const [oldest, old] of cache) {
      if (cachedBytes <= maxCacheBytes) break;
      cache.delete(oldest);
      cachedBytes -= old.byteLength;
    }
  };

  const drain = async () => {
    if (drawing) return;
    drawing = true;
    try {
      for (;;) {
        await nextTurn();
        const next = queue.take();
        if (!next) return;
        try {
          const card = options.draw(next.spec);
          const bytes = card instanceof Promise ? await card : card;
          drawn++;
          remember(next.key, bytes);
          next.resolve(bytes);
        } catch (error) {
          next.reject(error);
        } finally {
          inFlight.delete(next.key);
        }
      }
    } finally {
      drawing = false;
    }
  };

  return {
    get drawn() {
      return drawn;
    },
    card(spec, address) {
      const key = JSON.stringify(spec);
      const hit = cache.get(key);
      if (hit) {
        cache.delete(key); // most recently used goes last
        cache.set(key, hit);
        return Promise.resolve(hit);
      }
      const pending = inFlight.get(key);
      if (pending) return pending;
      const waiting = queue.waiting(address);
      if (waiting >= maxQueued) {
        return Promise.reject(
          rateLimited(
            `This address has ${waiting} asset images waiting to be drawn; retry in a second.`,
            {},
            { "Retry-After": "1" },
          ),
        );
      }
      const promise = new Promise<Uint8Array>((resolve, reject) => {
        queue.push(address, { key, spec, resolve, reject });
      });
      inFlight.set(key, promise);
      void drain();
      return promise;
    },
  };
}
