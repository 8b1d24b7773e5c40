/**
 * `npm run bench:start`: how long from launching a command to its first HTTP answer, for `npm run mock` as a user
 * types it, the compiled `masko-contract mock`, a bare node:http server (the floor), and the same bare server
 * launched through npm (`npm run bench:bare`: npm's own start on both sides). Then, in fresh processes, importing
 * and creating the in-process simulator (`createMaskoSimulator()` of the MSW entry) against importing MSW itself
 * (`msw` and `msw/node`). Rounds alternate; medians are printed with their ratios, and written to bench/START.md.
 *   npm run bench:start [-- --rounds 7]
 */
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../support/processes.js";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });

const commands: Record<string, (port: number) => string[]> = {
  "npm run mock": (port) => [
    "npm",
    "run",
    "mock",
    "--silent",
    "--",
    "--port",
    String(port),
    "--log-level",
    "silent",
  ],
  "masko-contract mock (compiled)": (port) => [
    process.execPath,
    join(root, "dist/src/cli/index.js"),
    "mock",
    "--port",
    String(port),
    "--log-level",
    "silent",
  ],
  "bare node:http": (port) => [process.execPath, join(root, "bench/bare-server.mjs"), String(port)],
  "npm run bench:bare (bare node:http through npm)": (port) => [
    "npm",
    "run",
    "bench:bare",
    "--silent",
    "--",
    String(port),
  ],
};

/** Scripts run in a fresh process each: each prints the milliseconds from the process's start to its end. */
const inProcess: Record<string, string> = {
  "import msw, msw/node": 'await import("msw"); await import("msw/node");',
  "import masko-contract/msw, createMaskoSimulator()": `const { createMaskoSimulator } = await import(${JSON.stringify(
    join(root, "dist/src/msw/index.js"),
  )}); await import("msw/node"); await createMaskoSimulator();`,
  "node alone": "",
};

/** Milliseconds from a fresh process's start to the end of `script` (performance.now() counts from the start). */
function processTime(script: string): number {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `${script} process.stdout.write(String(performance.now())); process.exit(0);`,
    ],
    { cwd: root, encoding: "utf8" },
  );
  return Number(out);
}

/** Milliseconds from spawn to the first answer on `port`. */
async function firstAnswer(argv: string[], port: number): Promise<number> {
  const started = performance.now();
  const [command = "", ...args] = argv;
  const child = spawn(command, args, { cwd: root, stdio: "ignore", detached: true });
  try {
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${port}/v1/credits`);
        return performance.now() - started;
      } catch {
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, argv] of Object.entries(commands)) {
    const port = await freePort();
    samples[name]?.push(await firstAnswer(argv(port), port));
  }
}
const processSamples: Record<string, number[]> = Object.fromEntries(
  Object.keys(inProcess).map((n) => [n, []]),
);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, script] of Object.entries(inProcess)) processSamples[name]?.push(processTime(script));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const bare = median(samples["bare node:http"] ?? []);
const bareThroughNpm = median(samples["npm run bench:bare (bare node:http through npm)"] ?? []);
const mswImport = median(processSamples["import msw, msw/node"] ?? []);
const inProcessTable = [
  "| in a fresh process | median ms | min–max ms | × MSW's own import |",
  "|---|---|---|---|",
  ...Object.entries(processSamples).map(([name, xs]) => {
    const m = median(xs);
    return `| ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} | ${(m / mswImport).toFixed(2)}× |`;
  }),
];
const ratios = [
  `- \`npm run mock\` / bare node:http: ${(median(samples["npm run mock"] ?? []) / bare).toFixed(1)}×; ` +
    `/ the bare server through npm: ${(median(samples["npm run mock"] ?? []) / bareThroughNpm).toFixed(1)}×`,
  `- compiled \`masko-contract mock\` / bare node:http: ${(median(samples["masko-contract mock (compiled)"] ?? []) / bare).toFixed(1)}×`,
  `- createMaskoSimulator() / MSW's own import: ${(median(processSamples["import masko-contract/msw, createMaskoSimulator()"] ?? []) / mswImport).toFixed(2)}×`,
];
const table = [
  "| command | median ms | min–max ms | × bare node:http |",
  "|---|---|---|---|",
  ...Object.entries(samples).map(([name, xs]) => {
    const m = median(xs);
    const range = `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    return `| ${name} | ${m.toFixed(0)} | ${range} | ${(m / bare).toFixed(1)}× |`;
  }),
];
console.log(
  `first answer after launch, median of ${values.rounds} alternating rounds (this machine, this run)\n`,
);
console.log(table.join("\n"));
console.log(`\n${inProcessTable.join("\n")}\n\n${ratios.join("\n")}`);
writeFileSync(
  join(root, "bench/START.md"),
  [
    "# Start-up: launch to first answer",
    "",
    `\`npm run bench:start -- --rounds ${values.rounds}\` (alternating rounds, medians, one run, ` +
      `${new Date().toISOString()}, ${cpus().length} cores, built checkout):`,
    "",
    ...table,
    "",
    ...inProcessTable,
    "",
    ...ratios,
    "",
    "`npm run mock` runs `dist/src/cli/index.js mock` (no compile on start); it rebuilds incrementally only when a",
    "file under `src/` or `contract-tests/` is newer than the last build, and says so. The gap to the compiled",
    "command is npm's own start. Before this, `npm run mock` compiled on every start: 3.2–3.3 s here.",
    "",
  ].join("\n"),
);
