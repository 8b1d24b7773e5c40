/**
 * `npm run bench`: GET /v1/credits through the simulator's whole pipeline (auth, limiter with limits raised by
 * configuration, store, JSON) beside the servers a user would compare it with — a bare node:http server with the
 * same body (the ceiling), WireMock standalone with one stub, Prism and Mockoon CLI serving the spec — in one run,
 * servers alternating round by round. Load comes from wrk, a separate process with pre-built requests, rotating
 * over the seeded keys. Then the growth run: per-request cost and memory from 10 to 100,000 seeded workspaces.
 * Installs its peers when missing (bench/lib/peers.ts). Writes bench/RESULTS.md with every target met or missed.
 *
 * Usage: npm run bench [-- --seconds 5 --rounds 3 --connections 50 --keys 5000 --growth 10,1000,100000]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startLocalCluster } from "../support/redis-cluster.js";
import { startOwnRedis } from "../support/redis-server.js";
import { ensurePeers, MOCKOON_VERSION, WIREMOCK_VERSION, wiremockRoot } from "./lib/peers.js";
import { type GrowthRow, met, type Row, report, type Target } from "./lib/report.js";
import { seededKeys } from "./lib/seed.js";
import {
  cpuTicks,
  root,
  rssMb,
  type Server,
  serverPid,
  settle,
  simulatorArgs,
  start,
  stop,
} from "./lib/servers.js";
import { median, type Sample, type WrkSettings, wrk } from "./lib/wrk.js";
import { sandboxCost, sandboxSection } from "./sandbox-cost.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    keys: { type: "string", default: "5000" },
    growth: { type: "string", default: "10,1000,100000" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const KEYS = Number(values.keys);
const GROWTH = values.growth.split(",").map(Number);
const SPEC = join(root, "src/generated/openapi.json");
const node = process.execPath;

/** A server to measure, with its wrk settings and how long to warm it up. */
interface Measured {
  server: Server;
  settings: WrkSettings;
  warmSeconds: number;
  /** A process the server depends on whose CPU is its too (the Redis store's redis-server). */
  helperPid?: number;
}

/** One measured run: wrk's figures and the CPU µs a request of the server (and its helper). */
type Run = Sample & { cpuUs: number; helperCpuUs: number | undefined };

/** wrk against `m.server`, with the CPU its process (and helper) used over the run. */
function run(m: Measured): Run {
  const pid = serverPid(m.server);
  const [server, helper] = [cpuTicks(pid), m.helperPid ? cpuTicks(m.helperPid) : 0];
  const sample = wrk(m.server, m.settings);
  const perRequest = (ticks: number) => (ticks * 10_000) / Math.max(1, sample.requests);
  return {
    ...sample,
    cpuUs: perRequest(cpuTicks(pid) - server),
    helperCpuUs: m.helperPid ? perRequest(cpuTicks(m.helperPid) - helper) : undefined,
  };
}

/**
 * Warm-up, then ROUNDS alternating rounds over `measured` (each server idle again before the next is measured):
 * the medians per server, and its memory after the load.
 */
