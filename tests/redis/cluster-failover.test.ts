/**
 * On a Redis Cluster, two simulator instances and eight sandboxes driven at once, while the primary that holds one
 * sandbox's slot is killed and its replica takes over: calls answer 503 (the documented answer while a store is
 * unavailable) at most for the failover, then everything works again; every accepted generation is charged exactly
 * once and none is lost; and nothing of one sandbox shows in another.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import slotOf from "cluster-key-slot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processClient, type RunningServer } from "../../support/process-harness.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";
import { CLUSTER_SEEDS, STORE_KIND, storeFlags } from "../../support/test-redis.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type Json = any;
interface Sandbox {
  sandbox_id: string;
  token: string;
  api_key: string;
}

const prefix = `masko-failover:${randomUUID()}:`;
const servers: RunningServer[] = [];
let a: RunningServer;
let b: RunningServer;

/** redis-cli against one node of the cluster. */
const cli = (port: string, ...args: string[]) =>
  execFileSync("redis-cli", ["-p", port, ...args], { encoding: "utf8" }).trim();
const ports = () => CLUSTER_SEEDS.map((seed) => seed.slice(seed.lastIndexOf(":") + 1));

/** The port of the primary serving `slot`, as the cluster says now. */
function primaryOf(slot: number): string {
  for (const port of ports()) {
    try {
      const nodes = cli(port, "cluster", "nodes").split("\n");
      for (const line of nodes) {
        const [, address, flags, , , , , state, ...ranges] = line.split(" ");
        if (!flags?.includes("master") || flags.includes("fail") || state !== "connected") continue;
        for (const range of ranges) {
          const [from, to] = range.split("-").map(Number);
          if (from !== undefined && slot >= from && slot <= (to ?? from))
            return address?.split(":")[1]?.split("@")[0] ?? "";
        }
      }
      return "";
    } catch {
      // that node is the one down: ask the next
    }
  }
  return "";
}

beforeAll(async () => {
  if (STORE_KIND !== "cluster") return;
  const flags = [...storeFlags(prefix), "--log-level", "warn"];
  [a, b] = await Promise.all([startSimulatorProcess(flags), startSimulatorProcess(flags)]);
  servers.push(a, b);
}, 30_000);
afterAll(async () => {
  for (const server of servers) await server.stop();
});

const call = (server: RunningServer, key: string, method: string, path: string, body?: unknown) =>
  processClient(server, { key }).call(method, path, {
    ...(body === undefined ? {} : { body }),
    unchecked: true,
  });
const inSandbox = (server: RunningServer, s: Sandbox, method: string, path: string, body?: unknown) =>
  processClient(server, { sandboxToken: s.token }).control(method, `/sandboxes/${s.sandbox_id}${path}`, body);

/** A collection of the sandbox's demo workspace. */
async function collectionOf(s: Sandbox): Promise<string> {
  const project = await call(a, s.api_key, "POST", "/v1/projects", { name: "P" });
  const collection = await call(b, s.api_key, "POST", "/v1/collections", {
    project_id: (project.body as Json).data.id,
    name: "Fox",
  });
  return (collection.body as Json).data.id;
}

