/** Starting and stopping helper servers (Prism, the simulator, benchmark peers) on loopback ports. */
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A running child process reachable at `baseUrl`. */
export interface RunningServer {
  readonly baseUrl: string;
  /** The spawned process (the leader of its process group). */
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
  /** Kills the process group at once (SIGKILL): a crash, nothing cleaned up. */
  kill(): Promise<void>;
}

/**
 * Spawns `command args` in its own process group, waits until `readyPath` answers over HTTP, and returns a
 * handle whose stop() kills the whole group (wrappers such as npx leave children holding the port otherwise).
 */
export async function startServer(
  command: string,
  args: string[],
  options: {
    port: number;
    readyPath: string;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    /** Headers of the readiness request (a benchmark sends the key it will use). */
    readyHeaders?: Record<string, string>;
    /** How often readiness is asked, in ms (default 100; a start-up timing asks more often). */
    pollMs?: number;
    /** Most characters of output kept (default all; servers that log every request are capped). */
    maxOutput?: number;
    /** Working directory (default this process's). */
    cwd?: string;
  },
): Promise<RunningServer> {
  const child: ChildProcess = spawn(command, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.cwd && { cwd: options.cwd }),
    env: { ...process.env, ...options.env },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    if (output.length < (options.maxOutput ?? Number.POSITIVE_INFINITY)) output += chunk.toString();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  /** Sends `signal` to the whole group and waits for the exit; SIGTERM falls back to SIGKILL after 3 s. */
  const end = async (signal: "SIGTERM" | "SIGKILL") => {
    // A child ended by a signal has `signalCode` set and `exitCode` null: its "exit" event will not come again.
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  const stop = () => end("SIGTERM");
  const kill = () => end("SIGKILL");
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${output}`);
    try {
      const ready = await fetch(`${baseUrl}${options.readyPath}`, { headers: options.readyHeaders ?? {} });
      await ready.arrayBuffer();
      return { baseUrl, child, output: () => output, stop, kill };
    } catch {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    }
  }
  await stop();
  throw new Error(`${command} did not answer on ${baseUrl} in time:\n${output}`);
}

/** Resolves once `condition()` holds, asked every `pollMs`; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, pollMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Whether anything accepts connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