async function measure(measured: Measured[]): Promise<Row[]> {
  for (const { server, settings, warmSeconds } of measured) {
    wrk(server, { ...settings, seconds: warmSeconds });
    await settle(server);
  }
  const samples = new Map<Server, Run[]>(measured.map((m) => [m.server, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of measured) {
      samples.get(m.server)?.push(run(m));
      await settle(m.server);
    }
    process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  return measured.map(({ server, helperPid }) => {
    const list = samples.get(server) ?? [];
    return {
      name: server.name,
      rps: median(list.map((x) => x.rps)),
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
      non2xx: list.reduce((n, x) => n + x.non2xx, 0),
      rss: rssMb(serverPid(server)),
      first: server.firstAnswerMs,
      cpuUs: median(list.map((x) => x.cpuUs)),
      ...(helperPid ? { helperCpuUs: median(list.map((x) => x.helperCpuUs ?? 0)) } : {}),
    };
  });
}

/** Simulators seeded with each size of GROWTH, measured side by side with every key in the limiter. */
async function growthRun(): Promise<GrowthRow[]> {
  const sizes = GROWTH.map((count) => ({ count, seeded: seededKeys(count) }));
  const servers: Server[] = [];
  try {
    for (const { count, seeded } of sizes) {
      const args = simulatorArgs("--seed", seeded.seedFile);
      servers.push(await start(`simulator, ${count} keys`, node, args, { key: seeded.firstKey }));
    }
    const rows = await measure(
      sizes.map(({ count, seeded }, i) => ({
        server: servers[i] as Server,
        settings: { seconds: SECONDS, connections: CONNECTIONS, keysFile: seeded.keysFile },
        warmSeconds: Math.max(3, Math.ceil(count / 12_000)), // every key enters the limiter
      })),
    );
    return rows.map((row, i) => ({ keys: sizes[i]?.count ?? 0, rps: row.rps, p99: row.p99, rss: row.rss }));
  } finally {
    for (const server of servers) stop(server);
    for (const { seeded } of sizes) seeded.remove();
  }
}

/** Every server measured, in the order of the table's rows. */
async function startServers(
  peers: Awaited<ReturnType<typeof ensurePeers>>,
  seeded: ReturnType<typeof seededKeys>,
  redis: { url: string; clusterSeeds: string[] },
  wiremockDir: string,
  key: { key: string },
): Promise<Server[]> {
  const onRedis = await start(
    "simulator, redis store",
    node,
    simulatorArgs("--seed", seeded.seedFile, "--store", "redis", "--redis-url", redis.url),
    key,
  );
  const onCluster = await start(
    "simulator, redis cluster store (3+3)",
    node,
    simulatorArgs(
      "--seed",
      seeded.seedFile,
      "--store",
      "redis",
      "--redis-cluster",
      redis.clusterSeeds.join(","),
    ),
    key,
  );
  return [
    await start("simulator", node, simulatorArgs("--seed", seeded.seedFile), key),
    onRedis,
    onCluster,
    await start("bare node:http", node, (p) => [join(root, "bench/bare-server.mjs"), String(p)]),
    await start("bare node:http, writes coalesced", node, (p) => [
      ...[join(root, "bench/bare-server.mjs"), String(p), "--coalesce"],
    ]),
    await start(`wiremock ${WIREMOCK_VERSION}`, peers.java, (p) => [
      ...["-jar", peers.wiremockJar, "--port", String(p), "--bind-address", "127.0.0.1"],
      ...["--root-dir", wiremockDir, "--no-request-journal", "--disable-request-logging", "--disable-banner"],
    ]),
    await start("prism 5.14.2 -v error", join(root, "node_modules/.bin/prism"), (p) => [
      ...["mock", SPEC, "-h", "127.0.0.1", "-p", String(p), "-v", "error"],
    ]),
    await start(`mockoon ${MOCKOON_VERSION}`, peers.mockoon, (p) => [
      ...["start", "--data", SPEC, "--port", String(p), "--hostname", "127.0.0.1", "--disable-log-to-file"],
    ]),
  ];
}

/** The rows of the table, in startServers' order. */
type TableRows = [Row, Row, Row, Row, Row, Row, Row, Row];

/** The targets the report judges: ratios to the bare server and the peers, latency, memory and growth. */
function targetsOf(rows: Row[], growth: GrowthRow[]): Target[] {
  const [sim, simRedis, simCluster, bare, , wiremock, prism, mockoon] = rows as TableRows;
  const smallest = growth[0] as GrowthRow;
  const largest = growth.at(-1) as GrowthRow;
  return [
    { what: "simulator / bare node:http", value: sim.rps / bare.rps, unit: "×", bound: 0.7, kind: "min" },
    { what: "simulator / Prism", value: sim.rps / prism.rps, unit: "×", bound: 8, kind: "min" },
    { what: "simulator / WireMock", value: sim.rps / wiremock.rps, unit: "×", bound: 2, kind: "min" },
    { what: "simulator / Mockoon", value: sim.rps / mockoon.rps, unit: "×", bound: 1, kind: "min" },
    { what: "simulator p99", value: sim.p99, unit: "ms", bound: 5, kind: "max" },
    { what: `simulator RSS after load, ${KEYS} keys`, value: sim.rss, unit: "MB", bound: 100, kind: "max" },
    {
      what: "Redis store / memory store",
      value: simRedis.rps / sim.rps,
      unit: "×",
      bound: 0.7,
      kind: "min",
    },
    {
      what: "Redis Cluster store / single Redis store",
      value: simCluster.rps / simRedis.rps,
      unit: "×",
      bound: 0.8,
      kind: "min",
    },
    {
      what: `req/s at ${largest.keys.toLocaleString("en")} keys / at ${smallest.keys}`,
      value: largest.rps / smallest.rps,
      unit: "×",
      bound: 0.85,
      kind: "min",
    },
    {
      what: `RSS with ${largest.keys.toLocaleString("en")} seeded workspaces`,
      value: largest.rss,
      unit: "MB",
      bound: 200,
      kind: "max",
    },
  ];
}

async function main() {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  const peers = await ensurePeers();
  const redis = await startOwnRedis({ persist: false });
  const cluster = await startLocalCluster();
  const seeded = seededKeys(KEYS);
  const wiremockDir = wiremockRoot(mkdtempSync(join(tmpdir(), "masko-wiremock-")));
  const key = { key: seeded.firstKey };
  const servers: Server[] = [];
  const stopAll = async () => {
    for (const s of servers.splice(0)) stop(s);
    await redis.remove();
    cluster.stop();
  };
  try {
    servers.push(
      ...(await startServers(
        peers,
        seeded,
        { url: redis.url, clusterSeeds: cluster.seeds },
        wiremockDir,
        key,
      )),
    );
    const onRedis = servers[1] as Server;
    const settings: WrkSettings = { seconds: SECONDS, connections: CONNECTIONS, keysFile: seeded.keysFile };
    const redisPid = redis.pid();
    const rows = await measure(
      servers.map((server) => ({
        server,
        settings,
        warmSeconds: 3,
        ...(server === onRedis && redisPid ? { helperPid: redisPid } : {}),
      })),
    );
    await stopAll(); // the growth run's servers are measured without these
    const growth = await growthRun();
    const sandboxes = await sandboxCost({
      seconds: SECONDS,
      connections: CONNECTIONS,
      counts: [1, 1000, 10_000],
    });

    const [sim, , , bare, bareCoalesced] = rows as [Row, Row, Row, Row, Row];
    const targets = targetsOf(rows, growth);
    const text = report({
      command: `npm run bench -- --seconds ${SECONDS} --rounds ${ROUNDS} --connections ${CONNECTIONS} --keys ${KEYS} --growth ${GROWTH.join(",")}`,
      setting: `GET /v1/credits, wrk -t1 -c${CONNECTIONS} rotating ${KEYS} seeded keys, ${ROUNDS} alternating rounds of ${SECONDS} s per server (medians; each server idle again before the next one is measured); the bare node:http server (p50 ${bare.p50.toFixed(2)} ms, p99 ${bare.p99.toFixed(2)} ms in this run) is the baseline: node:http answering the same bytes with no work of its own.`,
      rows,
      targets,
      growth,
      notes: [
        "The simulator writes the answers of one event-loop turn together (src/mock/transport/coalesced-writer.ts). The bare " +
          "server above writes each answer at once, as a plain node:http server does; written the same way as the " +
          `simulator's, it makes ${bareCoalesced.rps.toFixed(0)} req/s, and the simulator runs at ` +
          `${(sim.rps / bareCoalesced.rps).toFixed(2)}× of that (not a target: the same technique on both sides).`,
      ],
    });
    const full = `${text}\n${sandboxSection(sandboxes)}`;
    process.stdout.write(`\n${full}`);
    if (!process.env.BENCH_NO_WRITE) writeFileSync(join(root, "bench/RESULTS.md"), full);
    const missed = targets.filter((t) => !met(t)).length;
    process.stdout.write(`${targets.length - missed} of ${targets.length} targets met\n`);
  } finally {
    await stopAll();
    seeded.remove();
    rmSync(wiremockDir, { recursive: true, force: true });
  }
}

await main();
