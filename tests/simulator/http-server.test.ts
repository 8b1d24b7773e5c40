import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../src/policy/policies.js";
import { processClient, waitFor } from "../../support/process-harness.js";
import type { RunningServer } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";

const root = resolve(import.meta.dirname, "../..");
let server: RunningServer;
let demoKey: string;

beforeAll(async () => {
  server = await startSimulatorProcess(["--admin-token", "t0ken"]);
  demoKey = /demo API key: (masko_[0-9a-f]{64})/.exec(server.output())?.[1] ?? "";
}, 30_000);
afterAll(async () => {
  await server?.stop();
});

const get = (path: string, key: string) =>
  fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
const control = async (path: string, body: unknown) =>
  (await processClient(server, { adminToken: "t0ken" }).control("POST", path, body)).body as {
    workspace_id: string;
    api_key: string;
  };

describe("npm run mock (the simulator process)", () => {
  it("hands out asset URLs on its own /assets path and serves their bytes over HTTP (whole, ranges, HEAD)", async () => {
    expect(server.output()).toContain(`asset media:  ${server.baseUrl}/assets/…`);
    const ws = await control("/workspaces", { type: "personal", credits: 5 });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ws.api_key}`, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then((r) => r.json());
    const project = await call("POST", "/v1/projects", { name: "Media" });
    const collection = await call("POST", "/v1/collections", { project_id: project.data.id, name: "Fox" });
    const accepted = await call("POST", `/v1/collections/${collection.data.id}/generate`, {
      type: "image",
      name: "Wave",
      image_prompt: "waving",
    });
    const url: string = accepted.data.urls.image;
    expect(url.startsWith(`${server.baseUrl}/assets/`)).toBe(true);

    const whole = await fetch(url);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(whole.headers.get("content-type")).toBe("image/png");
    expect(Number(whole.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(Buffer.from(bytes.subarray(1, 4)).toString()).toBe("PNG");
    const part = await fetch(url, { headers: { range: "bytes=8-15" } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(8, 16));
    const head = await fetch(url, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(bytes.byteLength));
  });

  it("prints the base URL, the control API URL and the demo key, and serves the demo workspace", async () => {
    expect(server.output()).toContain(`listening on ${server.baseUrl}`);
    expect(server.output()).toContain(`control API:  ${server.baseUrl}/__mock`);
    const credits = await get("/v1/credits", demoKey);
    expect(await credits.json()).toMatchObject({ data: { balance: 100, workspace_type: "personal" } });
  });

  it("logs method, path, status, duration and key id, never the key", async () => {
    const ws = await control("/workspaces", { type: "personal", credits: 5 });
    await get("/v1/projects", ws.api_key);
    // The log line reaches our pipe asynchronously: wait for it rather than for a fixed time.
    await waitFor("the request's log line", () => /GET \/v1\/projects 200/.test(server.output()));
    expect(server.output()).toMatch(/GET \/v1\/projects 200 \d+\.\dms key=[0-9a-f-]{36}/);
    expect(server.output()).not.toContain(ws.api_key.slice(6));
  });

  it("admits exactly the minute limit of 200 concurrent requests over real sockets", async () => {
    const ws = await control("/workspaces", { type: "personal", credits: 5 });
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async () => (await get("/v1/credits", ws.api_key)).status),
    );
    const limit = policies.rateLimits.windows[0]?.limit ?? 0;
    expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200 - limit);
  });

  it("keeps exactly 10 active keys when 30 creations race over real sockets", async () => {
    const ws = await control("/workspaces", { type: "personal", credits: 5 });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const response = await fetch(`${server.baseUrl}/v1/api-keys`, {
          method: "POST",
          headers: { authorization: `Bearer ${ws.api_key}`, "content-type": "application/json" },
          body: JSON.stringify({ name: `race ${i}` }),
        });
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(policies.keyPolicy.maxActiveKeysPerWorkspace - 1);
    const list = (await (await get("/v1/api-keys", ws.api_key)).json()) as {
      meta: { pagination: { total: number } };
    };
    expect(list.meta.pagination.total).toBe(policies.keyPolicy.maxActiveKeysPerWorkspace);
  });

  it("refuses control calls without the admin token", async () => {
    const response = await fetch(`${server.baseUrl}/__mock/reset`, { method: "POST" });
    expect(response.status).toBe(401);
  });

  it("shuts down cleanly on SIGTERM", async () => {
    const other = await startSimulatorProcess(["--log-level", "silent"]);
    await other.stop();
    await expect(fetch(other.baseUrl)).rejects.toThrow();
  });

  it("with --control off answers /__mock like production: 404 with a key, and says so on start", async () => {
    const prod = await startSimulatorProcess(["--control", "off", "--log-level", "warn"]);
    try {
      expect(prod.output()).toContain("control API:  off");
      const key = /demo API key: (masko_[0-9a-f]{64})/.exec(prod.output())?.[1] ?? "";
      const health = await fetch(`${prod.baseUrl}/__mock/health`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(health.status).toBe(404);
      expect(((await health.json()) as { error: { code: string } }).error.code).toBe("not_found");
      const credits = await fetch(`${prod.baseUrl}/v1/credits`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(credits.status).toBe(200);
    } finally {
      await prod.stop();
    }
  });

  it("reads the seed file again at each reset, and answers 400 naming it once it is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "masko-seed-"));
    const seedFile = join(dir, "seed.json");
    const seedWith = (apiKey: string) =>
      writeFileSync(
        seedFile,
        JSON.stringify({
          workspaces: [{ type: "personal", credits: 7, members: [{ role: "owner", api_key: apiKey }] }],
        }),
      );
    const [first, second] = [`masko_${"1".repeat(64)}`, `masko_${"2".repeat(64)}`];
    seedWith(first);
    const seeded = await startSimulatorProcess(["--seed", seedFile, "--log-level", "warn"]);
    const reset = () =>
      fetch(`${seeded.baseUrl}/__mock/reset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
    const creditsOf = async (key: string) =>
      (await fetch(`${seeded.baseUrl}/v1/credits`, { headers: { authorization: `Bearer ${key}` } })).status;
    try {
      expect(await creditsOf(first)).toBe(200);
      seedWith(second);
      expect((await reset()).status).toBe(204);
      expect([await creditsOf(first), await creditsOf(second)]).toEqual([401, 200]);
      rmSync(seedFile);
      const gone = await reset();
      expect(gone.status).toBe(400);
      const body = (await gone.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("bad_request");
      expect(body.error.message).toContain(seedFile);
    } finally {
      await seeded.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("documents every flag in --help and rejects a bad one", () => {
    const cli = join(root, "src/cli/index.ts");
    const help = spawnSync(process.execPath, ["--import", "tsx", cli, "mock", "--help"], {
      encoding: "utf8",
    });
    expect(help.status).toBe(0);
    for (const flag of [
      "--port",
      "--host",
      "--store",
      "--seed",
      "--admin-token",
      "--control",
      "MASKO_MOCK_CONTROL",
      "--log-level",
      "MASKO_MOCK_PORT",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const bad = spawnSync(process.execPath, ["--import", "tsx", cli, "mock", "--log-level", "loud"], {
      encoding: "utf8",
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--log-level must be one of");
    const badControl = spawnSync(process.execPath, ["--import", "tsx", cli, "mock", "--control", "maybe"], {
      encoding: "utf8",
    });
    expect(badControl.status).toBe(2);
    expect(badControl.stderr).toContain("--control must be on or off");
    const badAssets = spawnSync(
      process.execPath,
      ["--import", "tsx", cli, "mock", "--assets-base-url", "cdn.example.test"],
      { encoding: "utf8" },
    );
    expect(badAssets.status).toBe(2);
    expect(badAssets.stderr).toContain("--assets-base-url: assets base URL must be an absolute http(s) URL");
  });
});
