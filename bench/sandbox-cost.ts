/**
 * `npm run bench:sandboxes` (and the last section of `npm run bench`): what sandboxes cost. One simulator (memory
 * store) with 1, 1,000 and 10,000 live sandboxes, each measured with wrk rotating over the demo keys of up to 1,000
 * of them (every call routed to its sandbox), beside the bare node:http server in the same run; the simulator's
 * memory after each step; then every sandbox left to expire (TTL 1 s) and the memory once they are swept: an idle
 * expired sandbox costs nothing.
 *
 * Usage: npm run bench:sandboxes [-- --seconds 5 --connections 50 --counts 1,1000,10000]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { controlClient } from "../src/contract/control-client.js";
import { root, rssMb, type Server, serverPid, settle, simulatorArgs, start, stop } from "./lib/servers.js";
import { type Sample, wrk } from "./lib/wrk.js";

/** One step of the run: how many sandboxes were live, the load figures and the simulator's memory. */
export interface SandboxRow {
  sandboxes: number;
  sample: Sample;
  rssMb: number;
}

/** The whole measurement, for bench/RESULTS.md. */
export interface SandboxCost {
  bare: Sample;
  rows: SandboxRow[];
  /** RSS with no sandbox yet, and after every sandbox expired and was swept. */
  rssEmpty: number;
  rssAfterExpiry: number;
  liveAfterExpiry: number;
  command: string;
}

/** Measures the cost of sandboxes (the servers are started and stopped here). */
export async function sandboxCost(options: {
  seconds: number;
  connections: number;
  counts: number[];
}): Promise<SandboxCost> {
  const node = process.execPath;
  const dir = mkdtempSync(join(tmpdir(), "masko-sandbox-bench-"));
  const servers: Server[] = [];
  try {
    const simulator = await start("simulator", node, simulatorArgs("--max-sandboxes", "20000"));
    const bare = await start("bare node:http", node, (p) => [join(root, "bench/bare-server.mjs"), String(p)]);
    servers.push(simulator, bare);
    const control = controlClient(simulator.url);
    await settle(simulator);
    const rssEmpty = rssMb(serverPid(simulator));
    const keys: string[] = [];
    const rows: SandboxRow[] = [];
    const settings = (file: string) => ({
      seconds: options.seconds,
      connections: options.connections,
      keysFile: file,
    });
    let live = 0;
    for (const count of options.counts) {
      // Made ten at a time; each with a TTL long enough to outlive the step, then shortened below.
      while (live < count) {
        const made = await Promise.all(
          Array.from({ length: Math.min(10, count - live) }, () =>
            control.createSandbox({ ttlSeconds: 3600 }),
          ),
        );
        for (const sandbox of made) if (keys.length < 1000) keys.push(sandbox.apiKey ?? "");
        live += made.length;
      }
      const file = join(dir, `keys-${count}.txt`);
      writeFileSync(file, `${keys.join("\n")}\n`);
      wrk(simulator, { ...settings(file), seconds: 2 }); // warm-up
      await settle(simulator);
      const sample = wrk(simulator, settings(file));
      await settle(simulator);
      rows.push({ sandboxes: count, sample, rssMb: rssMb(serverPid(simulator)) });
      process.stdout.write(`${count} sandboxes: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms\n`);
    }
    const bareSample = wrk(bare, { seconds: options.seconds, connections: options.connections });
    // Every sandbox made again with a TTL of 1 s (the first ones deleted), then left alone until swept.
    for (const sandbox of await control.listSandboxes()) await control.deleteSandbox(sandbox.sandbox_id);
    const last = options.counts.at(-1) ?? 0;
    for (let made = 0; made < last; made += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, last - made) }, () => control.createSandbox({ ttlSeconds: 1 })),
      );
    }
    const deadline = Date.now() + 60_000;
    while ((await control.listSandboxes()).length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const liveAfterExpiry = (await control.listSandboxes()).length;
    await settle(simulator);
    // A collection gives back what the expired sandboxes held (node's heap is collected lazily).
    await new Promise((r) => setTimeout(r, 3000));
    const rssAfterExpiry = rssMb(serverPid(simulator));
    return {
      bare: bareSample,
      rows,
      rssEmpty,
      rssAfterExpiry,
      liveAfterExpiry,
      command: `npm run bench:sandboxes -- --seconds ${options.seconds} --connections ${options.connections} --counts ${options.counts.join(",")}`,
    };
  } finally {
    for (const server of servers) stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Markdown section of the figures. */
export function sandboxSection(cost: SandboxCost): string {
  const first = cost.rows[0];
  const lines = [
    "## Sandboxes",
    "",
    `\`${cost.command}\` — GET /v1/credits, wrk -t1, rotating over the demo keys of up to 1,000 sandboxes (every call routed to its sandbox by its key); the bare node:http server in the same run: ${cost.bare.rps.toFixed(0)} req/s, p99 ${cost.bare.p99.toFixed(2)} ms.`,
    "",
    "| live sandboxes | req/s | × bare | × 1 sandbox | p99 ms | p99 × bare | RSS MB |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...cost.rows.map(
      (r) =>
        `| ${r.sandboxes.toLocaleString("en")} | ${r.sample.rps.toFixed(0)} | ${(r.sample.rps / cost.bare.rps).toFixed(2)} | ${(r.sample.rps / (first?.sample.rps ?? 1)).toFixed(2)} | ${r.sample.p99.toFixed(2)} | ${(r.sample.p99 / cost.bare.p99).toFixed(1)} | ${r.rssMb.toFixed(0)} |`,
    ),
    "",
    `Idle expired sandboxes cost nothing: RSS with no sandbox ${cost.rssEmpty.toFixed(0)} MB; after ${(cost.rows.at(-1)?.sandboxes ?? 0).toLocaleString("en")} sandboxes with a 1 s TTL expired and were swept, ${cost.liveAfterExpiry} left and RSS ${cost.rssAfterExpiry.toFixed(0)} MB (node returns freed heap to the system lazily, so RSS is an upper bound).`,
    "",
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      counts: { type: "string", default: "1,1000,10000" },
    },
  });
  const cost = await sandboxCost({
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    counts: values.counts.split(",").map(Number),
  });
  const section = sandboxSection(cost);
  process.stdout.write(`\n${section}`);
  if (!process.env.BENCH_NO_WRITE)
    writeFileSync(join(root, "bench/SANDBOXES.md"), `# Sandbox cost\n\n${section}`);
}
