/**
 * Every process a command starts ends with its parent: the simulator behind `npm run mock` when npm gets SIGTERM
 * or is killed outright, and Prism behind `mock --prism` on SIGINT, SIGTERM and SIGKILL of the command. Only the
 * leader gets the signal (not its process group), as when a user or a CI runner stops it; the port must close
 * and no process of the tree may be left.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, portOpen, type RunningServer, startServer, waitFor } from "../../support/processes.js";

const root = resolve(import.meta.dirname, "../..");
const started: RunningServer[] = [];
afterEach(async () => {
  for (const server of started.splice(0)) await server.kill();
});

/** Pids of the processes whose command line mentions `port` (the tree started for it). */
const processesOn = (port: number) => {
  try {
    return execFileSync("pgrep", ["-f", "--", `(-p|--port) ${port}( |$)`], { encoding: "utf8" })
      .trim()
      .split("\n");
  } catch {
    return [];
  }
};

async function start(command: string, args: (port: number) => string[]) {
  const port = await freePort();
  const server = await startServer(command, args(port), {
    port,
    readyPath: "/v1/credits",
    timeoutMs: 60_000,
  });
  started.push(server);
  return { port, server };
}

function signalLeader(server: RunningServer, signal: NodeJS.Signals) {
  process.kill(server.child.pid as number, signal);
}

async function expectTreeGone(port: number) {
  await waitFor(`port ${port} to close`, async () => !(await portOpen(port)));
  await waitFor(`the processes serving ${port} to end`, () => processesOn(port).length === 0);
  expect(processesOn(port)).toEqual([]);
}

const cli = ["--import", "tsx", join(root, "src/cli/index.ts")];

describe("npm run mock", () => {
  it.each(["SIGTERM", "SIGKILL"] as const)(
    "ends when npm gets %s",
    async (signal) => {
      const { port, server } = await start("npm", (p) => [
        "run",
        "mock",
        "--",
        "--log-level",
        "warn",
        "--port",
        `${p}`,
      ]);
      expect(await portOpen(port)).toBe(true);
      signalLeader(server, signal);
      await expectTreeGone(port);
    },
    60_000,
  );
});

describe("masko-contract mock --prism", () => {
  it.each(["SIGINT", "SIGTERM", "SIGKILL"] as const)(
    "takes Prism along when it gets %s",
    async (signal) => {
      const { port, server } = await start(process.execPath, (p) => [
        ...cli,
        "mock",
        "--prism",
        "--port",
        `${p}`,
      ]);
      expect(processesOn(port).length).toBeGreaterThan(1);
      signalLeader(server, signal);
      await expectTreeGone(port);
    },
    90_000,
  );
});

describe("the simulator a command starts for itself (spawnSimulator)", () => {
  it("ends when the command is killed", async () => {
    const script = join(mkdtempSync(join(tmpdir(), "masko-lifetime-")), "command.mts");
    writeFileSync(
      script,
      [
        `import { spawnSimulator } from ${JSON.stringify(join(root, "src/cli/spawn-simulator.ts"))};`,
        // spawnSimulator runs the command's own CLI file again: here, the CLI's sources.
        `process.argv[1] = ${JSON.stringify(join(root, "src/cli/index.ts"))};`,
        "const simulator = await spawnSimulator([]);",
        "console.log(new URL(simulator.baseUrl).port);",
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const command = spawn(process.execPath, [...cli.slice(0, 2), script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const port = await new Promise<number>((resolvePort, reject) => {
      command.stdout.once("data", (chunk: Buffer) => resolvePort(Number(chunk.toString().trim())));
      command.once("exit", (code) =>
        reject(new Error(`the command exited with ${code} before its simulator ran`)),
      );
    });
    expect(await portOpen(port)).toBe(true);
    command.kill("SIGKILL");
    await expectTreeGone(port);
  }, 60_000);
});
