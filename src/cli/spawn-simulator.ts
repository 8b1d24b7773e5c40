/** Starts `masko-contract mock` as a child process on a free loopback port, for commands that need a target. */

import { createServer } from "node:net";
import { spawnTied } from "./lifetime.js";

/** A simulator process the caller owns. */
export interface SpawnedSimulator {
  readonly baseUrl: string;
  /** Everything it printed (the demo key among it). */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs this same CLI (compiled, or the sources under tsx) with `mock` and `flags`; resolves once it answers. */
export async function spawnSimulator(flags: string[]): Promise<SpawnedSimulator> {
  const port = await freePort();
  const cli = process.argv[1] ?? "";
  const child = spawnTied(
    process.execPath,
    [...process.execArgv, cli, "mock", "--port", String(port), ...flags],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the simulator exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(`${baseUrl}/v1/credits`);
      return { baseUrl, output: () => output, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await stop();
  throw new Error(`the simulator did not answer on ${baseUrl}:\n${output}`);
}
