/**
 * `npm run bench`: GET /v1/credits through the simulator's whole pipeline (auth, limiter with limits raised by
 * configuration, store, JSON) against a bare node:http server with the same body and against Prism 5.14.2
 * (`-v error`), alternating servers round by round in one run. Load comes from wrk, a separate process with
 * pre-built requests, so the generator is not the bottleneck. Writes bench/RESULTS.md.
 *
 * Usage: npm run bench [-- --seconds 5 --rounds 3 --connections 50]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { controlClient } from "../src/contract/control-client.js";
import { freePort } from "../support/processes.js";
import { startOwnRedis } from "../support/redis-server.js";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    keys: { type: "string", default: "1000" },
    growth: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const MANY_KEYS = Number(values.keys);

interface Server {
  name: string;
  child: ChildProcess;
  url: string;
  firstAnswerMs: number;
  key: string;
}
interface Sample {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function start(
  name: string,
  command: string,
  args: (port: number) => string[],
  key = "",
): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args(port), { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d));
  child.stderr?.on("data", (d: Buffer) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/credits`, {
        headers: { authorization: `Bearer ${key || `masko_${"0".repeat(64)}`}` },
      });
      await res.arrayBuffer();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const firstAnswerMs = performance.now() - started;
  const demo = /demo API key: (masko_[0-9a-f]{64})/.exec(output)?.[1];
  return { name, child, url, firstAnswerMs, key: key || demo || `masko_${"ab".repeat(32)}` };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The pid of the process actually listening (npx/prism wrappers spawn children). */
function serverPid(server: Server): number {
  const port = new URL(server.url).port;
  const out = execFileSync("sh", ["-c", `ss -ltnpH 'sport = :${port}' | grep -o 'pid=[0-9]*' | head -1`], {
    encoding: "utf8",
  });
  return Number(out.replace("pid=", "")) || (server.child.pid as number);
}

function parseMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

