/**
 * A local Redis Cluster of three primaries and three replicas (scripts/redis-cluster.sh) on six free loopback ports
 * whose cluster-bus ports (+10000) are free too, for benchmarks that start their own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const script = resolve(import.meta.dirname, "../scripts/redis-cluster.sh");

const free = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });

/** A running local cluster: its seed nodes, and stop(). */
export async function startLocalCluster(): Promise<{ seeds: string[]; stop(): void }> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 9000);
    let all = true;
    for (let i = 0; i < 6 && all; i++) all = (await free(base + i)) && (await free(base + 10_000 + i));
    if (!all) continue;
    const dir = mkdtempSync(join(tmpdir(), "masko-cluster-"));
    const seeds = execFileSync("bash", [script, "start", dir, String(base)], { encoding: "utf8" }).trim();
    return {
      seeds: seeds.split(","),
      stop: () => execFileSync("bash", [script, "stop", dir, String(base)]),
    };
  }
}
