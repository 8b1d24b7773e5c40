/**
 * `npm run bench:profile`: where the simulator spends its CPU under the benchmark's load (GET /v1/credits, wrk -t1
 * -c50, 5,000 seeded keys rotated). Runs the compiled simulator under `node --cpu-prof`, then sums the profile's
 * self time by where the code lives (the simulator's own modules, its libraries, Node internals, GC) and by
 * function: the flat summary of a flame graph. Then, where Linux `perf` is installed, the same load once more under
 * perf, which sees the kernel's share too (bench/lib/perf-profile.ts). Prints both and writes bench/PROFILE.md; the
 * .cpuprofile and perf.data stay in reports/profile/ for a viewer (Chrome DevTools, speedscope, perf report).
 *   npm run bench:profile [-- --seconds 10 --keys 5000 --store memory|redis]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startOwnRedis } from "../support/redis-server.js";
import { type CpuProfile, summarise } from "./lib/cpu-profile.js";
import { perfAvailable, perfRecord, perfSummary } from "./lib/perf-profile.js";
import { type SeededKeys, seededKeys } from "./lib/seed.js";
import { root, serverPid, simulatorArgs, start, stop } from "./lib/servers.js";
import { wrk } from "./lib/wrk.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    keys: { type: "string", default: "5000" },
    store: { type: "string", default: "memory" },
  },
});

/** wrk's load for both runs (the measured one lasts `--seconds`). */
const LOAD = { seconds: 3, connections: 50 };

/** The simulator on the benchmark's seed and store, node started with `nodeFlags`, warmed up under the load. */
async function startLoaded(nodeFlags: string[], seeded: SeededKeys, storeArgs: string[]) {
  const server = await start(
    "simulator",
    process.execPath,
    (port) => [...nodeFlags, ...simulatorArgs("--seed", seeded.seedFile, ...storeArgs)(port)],
    { key: seeded.firstKey },
  );
  wrk(server, { ...LOAD, keysFile: seeded.keysFile }); // warm-up
  return server;
}

/** The simulator under the same load once more, with `--perf-basic-prof`, recorded by perf. */
async function perfRun(file: string, seeded: SeededKeys, storeArgs: string[]) {
  const server = await startLoaded(["--perf-basic-prof"], seeded, storeArgs);
  try {
    const seconds = Number(values.seconds);
    const recorded = perfRecord(serverPid(server), seconds, file);
    // wrk runs a second longer than perf records, so every sample is taken under load.
    const sample = wrk(server, { ...LOAD, seconds: seconds + 1, keysFile: seeded.keysFile });
    await recorded;
    return { sample, summary: perfSummary(file) };
  } finally {
    stop(server);
  }
}

async function main() {
  const dir = join(root, "reports/profile");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seeded = seededKeys(Number(values.keys));
  const redis = values.store === "redis" ? await startOwnRedis({ persist: false }) : undefined;
  const storeArgs = redis ? ["--store", "redis", "--redis-url", redis.url] : [];
  const server = await startLoaded(["--cpu-prof", "--cpu-prof-dir", dir], seeded, storeArgs);
  try {
    const sample = wrk(server, { ...LOAD, seconds: Number(values.seconds), keysFile: seeded.keysFile });
    stop(server, "SIGINT");
    await new Promise((r) => server.child.once("exit", r));
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const perf = perfAvailable() ? await perfRun(join(dir, "perf.data"), seeded, storeArgs) : undefined;
    const report = [
      "# Where the simulator spends its CPU",
      "",
      `Command: \`npm run bench:profile -- --seconds ${values.seconds} --keys ${values.keys} --store ${values.store}\``,
      `Run: ${new Date().toISOString()}, Node ${process.version}. GET /v1/credits, wrk -t1 -c50, ${values.keys} keys rotated: ${sample.rps.toFixed(0)} req/s under the profiler (p99 ${sample.p99.toFixed(2)} ms).`,
      "",
      ...summarise(profile),
      "",
      "## As perf sees it, kernel included",
      "",
      perf
        ? `V8's profiler stops at the system call: the kernel's work shows above only inside native frames such as writev. \`perf record -F 2000\` on the simulator run with \`--perf-basic-prof\` (a second run, same load: ${perf.sample.rps.toFixed(0)} req/s under perf) names the kernel's part too; \`perf report -i reports/profile/perf.data\` opens it with call graphs off.`
        : "`perf` is not installed here: this part is left out (Debian: `apt-get install linux-perf`).",
      "",
      ...(perf?.summary ?? []),
      "",
    ].join("\n");
    process.stdout.write(report);
    const out = values.store === "redis" ? "bench/PROFILE-redis.md" : "bench/PROFILE.md";
    if (!process.env.BENCH_NO_WRITE) writeFileSync(join(root, out), report);
  } finally {
    stop(server);
    seeded.remove();
    await redis?.remove();
  }
}

await main();
