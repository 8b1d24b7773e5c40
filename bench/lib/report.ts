/** bench/RESULTS.md from one run's rows: the tables, the ratios, and each target met or missed. */

/** One server's medians over the rounds. */
export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  rss: number;
  first: number;
  /** CPU µs a request (median): the server's own, and its helper's (redis-server) when it has one. */
  cpuUs: number;
  helperCpuUs?: number;
}

/** One size of the growth run. */
export interface GrowthRow {
  keys: number;
  rps: number;
  p99: number;
  rss: number;
}

/** A target of the issue: what it measures, the figure, and the bound it must hold. */
export interface Target {
  what: string;
  value: number;
  unit: "×" | "ms" | "MB";
  bound: number;
  /** `min`: the value must reach the bound; `max`: it must not pass it. */
  kind: "min" | "max";
}

/** A figure in its unit: whole MB, hundredths otherwise (`extraDigits` more). */
const fmt = (value: number, unit: Target["unit"], extraDigits = 0) => {
  const text = value.toFixed((unit === "MB" ? 0 : 2) + extraDigits);
  return unit === "×" ? `${text}×` : `${text} ${unit}`;
};

/** A row's CPU cost a request: the server's, plus its helper's when it has one. */
const cpu = (r: Row) =>
  r.helperCpuUs === undefined ? r.cpuUs.toFixed(1) : `${r.cpuUs.toFixed(1)} + ${r.helperCpuUs.toFixed(1)}`;

export const met = (t: Target) => (t.kind === "min" ? t.value >= t.bound : t.value <= t.bound);

/** The measured figure, with one more digit when the usual ones would show the bound itself for a miss. */
const measured = (t: Target) =>
  fmt(t.value, t.unit) === fmt(t.bound, t.unit) && !met(t) ? fmt(t.value, t.unit, 1) : fmt(t.value, t.unit);

export function report(input: {
  command: string;
  setting: string;
  rows: Row[];
  targets: Target[];
  growth: GrowthRow[];
  /** Paragraphs after the targets: what a figure does not say on its own. */
  notes: string[];
}): string {
  const { rows, targets, growth } = input;
  return [
    "# Benchmark results",
    "",
    `Command: \`${input.command}\``,
    `Run: ${new Date().toISOString()}, Node ${process.version}. ${input.setting}`,
    "The simulator runs its whole pipeline (CORS, auth by SHA-256, two-window limiter with limits raised by `--rate-limit-scale`, store, JSON); the peers answer one static response.",
    "",
    "| server | req/s (median) | p50 ms | p99 ms | non-2xx | CPU µs a request | RSS after load MB | first answer ms |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.non2xx} | ${cpu(r)} | ${r.rss.toFixed(0)} | ${r.first.toFixed(0)} |`,
    ),
    "",
    "CPU µs a request: the server process's user and system time (/proc) over each measured run divided by the requests it answered (median of the rounds); for the Redis store, + redis-server's. wrk and the kernel's loopback work share the same two cores, so throughput also depends on what the client costs.",
    "",
    "| target | measured | bound | |",
    "|---|---|---|---|",
    ...targets.map(
      (t) =>
        `| ${t.what} | **${measured(t)}** | ${t.kind === "min" ? "≥" : "≤"} ${fmt(t.bound, t.unit)} | ${met(t) ? "met" : "MISSED"} |`,
    ),
    "",
    ...input.notes.flatMap((note) => [note, ""]),
    "## Growth: cost per request as the number of keys grows",
    "",
    "Each size is its own simulator seeded with that many workspaces (one key each), the sizes measured side by side",
    "in alternating rounds as above (medians); wrk rotates over every key (Lua script), first long enough to put",
    "every key in the limiter.",
    "",
    "| seeded workspaces, every key in the limiter | req/s | p99 ms | RSS after load MB |",
    "|---|---|---|---|",
    ...growth.map(
      (g) =>
        `| ${g.keys.toLocaleString("en")} | ${g.rps.toFixed(0)} | ${g.p99.toFixed(2)} | ${g.rss.toFixed(0)} |`,
    ),
    "",
    "Start-up (launch to first answer) is measured by `npm run bench:start`: see [START.md](START.md); where the",
    "CPU goes, by `npm run bench:profile`: see [PROFILE.md](PROFILE.md).",
    "",
  ].join("\n");
}
