import { describe, expect, it } from "vitest";
import { createHarness } from "./harness.js";

const OWNER = `masko_${"1a".repeat(32)}`;

describe("seed file", () => {
  it("creates its workspaces with the given keys, and brings them back after a reset", async () => {
    const h = await createHarness({
      seed: {
        workspaces: [
          {
            type: "organization",
            credits: 500,
            members: [{ role: "owner", api_key: OWNER }, { role: "member" }],
          },
        ],
      },
    });
    const credits = await h.call("GET", "/v1/credits", { key: OWNER });
    expect(credits.body.data).toMatchObject({ balance: 500, workspace_type: "organization" });
    expect((await h.call("GET", "/v1/api-keys", { key: OWNER })).body.meta.pagination.total).toBe(2);
    await h.call("POST", "/v1/projects", { key: OWNER, body: { name: "gone after reset" } });
    await h.sim.control.reset();
    expect((await h.call("GET", "/v1/projects", { key: OWNER })).body.data).toEqual([]);
    expect((await h.call("GET", "/v1/credits", { key: OWNER })).body.data.balance).toBe(500);
  });
});
