/**
 * Where the CPU goes as Linux `perf` sees it, kernel included: V8's profiler stops at the system call (it shows the
 * kernel's work on a write as "writev (native)"), while perf samples the kernel too. The simulator runs with
 * `--perf-basic-prof` so perf can name its JavaScript frames.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { table } from "./cpu-profile.js";

/** Whether `perf` is installed (whether it may record is learnt when it runs: `perfRecord` rejects then). */
export function perfAvailable(): boolean {
  try {
    execFileSync("perf", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Starts recording `pid` for `seconds` into `file`; resolves when perf has written it. */
export function perfRecord(pid: number, seconds: number, file: string): Promise<void> {
  const child: ChildProcess = spawn(
    "perf",
    ["record", "-F", "2000", "-p", String(pid), "-o", file, "--", "sleep", String(seconds)],
    { stdio: "ignore" },
  );
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`perf record exited with ${code}`)),
    );
  });
}

/** What a sampled symbol is: kernel, the simulator's code, a package, Node's JavaScript, V8 or other native code. */
function kind(symbol: string, isKernel: boolean): string {
  if (isKernel) return "kernel";
  if (/^JS:.*\/dist\/src\//.test(symbol)) return "simulator (JavaScript)";
  if (/^JS:.*node_modules\//.test(symbol)) return "packages (JavaScript)";
  if (/^JS:.*node:/.test(symbol)) return "Node internals (JavaScript)";
  if (symbol.startsWith("RegExp:")) return "regular expressions";
  if (symbol.startsWith("Builtins_")) return "V8 builtins";
  if (symbol.startsWith("v8::")) return "V8 runtime and GC";
  return "other native (libc, Node's C++, llhttp)";
}

/** Self-time shares by kind and by symbol from a perf recording. */
export function perfSummary(file: string): string[] {
  const out = execFileSync(
    "perf",
    ["report", "-i", file, "--no-children", "--sort", "sym", "-q", "-g", "none"],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const kinds = new Map<string, number>();
  const symbols = new Map<string, number>();
  for (const line of out.split("\n")) {
    const m = /^\s*([\d.]+)%\s+\[(k|\.)\]\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, share, where, symbol] = m as unknown as [string, string, string, string];
    const name = symbol.replace(/^JS:\*?/, "").replace(/file:\/\/\S*\/dist\//, "");
    const k = kind(symbol, where === "k");
    kinds.set(k, (kinds.get(k) ?? 0) + Number(share) * 100);
    symbols.set(name, (symbols.get(name) ?? 0) + Number(share) * 100);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  return [...table("kind (self time)", kinds, total), "", ...table("symbol", symbols, total, 20)];
}
