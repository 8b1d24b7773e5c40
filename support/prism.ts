/** Prism 5.14.2 from node_modules, as a static mock of the bundled spec or as a validating proxy. */
import { join, resolve } from "node:path";
import { freePort, type RunningServer, startServer } from "./processes.js";

const root = resolve(import.meta.dirname, "..");
const prism = join(root, "node_modules/.bin/prism");
const specPath = join(root, "src/generated/openapi.json");

/** Starts `prism mock` on a free loopback port. */
export async function startPrismMock(): Promise<RunningServer> {
  const port = await freePort();
  return startServer(prism, ["mock", specPath, "-h", "127.0.0.1", "-p", String(port), "-v", "error"], {
    port,
    readyPath: "/v1/credits",
  });
}

/** Starts `prism proxy --errors` in front of `upstream` on a free loopback port. */
export async function startPrismProxy(upstream: string): Promise<RunningServer> {
  const port = await freePort();
  return startServer(
    prism,
    ["proxy", specPath, upstream, "--errors", "-h", "127.0.0.1", "-p", String(port), "-v", "error"],
    { port, readyPath: "/v1/credits" },
  );
}
