/** One wrk measurement: req/s, p50, p99 and non-2xx answers, optionally rotating over a file of keys. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { root, type Server } from "./servers.js";

/** What one wrk run measured. */
export interface Sample {
  /** Requests answered in the run. */
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** wrk's settings for every server of a run. */
export interface WrkSettings {
  seconds: number;
  connections: number;
  /** A file with one key per line: wrk sends them in turn (bench/rotate-keys.lua). */
  keysFile?: string;
}

function parseMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

/** Runs wrk -t1 against `GET {server}/v1/credits`. */
export function wrk(server: Pick<Server, "url" | "key">, settings: WrkSettings): Sample {
  const args = ["-t1", `-c${settings.connections}`, `-d${settings.seconds}s`, "--latency"];
  if (settings.keysFile) args.push("-s", join(root, "bench/rotate-keys.lua"));
  else args.push("-H", `Authorization: Bearer ${server.key}`);
  args.push(`${server.url}/v1/credits`);
  const env = { ...process.env, ...(settings.keysFile ? { KEYS_FILE: settings.keysFile } : {}) };
  const out = execFileSync("wrk", args, { encoding: "utf8", env });
  return {
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: parseMs(/^\s*50%\s+(\S+)/m.exec(out)?.[1] ?? ""),
    p99: parseMs(/^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? ""),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
