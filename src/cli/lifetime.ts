/**
 * Every process a command starts ends with it: on SIGINT and SIGTERM (passed on to the child's whole process
 * group, so wrappers such as npx take their own children along) and when the parent dies without a word (SIGKILL,
 * a crashed CI runner). A process notices its parent's death by being re-parented: its `process.ppid` changes.
 * The simulator watches its own parent (endWithParent); a child started with spawnTied gets the same watch
 * preloaded into every Node process of its tree (NODE_OPTIONS), Prism and the npx in front of it included.
 * docs/simulator.md ("Stopping it") says the same for users.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/**
 * The watch, as a module: once the process that started this one has died, it sends this process SIGTERM (so its
 * own handlers run), checked every 250 ms without keeping the process alive. A parent's death shows as
 * re-parenting: `process.ppid` changes. Wrappers often start a command through a shell (`npm run` and `npx` run
 * `sh -c …`, which stays in between), so when the parent is a shell, its own parent is watched the same way (Linux,
 * through /proc; elsewhere only the direct parent is watched). Plain JavaScript in a string, because the same
 * module is preloaded into child processes through NODE_OPTIONS, where no TypeScript loader runs.
 */
const WATCH_SOURCE = `
const { readFileSync } = process.getBuiltinModule("node:fs");
const stat = (pid) => {
  try {
    const line = readFileSync("/proc/" + pid + "/stat", "utf8");
    const close = line.lastIndexOf(")");
    return { name: line.slice(line.indexOf("(") + 1, close), ppid: Number(line.slice(close + 2).split(" ")[1]) };
  } catch {
    return undefined;
  }
};
const parent = process.ppid;
const shell = stat(parent);
const grandparent = shell && ["sh", "dash", "bash", "zsh"].includes(shell.name) ? shell.ppid : undefined;
const timer = setInterval(() => {
  const gone = process.ppid !== parent || (grandparent !== undefined && stat(parent)?.ppid !== grandparent);
  if (!gone) return;
  clearInterval(timer);
  process.kill(process.pid, "SIGTERM");
}, 250);
timer.unref();
`;
const WATCH_URL = `data:text/javascript,${encodeURIComponent(WATCH_SOURCE)}`;

/** From now on this process gets SIGTERM when the process that started it dies (its SIGTERM handler ends it). */
export async function endWithParent(): Promise<void> {
  await import(WATCH_URL);
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Sends `signal` to the child's process group (the child and everything it started); gone already is fine. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group ended between the check and the signal.
  }
}

/**
 * Spawns `command` in a process group of its own that ends with this process: the group gets SIGTERM when this
 * process exits, and each Node process in it watches its parent. With `passSignals`, the signals this process gets
 * are passed on to the group instead of ending this process (which then ends when the child does: a wrapper such
 * as `mock --prism`). Answers the child.
 */
export function spawnTied(
  command: string,
  args: string[],
  options: SpawnOptions & { passSignals?: boolean } = {},
): ChildProcess {
  const { passSignals = false, ...spawnOptions } = options;
  const env = { ...process.env, ...spawnOptions.env };
  env.NODE_OPTIONS = [env.NODE_OPTIONS, `--import=${WATCH_URL}`].filter(Boolean).join(" ");
  const child = spawn(command, args, { ...spawnOptions, env, detached: true });
  const forward = (signal: NodeJS.Signals) => signalGroup(child, signal);
  for (const signal of passSignals ? FORWARDED : []) process.on(signal, forward);
  const onExit = () => signalGroup(child, "SIGTERM");
  process.on("exit", onExit);
  child.once("exit", () => {
    for (const signal of FORWARDED) process.off(signal, forward);
    process.off("exit", onExit);
  });
  return child;
}