describe.runIf(STORE_KIND === "cluster")("sandboxes on a Redis Cluster through a failover", () => {
  it("answer 503 at most while a primary fails over, charge every accepted generation once and lose none", async () => {
    const sandboxes: Sandbox[] = [];
    for (let i = 0; i < 8; i++) {
      sandboxes.push((await processClient(i % 2 ? a : b).control("POST", "/sandboxes", {})).body as Sandbox);
    }
    const collections = await Promise.all(sandboxes.map(collectionOf));
    // Each sandbox sets a balance of its own, moves its own clock and fails its own next job.
    await Promise.all(
      sandboxes.map(async (s, i) => {
        const credits = (await call(a, s.api_key, "GET", "/v1/credits")).body as Json;
        await inSandbox(b, s, "PUT", `/workspaces/${credits.data.workspace_id}/credits`, { balance: 50 + i });
        await inSandbox(a, s, "POST", "/clock", { advance_seconds: 10 * i });
      }),
    );
    const victim = sandboxes[0] as Sandbox;
    const port = primaryOf(slotOf(`${prefix}~{${victim.sandbox_id}}:x`));
    expect(port).not.toBe("");
    const pid = /process_id:(\d+)/.exec(cli(port, "info", "server"))?.[1];

    // A burst of generations in every sandbox over both instances; the victim's primary dies in the middle.
    const statuses: number[][] = sandboxes.map(() => []);
    const accepted: string[][] = sandboxes.map(() => []);
    const burst = sandboxes.map(async (s, i) => {
      for (let n = 0; n < 24; n++) {
        const answer = await call(
          n % 2 ? a : b,
          s.api_key,
          "POST",
          `/v1/collections/${collections[i]}/generate`,
          {
            type: "image",
            name: `W${n}`,
            image_prompt: "waving",
          },
        );
        statuses[i]?.push(answer.status);
        if (answer.status === 202) accepted[i]?.push((answer.body as Json).data.job_id);
        if (n === 6 && i === 0) process.kill(Number(pid), "SIGKILL");
        await new Promise((r) => setTimeout(r, 60));
      }
    });
    await Promise.all(burst).catch((error) => {
      throw new Error(`${error}\n--- a:\n${a.output().slice(-3000)}\n--- b:\n${b.output().slice(-3000)}`);
    });
    // After the failover every sandbox answers its Masko API calls again, on both instances (each round in a fresh
    // minute window of its own: the polls count against no other check's limit).
    const recovered = async () => {
      for (const s of sandboxes) await inSandbox(a, s, "POST", "/clock", { advance_seconds: 61 });
      const answers = await Promise.all(
        sandboxes.flatMap((s) =>
          [a, b].map((server) => call(server, s.api_key, "GET", "/v1/jobs?limit=100")),
        ),
      );
      return answers.every((x) => x.status === 200);
    };
    const deadline = Date.now() + 20_000;
    let back = await recovered();
    while (!back && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      back = await recovered();
    }
    expect(back).toBe(true);
    for (const s of sandboxes)
      expect((await inSandbox(a, s, "POST", "/clock", { advance_seconds: 61 })).status).toBe(200);

    for (const [i, s] of sandboxes.entries()) {
      const seen = statuses[i] ?? [];
      // Only 202 and, during the failover, 503: no 500, no 402 (a balance of 50+ pays for 24 images).
      expect(
        seen.filter((x) => x !== 202 && x !== 503),
        `sandbox ${i}: ${seen}`,
      ).toEqual([]);
      if (i !== 0) expect(seen.filter((x) => x === 503).length, `sandbox ${i}`).toBeLessThan(seen.length);
      const jobs = (await call(b, s.api_key, "GET", "/v1/jobs?limit=100")).body as Json;
      const stored = jobs.data.map((j: Json) => j.id);
      // Every accepted generation is there (none lost)...
      expect(stored.filter((id: string) => (accepted[i] ?? []).includes(id)).sort()).toEqual(
        [...(accepted[i] ?? [])].sort(),
      );
      // ...and charged once: the balance is what it was given less one credit per stored job.
      const balance = ((await call(a, s.api_key, "GET", "/v1/credits")).body as Json).data.balance;
      expect(balance, `sandbox ${i}`).toBe(50 + i - stored.length);
      // Nothing of another sandbox: its jobs are its own collection's only.
      expect(jobs.data.every((j: Json) => j.collection_id === collections[i])).toBe(true);
    }
    // The killed node comes back as a replica of the one that took over.
    const dir = cli(ports().find((p) => p !== port) ?? "", "config", "get", "dir").split("\n")[1] ?? "";
    execFileSync("redis-server", [
      "--port",
      port,
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "yes",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      `${dir.replace(/\/[^/]+$/, "")}/${port}/nodes.conf`,
      "--cluster-node-timeout",
      "1000",
      "--dir",
      `${dir.replace(/\/[^/]+$/, "")}/${port}`,
    ]);
  }, 90_000);
});
