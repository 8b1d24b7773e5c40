/**
 * `npm run bench:pipeline`: what the simulator's pipeline costs under HTTP load, apart from node:http itself. One
 * process (bench/pipeline-server.mjs, on the compiled simulator) serves three variants through the simulator's own
 * Node adapter (node-server.ts), measured in alternating rounds:
 *   constant          — the adapter answers a constant record (the adapter's and node:http's own cost)
 *   pipeline+constant — the whole pipeline runs for the request, then the same constant is sent
 *   simulator         — the simulator's real answer
 *   garbage+constant  — the constant after as much short-lived garbage as the pipeline allocates in process (a
 *                       control: what that much garbage costs under HTTP load, its allocation work included)
 *   busy loop+constant — the constant after a busy loop as long as the pipeline's in-process cost (a control: what
 *                       that much CPU costs under HTTP load on this machine, whatever the code)
 * The per-request difference between the first two is the pipeline's cost in this setting (its code and data do
 * not stay in cache between requests as they do in a tight loop). Writes bench/PIPELINE.md.
 *   npm run bench:pipeline [-- --seconds 5 --rounds 3]
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { root } from "./lib/servers.js";
import { median, wrk } from "./lib/wrk.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
  },
});
async function main() {
  // wrk blocks this process while it runs, so the servers live in a child (bench/pipeline-server.mjs).
  const child = spawn(process.execPath, [join(root, "bench/pipeline-server.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve(String(d))),
  );
  const { urls, key, inProcessMicros, inProcessBytes } = JSON.parse(line) as {
    urls: Record<string, string>;
    key: string;
    inProcessMicros: number;
    inProcessBytes: number;
  };
  const servers = Object.entries(urls).map(([name, url]) => ({ name, url, key }));
  try {
    const settings = { seconds: Number(values.seconds), connections: 50 };
    for (const server of servers) wrk(server, { ...settings, seconds: 3 });
    const rps = new Map<string, number[]>(servers.map((s) => [s.name, []]));
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const server of servers) rps.get(server.name)?.push(wrk(server, settings).rps);
    }
    const rows = servers.map(({ name }) => ({ name, rps: median(rps.get(name) ?? []) }));
    const [base, piped, real, garbage, busy] = rows.map((r) => r.rps) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const micros = (r: number) => 1e6 / r;
    const report = [
      "# What the pipeline costs under HTTP load",
      "",
      `Command: \`npm run bench:pipeline -- --seconds ${values.seconds} --rounds ${values.rounds}\``,
      `Run: ${new Date().toISOString()}, Node ${process.version}. GET /v1/credits with the demo key, wrk -t1 -c50, the five variants in one process, alternating rounds (medians).`,
      "",
      "| variant | req/s | µs a request |",
      "|---|---|---|",
      ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${micros(r.rps).toFixed(1)} |`),
      "",
      `- In a tight in-process loop the whole answer takes **${inProcessMicros.toFixed(1)} µs** and allocates **${inProcessBytes.toFixed(0)} bytes** (V8's sampling heap profiler, garbage included; what the loop allocates around a constant answer taken off).`,
      `- Under HTTP load the pipeline costs **${(micros(piped) - micros(base)).toFixed(1)} µs** a request; the real answer ${(micros(real) - micros(base)).toFixed(1)} µs more than the constant one.`,
      `- A busy loop of the same ${inProcessMicros.toFixed(1)} µs costs **${(micros(busy) - micros(base)).toFixed(1)} µs** a request under the same load: on this machine each µs of CPU a server adds costs about ${((micros(busy) - micros(base)) / inProcessMicros).toFixed(1)} µs of throughput (the client and the kernel's loopback work share the two cores), and the pipeline ${((micros(piped) - micros(base)) / inProcessMicros).toFixed(1)} µs (its code and data also fall out of cache between requests).`,
      `- As much short-lived garbage (${inProcessBytes.toFixed(0)} bytes of small records) costs **${(micros(garbage) - micros(base)).toFixed(1)} µs** a request under the same load: what the pipeline allocates is part of its price (the young generation's collections copy every answer still in flight).`,
      "",
    ].join("\n");
    process.stdout.write(report);
    if (!process.env.BENCH_NO_WRITE) writeFileSync(join(root, "bench/PIPELINE.md"), report);
  } finally {
    child.kill();
  }
}

await main();
