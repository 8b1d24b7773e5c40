/** The simulator as its own process (the CLI from source), on a free loopback port. */
import { join, resolve } from "node:path";
import { freePort, type RunningServer, startServer } from "./processes.js";

const root = resolve(import.meta.dirname, "..");

/** Starts `masko-contract mock` (from the sources) with extra flags; resolves once it answers. */
export async function startSimulatorProcess(
  flags: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RunningServer> {
  const port = await freePort();
  return startServer(
    process.execPath,
    ["--import", "tsx", join(root, "src/cli/index.ts"), "mock", "--port", String(port), ...flags],
    {
      port,
      readyPath: "/v1/credits",
      env,
    },
  );
}
