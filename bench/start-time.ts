/**
 * `npm run bench:start`: how long from launching a command to its first HTTP answer, for `npm run mock` as a user
 * types it, the compiled `masko-contract mock`, and a bare node:http server (the floor). Rounds alternate between
 * the three; medians are printed with their ratio to the bare server. Run on an already-built checkout.
 *   npm run bench:start [-- --rounds 7]
 */
import { spawn } from "node:child_process";
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
};

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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const bare = median(samples["bare node:http"] ?? []);
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
    "`npm run mock` runs `dist/src/cli/index.js mock` (no compile on start); it rebuilds incrementally only when a",
    "file under `src/` or `contract-tests/` is newer than the last build, and says so. The gap to the compiled",
    "command is npm's own start. Before this, `npm run mock` compiled on every start: 3.2–3.3 s here.",
    "",
  ].join("\n"),
);
