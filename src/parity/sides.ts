/**
 * The two sides parity runs its scenario against: a deployment over HTTP (real time, real waits), and an in-process
 * simulator with the register's defaults whose waits move its clock instead of sleeping.
 */
import type { BehaviourInput } from "../mock/behaviour.js";
import { createSimulator, type Simulator } from "../mock/simulator.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../mock/webhooks/webhook-delivery.js";
import { type Observation, WATCHED_HEADERS } from "./observe.js";

/** One request of the scenario. */
export interface SideRequest {
  step: string;
  method: string;
  /** The path sent (ids filled in). */
  path: string;
  /** The path as a template, for the report (default: `path`). */
  template?: string;
  /** The key to send: the side's own by default; null for none; a string for that one. */
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Where the scenario's requests go. */
export interface ParitySide {
  readonly name: string;
  readonly key: string;
  send(request: SideRequest): Promise<Observation>;
  /** Lets `ms` pass on this side. */
  sleep(ms: number): Promise<void>;
  /** This side's clock (epoch ms). */
  now(): number;
  close(): Promise<void>;
}

async function observe(request: SideRequest, response: Response, at: number): Promise<Observation> {
  const headers: Record<string, string> = {};
  for (const name of WATCHED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const text = await response.text();
  let body: unknown = text === "" ? undefined : text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {}
  return {
    step: request.step,
    method: request.method,
    path: request.template ?? request.path,
    status: response.status,
    headers,
    body,
    at,
  };
}

function init(request: SideRequest, ownKey: string): RequestInit {
  const key = request.key === undefined ? ownKey : request.key;
  return {
    method: request.method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
      ...request.headers,
    },
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  };
}

/** A deployment at `baseUrl`, called with `key`. */
export function httpSide(baseUrl: string, key: string): ParitySide {
  return {
    name: "target",
    key,
    async send(request) {
      const response = await fetch(`${baseUrl}${request.path}`, init(request, key));
      return observe(request, response, Date.now());
    },
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    now: () => Date.now(),
    close: async () => {},
  };
}

/**
 * An in-process simulator with the register's defaults (or `behaviour`), its demo workspace at `balance` credits.
 */
export async function simulatorSide(
  balance: number | undefined,
  behaviour: BehaviourInput = {},
): Promise<ParitySide> {
  const simulator: Simulator = await createSimulator({
    behaviour,
    webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
  });
  if (balance !== undefined) await simulator.control.setCredits(simulator.demo.workspace_id, balance);
  const key = simulator.demo.api_key;
  return {
    name: "simulator",
    key,
    async send(request) {
      const response = await simulator.fetch(
        new Request(`http://simulator.local${request.path}`, init(request, key)),
        {
          address: "127.0.0.1",
        },
      );
      return observe(request, response, simulator.services.clock.now());
    },
    sleep: async (ms) => {
      await simulator.control.advanceClock(ms / 1000);
    },
    now: () => simulator.services.clock.now(),
    close: async () => simulator.close(),
  };
}