function wrk(server: Server, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Sample {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", ...extra];
  if (!extra.includes("-s")) args.push("-H", `Authorization: Bearer ${server.key}`);
  args.push(`${server.url}/v1/credits`);
  const out = execFileSync("wrk", args, { encoding: "utf8", env: { ...process.env, ...env } });
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: parseMs(/50%\s+(\S+)/.exec(out)?.[1] ?? ""),
    p99: parseMs(/99%\s+(\S+)/.exec(out)?.[1] ?? ""),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** A new workspace's key via the control API (retried once: a kept-alive socket may have been closed). */
async function createWorkspaceKey(url: string, attempt = 0): Promise<string> {
  try {
    return (await controlClient(url).workspace(1)).api_key;
  } catch (error) {
    if (attempt > 0) throw error;
    return createWorkspaceKey(url, attempt + 1);
  }
}

/** The simulator's command line for a benchmark: compiled, quiet, limits raised out of the way. */
const simulatorArgs = (port: number) => [
  join(root, "dist/src/cli/index.js"),
  "mock",
  "--port",
  String(port),
  "--log-level",
  "warn",
  "--rate-limit-scale",
  "1000000",
];

const GROWTH = (values.growth ?? "10,1000,100000").split(",").map(Number);

/** One simulator seeded with `count` workspaces; returns throughput, p99 and RSS with every key in the limiter. */
async function growthRun(count: number) {
  const dir = mkdtempSync(join(tmpdir(), "masko-growth-"));
  const keys = Array.from({ length: count }, () => `masko_${randomBytes(32).toString("hex")}`);
  const seedFile = join(dir, "seed.json");
  const keysFile = join(dir, "keys.txt");
  writeFileSync(
    seedFile,
    JSON.stringify({
      workspaces: keys.map((api_key) => ({
        type: "personal",
        credits: 1,
        members: [{ role: "owner", api_key }],
      })),
    }),
  );
  writeFileSync(keysFile, `${keys.join("\n")}\n`);
  const server = await start(
    `simulator, ${count} keys`,
    process.execPath,
    (p) => [...simulatorArgs(p), "--seed", seedFile],
    keys[0],
  );
  try {
    const lua = ["-s", join(root, "bench/rotate-keys.lua")];
    const env = { KEYS_FILE: keysFile };
    wrk(server, [...lua, `-d${Math.max(3, Math.ceil(count / 12_000))}s`], env); // every key enters the limiter
    const sample = wrk(server, lua, env);
    return { keys: count, rps: sample.rps, p99: sample.p99, rss: rssMb(serverPid(server)) };
  } finally {
    try {
      process.kill(-(server.child.pid as number), "SIGTERM");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main() {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  const redis = await startOwnRedis({ persist: false });
  const node = process.execPath;
  const servers: Server[] = [
    await start("simulator", node, simulatorArgs),
    await start("simulator, redis store", node, (p) => [
      ...simulatorArgs(p),
      "--store",
      "redis",
      "--redis-url",
      redis.url,
    ]),
    await start("bare node:http", node, (p) => [join(root, "bench/bare-server.mjs"), String(p)]),
    await start("prism 5.14.2 -v error", join(root, "node_modules/.bin/prism"), (p) => [
      "mock",
      join(root, "src/generated/openapi.json"),
      "-h",
      "127.0.0.1",
      "-p",
      String(p),
      "-v",
      "error",
    ]),
  ];
  const samples = new Map<string, Sample[]>(servers.map((s) => [s.name, []]));
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of servers) {
      try {
        process.kill(-(s.child.pid as number), "SIGTERM");
      } catch {}
    }
    await redis.remove();
  };
  try {
    for (const s of servers) wrk(s, ["-d3s"]); // warm-up: let the JIT settle before measuring
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of servers) samples.get(s.name)?.push(wrk(s));
      process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
    }

    const rssAfterLoad = new Map(servers.map((s) => [s.name, rssMb(serverPid(s))]));

    // Many keys: create MANY_KEYS workspaces through the control API, then rotate them with a wrk Lua script.
    const sim = servers[0] as Server;
    const keys: string[] = [];
    for (let i = 0; i < MANY_KEYS; i++) keys.push(await createWorkspaceKey(sim.url));
    const keysFile = join(tmpdir(), "masko-bench-keys.txt");
    writeFileSync(keysFile, `${keys.join("\n")}\n`);
    const manyKeys = wrk(sim, ["-s", join(root, "bench/rotate-keys.lua")], { KEYS_FILE: keysFile });

    const rows = servers.map((s) => {
      const list = samples.get(s.name) ?? [];
      return {
        name: s.name,
        rps: median(list.map((x) => x.rps)),
        p50: median(list.map((x) => x.p50)),
        p99: median(list.map((x) => x.p99)),
        non2xx: list.reduce((n, x) => n + x.non2xx, 0),
        rss: rssAfterLoad.get(s.name) ?? Number.NaN,
        first: s.firstAnswerMs,
      };
    });
    const [simRow, redisRow, bareRow, prismRow] = rows as [
      (typeof rows)[number],
      (typeof rows)[number],
      (typeof rows)[number],
      (typeof rows)[number],
    ];
    const table = [
      "| server | req/s (median) | p50 ms | p99 ms | non-2xx | RSS after load MB | first answer ms |",
      "|---|---|---|---|---|---|---|",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.non2xx} | ${r.rss.toFixed(0)} | ${r.first.toFixed(0)} |`,
      ),
      `| simulator, ${MANY_KEYS} keys rotated | ${manyKeys.rps.toFixed(0)} | ${manyKeys.p50.toFixed(2)} | ${manyKeys.p99.toFixed(2)} | ${manyKeys.non2xx} | ${rssMb(serverPid(sim)).toFixed(0)} | — |`,
    ];
    const ratios = [
      `- simulator / bare node:http: **${(simRow.rps / bareRow.rps).toFixed(2)}×** (target ≥ 0.5×)`,
      `- simulator with the Redis store / with the memory store: **${(redisRow.rps / simRow.rps).toFixed(2)}×** (p99 ${redisRow.p99.toFixed(2)} ms)`,
      `- simulator / Prism: **${(simRow.rps / prismRow.rps).toFixed(1)}×** (target ≥ 8×)`,
      `- simulator p99: **${simRow.p99.toFixed(2)} ms** (target ≤ 5 ms); RSS after load **${simRow.rss.toFixed(0)} MB** (target ≤ 120 MB); first answer **${simRow.first.toFixed(0)} ms** after spawn (target ≤ 500 ms)`,
      `- ${MANY_KEYS} keys rotated / one key: **${(manyKeys.rps / simRow.rps).toFixed(2)}×**`,
    ];
    // Growth: the limiter holding 10, 1,000 and 100,000 active keys (seeded workspaces, every key warmed), with
    // the servers above stopped so that only the server measured runs.
    await stopAll();
    const growth: Array<{ keys: number; rps: number; p99: number; rss: number }> = [];
    for (const count of GROWTH) growth.push(await growthRun(count));
    const growthTable = [
      "| active keys in the limiter | req/s | p99 ms | RSS after load MB |",
      "|---|---|---|---|",
      ...growth.map(
        (g) =>
          `| ${g.keys.toLocaleString("en")} | ${g.rps.toFixed(0)} | ${g.p99.toFixed(2)} | ${g.rss.toFixed(0)} |`,
      ),
    ];
    const first = growth[0];
    const lastGrowth = growth.at(-1);
    const growthRatio =
      first && lastGrowth
        ? `- ${lastGrowth.keys.toLocaleString("en")} keys / ${first.keys} keys: **${(lastGrowth.rps / first.rps).toFixed(2)}×** req/s`
        : "";

    const report = [
      "# Benchmark results",
      "",
      `Command: \`npm run bench -- --seconds ${SECONDS} --rounds ${ROUNDS} --connections ${CONNECTIONS} --keys ${MANY_KEYS}\``,
      `Run: ${new Date().toISOString()}, Node ${process.version}, ${(await import("node:os")).cpus().length} cores. GET /v1/credits, wrk -t1 -c${CONNECTIONS}, ${ROUNDS} alternating rounds of ${SECONDS} s per server (medians).`,
      "The simulator runs its whole pipeline (CORS, auth by SHA-256, two-window limiter with limits raised by `--rate-limit-scale`, store, JSON).",
      "",
      ...table,
      "",
      ...ratios,
      "",
      "## Growth: cost per request as the number of keys grows",
      "",
      "Each size is a fresh simulator seeded with that many workspaces (one key each); wrk rotates over every key",
      "(Lua script), first long enough to put every key in the limiter, then for the measurement.",
      "",
      ...growthTable,
      "",
      growthRatio,
      "",
    ].join("\n");
    process.stdout.write(`\n${report}`);
    if (!process.env.BENCH_NO_WRITE) writeFileSync(join(root, "bench/RESULTS.md"), report);
  } finally {
    await stopAll();
  }
}

await main();
