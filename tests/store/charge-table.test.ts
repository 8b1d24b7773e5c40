/**
 * The charge rule as one table, run against the TypeScript rule (rules/credit-cost.ts) and the store under test's
 * chargeAndWrite (on Redis the CHARGE_AND_WRITE script): a charge is all or nothing — the balance and every record
 * it pays for change together, or neither does.
 */
import { describe, expect, it } from "vitest";
import { decideCharge } from "../../src/mock/rules/credit-cost.js";
import type { ResourceWrite } from "../../src/mock/store/records.js";
import { storeUnderTest } from "./backend.js";

const CHARGE_TABLE = [
  { name: "a charge within the balance", balance: 100, cost: 30, ok: true, after: 70 },
  { name: "a charge of the whole balance", balance: 12, cost: 12, ok: true, after: 0 },
  { name: "a charge one credit short", balance: 11, cost: 12, ok: false, after: 11 },
  { name: "any charge on an empty balance", balance: 0, cost: 1, ok: false, after: 0 },
  { name: "a free call on an empty balance", balance: 0, cost: 0, ok: true, after: 0 },
];

const project = (id: string): ResourceWrite => ({
  kind: "project",
  record: { id, workspace_id: "ws", name: id, created_at: "2026-01-01T00:00:00.000Z" },
});

describe("the charge table", () => {
  it.each(CHARGE_TABLE)("TypeScript rule: $name", ({ balance, cost, ok, after }) => {
    expect(decideCharge(balance, cost)).toEqual({ ok, balance: after });
  });

  it.each(CHARGE_TABLE)("store: $name", async ({ balance, cost, ok, after }) => {
    const { store } = storeUnderTest();
    await store.createWorkspace({ id: "ws", type: "personal", balance });
    expect(await store.chargeAndWrite("ws", cost, [project("paid")])).toEqual({ ok, balance: after });
    expect((await store.getWorkspace("ws"))?.balance).toBe(after);
    expect(await store.getResource("project", "paid")).toEqual(ok ? project("paid").record : undefined);
  });

  it("charges nothing and writes nothing when a record of its basis changed since it was read", async () => {
    const { store } = storeUnderTest();
    await store.createWorkspace({ id: "ws", type: "personal", balance: 50 });
    const read = project("basis");
    await store.putResource(read);
    await store.putResource({ ...read, record: { ...read.record, name: "renamed" } } as ResourceWrite);
    expect(await store.chargeAndWrite("ws", 10, [project("paid")], [read])).toEqual({
      ok: false,
      changed: true,
    });
    expect((await store.getWorkspace("ws"))?.balance).toBe(50);
    expect(await store.getResource("project", "paid")).toBeUndefined();
  });

  it("refuses a charge on a workspace that does not exist", async () => {
    const { store } = storeUnderTest();
    expect(await store.chargeAndWrite("nowhere", 1, [project("paid")])).toEqual({ ok: false, balance: 0 });
    expect(await store.getResource("project", "paid")).toBeUndefined();
  });
});
