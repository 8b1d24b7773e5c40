/**
 * Drives a simulator core in-process (fetch-standard Request → Response, no sockets) for behaviour tests.
 * Every Masko API response is checked against the spec on the way, so each test is also a contract check.
 */
import { randomUUID } from "node:crypto";
import { afterAll, expect } from "vitest";
import { specValidator } from "../../src/contract/bundled-spec.js";
import {
  createSimulator,
  type RequestLogLine,
  type Simulator,
  type SimulatorOptions,
} from "../../src/mock/simulator.js";
import type { FleetStore } from "../../src/mock/store/fleet-store.js";
import {
  createRedisFleet,
  createRedisStore,
  type RedisConnection,
  unlinkAll,
} from "../../src/mock/store/redis/index.js";
import { DEFAULT_DELIVERY_POLICY, loopbackOnly } from "../../src/mock/webhooks/webhook-delivery.js";
import { STORE_KIND, testConnection } from "../../support/test-redis.js";

export type { Answer } from "../../src/contract/answer.js";

import { type Answer, type RequestOptions, readAnswer, requestInit } from "../../src/contract/answer.js";

/** Options of one call. */
export interface CallOptions extends RequestOptions {
  /** Client address (the rate-limit identity without a valid key). */
  address?: string;
  /** Skip the spec check (an answer shaped by a behaviour setting the spec does not describe). */
  unchecked?: boolean;
}

/** A simulator plus helpers to call it. */
export interface Harness {
  sim: Simulator;
  demoKey: string;
  logs: RequestLogLine[];
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** A fresh workspace and its owner's (or the given role's) key. */
  workspace(
    type?: "personal" | "organization",
    credits?: number,
    role?: "owner" | "admin" | "member",
  ): Promise<{
    id: string;
    key: string;
  }>;
  /** Creates a project and a collection; returns their ids. */
  collection(key: string): Promise<{ projectId: string; collectionId: string }>;
  advance(seconds: number): Promise<unknown>;
}

/** Which store the behaviour suite runs on: `memory`, `redis` or `cluster` (support/test-redis.ts). */
export const TEST_STORE = STORE_KIND;
const opened: Array<{
  store: ReturnType<typeof createRedisStore>;
  connection: RedisConnection;
  prefix: string;
}> = [];
/** The Redis fleet beside each Redis test store (same connection, same prefix). */
const fleets = new WeakMap<object, FleetStore>();
afterAll(async () => {
  for (const { store, connection, prefix } of opened.splice(0)) {
    await store.reset();
    // The sandboxes' keys too (the fleet's `~…` keys are outside the default store's own).
    for await (const batch of connection.scan(`${prefix}~*`)) await unlinkAll(connection, batch);
    await store.close();
  }
});

/** A Redis store and fleet on `prefix`, cleaned up after the file. */
function redisStore(prefix: string) {
  const connection = testConnection();
  const store = createRedisStore(connection, { prefix });
  fleets.set(store, createRedisFleet(connection, { prefix }));
  opened.push({ store, connection, prefix });
  return store;
}

/** A fresh store of the suite's kind: each Redis harness gets its own key prefix. */
export function testStore(): SimulatorOptions["store"] {
  if (TEST_STORE === "memory") return undefined;
  return redisStore(`masko-test:${randomUUID()}:`);
}

/** Builds a simulator (on the suite's store unless `options.store`) and its call helper. */
export async function createHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const logs: RequestLogLine[] = [];
  const store = options.store ?? testStore();
  const fleet = store ? fleets.get(store) : undefined;
  const sim = await createSimulator({
    ...(fleet ? { fleet } : {}),
    longPollMaxMs: 2000,
    webhookDelivery: { ...DEFAULT_DELIVERY_POLICY, allowUrl: loopbackOnly },
    log: (l) => logs.push(l),
    ...(store ? { store } : {}),
    ...options,
  });
  const validator = specValidator();

  const call: Harness["call"] = async (method, path, opts = {}) => {
    const request = new Request(`http://simulator.test${path}`, requestInit(method, opts, sim.demo.api_key));
    const env = { address: opts.address ?? "127.0.0.1" };
    const answer = await readAnswer(await sim.fetch(request, env));
    if (
      !opts.unchecked &&
      !path.startsWith("/__mock") &&
      validator.match(method, path) &&
      answer.status !== 405
    ) {
      expect(validator.validateResponse(method, path, answer), `${method} ${path} honours the spec`).toEqual(
        [],
      );
    }
    return answer;
  };

  return {
    sim,
    demoKey: sim.demo.api_key,
    logs,
    call,
    async workspace(type = "personal", credits = 100, role) {
      const created = await sim.control.createWorkspace({ type, credits, role });
      return { id: created.workspace_id, key: created.api_key };
    },
    async collection(key) {
      const project = await call("POST", "/v1/projects", { key, body: { name: "Test project" } });
      expect(project.status).toBe(201);
      const collection = await call("POST", "/v1/collections", {
        key,
        body: { project_id: project.body.data.id, name: "Fox", description: "A friendly fox" },
      });
      expect(collection.status).toBe(201);
      return { projectId: project.body.data.id, collectionId: collection.body.data.id };
    },
    advance: (seconds) => sim.control.advanceClock(seconds),
  };
}

/** One simulator, or on Redis two instances on one key prefix (for races between instances sharing a store). */
export async function instancesSharingAStore(): Promise<Harness[]> {
  if (TEST_STORE === "memory") return [await createHarness({ store: testStore() })];
  const prefix = `masko-test:${randomUUID()}:`;
  const shared = () => redisStore(prefix);
  return [await createHarness({ store: shared() }), await createHarness({ store: shared() })];
}

/** An image generation body. */
export const imageBody = (name = "Wave") => ({ type: "image", name, image_prompt: "waving hello" });
