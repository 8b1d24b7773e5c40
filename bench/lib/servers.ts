/** Starting the servers a benchmark measures, finding the process that listens, and reading its memory. */
import { type ChildProcess, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, startServer } from "../../support/processes.js";

export const root = resolve(import.meta.dirname, "../..");

/** A started server and how long it took to answer its first request. */
export interface Server {
  name: string;
  child: ChildProcess;
  url: string;
  firstAnswerMs: number;
  /** The bearer key wrk sends when it does not rotate keys. */
  key: string;
}

/**
 * Spawns `command args(port)` in its own process group (support/processes.ts) and times its first answer to
 * `GET readyPath`, asked every 5 ms. `key` is sent on that request; without one, the simulator's demo key printed
 * at start-up is kept.
 */
export async function start(
  name: string,
  command: string,
  args: (port: number) => string[],
  options: { key?: string; readyPath?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const running = await startServer(command, args(port), {
    port,
    readyPath: options.readyPath ?? "/v1/credits",
    readyHeaders: { authorization: `Bearer ${options.key ?? `masko_${"0".repeat(64)}`}` },
    pollMs: 5,
    timeoutMs: options.timeoutMs ?? 120_000,
    // Kept for the demo key and for errors; capped, since some servers log every request.
    maxOutput: 65_536,
    ...(options.env ? { env: options.env } : {}),
  }).catch((error: Error) => {
    throw new Error(`${name} did not start: ${error.message}`);
  });
  const firstAnswerMs = performance.now() - started;
  const demo = /demo API key: (masko_[0-9a-f]{64})/.exec(running.output())?.[1];
  const key = options.key ?? demo ?? `masko_${"ab".repeat(32)}`;
  return { name, child: running.child, url: running.baseUrl, firstAnswerMs, key };
}

/** Stops a server's whole process group. */
export function stop(server: { child: ChildProcess }, signal: NodeJS.Signals = "SIGTERM"): void {
  try {
    process.kill(-(server.child.pid as number), signal);
  } catch {}
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The pid of the process actually listening (npx, Prism and Java wrappers spawn children). */
export function serverPid(server: Server): number {
  const port = new URL(server.url).port;
  const out = execFileSync("sh", ["-c", `ss -ltnpH 'sport = :${port}' | grep -o 'pid=[0-9]*' | head -1`], {
    encoding: "utf8",
  });
  return Number(out.replace("pid=", "")) || (server.child.pid as number);
}

/** The simulator's command line for a benchmark: compiled, quiet, limits raised out of the way. */
export const simulatorArgs =
  (...extra: string[]) =>
  (port: number) => [
    join(root, "dist/src/cli/index.js"),
    "mock",
    "--port",
    String(port),
    "--log-level",
    "warn",
    "--rate-limit-scale",
    "1000000",
    ...extra,
  ];

/** User + system CPU time of a process so far, in clock ticks (1/100 s on Linux). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/**
 * Waits until `server` is idle (under 2 % of a core for 500 ms, at most `maxMs`): a server that fell behind keeps
 * working on requests already sent after wrk stops, and would take CPU from the next server measured.
 */
export async function settle(server: Server, maxMs = 10_000): Promise<void> {
  const pid = serverPid(server);
  const deadline = Date.now() + maxMs;
  let before = cpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuTicks(pid);
    if (now - before <= 1) return;
    before = now;
  }
}
