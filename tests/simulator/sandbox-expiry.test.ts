/**
 * A sandbox lives its idle time-to-live after its last use (real time, not its own clock), then is removed with
 * everything in it: its keys route nowhere, and the fleet's store holds nothing of it.
 */
import { describe, expect, it } from "vitest";
import { Fleet } from "../../src/mock/fleet/fleet.js";
import { createTenant } from "../../src/mock/fleet/tenant.js";
import { hashApiKey } from "../../src/mock/rules/api-keys.js";
import { createMemoryFleet } from "../../src/mock/store/memory/fleet.js";
import { policies } from "../../src/policy/policies.js";

function fleetAt(start: number) {
  const time = { now: start };
  const store = createMemoryFleet();
  const fleet = new Fleet({
    store,
    keyPolicy: policies.keyPolicy,
    maxSandboxes: 100,
    sweepMs: 3_600_000,
    now: () => time.now,
    tenant: (_id, sandboxStore, demoKey) =>
      createTenant(
        { store: sandboxStore },
        { corsOrigin: "*", onError: undefined, cardRenderer: undefined, demoKey },
      ),
  });
  return { fleet, store, time };
}

describe("sandbox expiry", () => {
  it("removes a sandbox its TTL after creation when nobody uses it", async () => {
    const { fleet, store, time } = fleetAt(1_000_000);
    const created = await fleet.create(60);
    const hash = await hashApiKey(created.apiKey);
    time.now += 59_999;
    expect(await fleet.sweep()).toBe(0);
    time.now += 1;
    expect(await fleet.sweep()).toBe(1);
    expect(await store.countSandboxes()).toBe(0);
    expect(await store.sandboxOfKey(hash)).toBeUndefined();
    expect(await fleet.forKey(hash)).toBeUndefined();
    fleet.stop();
  });

  it("counts the TTL from the last use: a sandbox in use lives on", async () => {
    const { fleet, time } = fleetAt(1_000_000);
    const created = await fleet.create(60);
    const hash = await hashApiKey(created.apiKey);
    for (let i = 0; i < 5; i++) {
      time.now += 50_000;
      expect((await fleet.forKey(hash))?.record.id).toBe(created.record.id);
      expect(await fleet.sweep()).toBe(0);
    }
    time.now += 60_000;
    expect(await fleet.sweep()).toBe(1);
    fleet.stop();
  });

  it("answers an expired sandbox as gone even before the sweeper ran", async () => {
    const { fleet, store, time } = fleetAt(1_000_000);
    const created = await fleet.create(1);
    time.now += 1000;
    expect(await fleet.get(created.record.id)).toBeUndefined();
    expect(await store.countSandboxes()).toBe(0);
    fleet.stop();
  });
});
