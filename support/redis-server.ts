/** A throwaway redis-server (Debian package) on a free loopback port, with an append-only file so a restart keeps data. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./processes.js";

/** A redis-server the test owns: stop() and start() it to simulate an outage. */
export interface OwnRedis {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends a signal to the server process (SIGSTOP freezes it, SIGCONT thaws it). */
  signal(name: NodeJS.Signals): void;
  /** The server process's pid while it runs. */
  pid(): number | undefined;
  remove(): Promise<void>;
}

/** Starts a private redis-server; with `persist` (default) it keeps data across its own restarts (AOF). */
export async function startOwnRedis(options: { persist?: boolean } = {}): Promise<OwnRedis> {
  const persistence =
    options.persist === false ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", "always"];
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "masko-redis-"));
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence, "--dir", dir],
      { stdio: "ignore" },
    );
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error("redis-server did not start");
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url,
    start,
    stop,
    signal: (name) => {
      child?.kill(name);
    },
    pid: () => child?.pid,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
