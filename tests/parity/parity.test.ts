/**
 * `masko-contract parity` as a user runs it (the CLI in a process of its own), against production stand-ins at
 * real limits with the control API off: a simulator at its defaults (no difference), simulators switched away from
 * the register's choices (each difference found, the right setting named, and no difference left once the
 * simulator is given those settings), and Prism's static mock (differences listed, no crash). The runs last about
 * a minute each (the scenario waits for a minute window) and go side by side.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BehaviourInput } from "../../src/mock/behaviour.js";
import { createSimulator } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";
import { startPrismMock } from "../../support/prism.js";
import type { RunningServer } from "../../support/processes.js";

const root = resolve(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "masko-parity-"));
const servers: Array<SimulatorServer | RunningServer> = [];

/** A production stand-in: control API off, real limits, the given behaviour. */
async function productionLike(behaviour: BehaviourInput = {}) {
  const simulator = await createSimulator({ control: false, behaviour });
  const server = await listen(simulator, { host: "127.0.0.1", port: 0 });
  servers.push(server);
  return { url: server.url, key: simulator.demo.api_key };
}

interface ParityJson {
  holds: boolean;
  matching_settings: string[];
  inferred: Array<{ id: string; outcome: string; target: string | null; match_with: string | null }>;
  differences: Array<{ step: string; kind: string; what: string }>;
}

/** Runs the parity command; resolves to its exit code, its JSON report and its output. */
function parity(name: string, url: string, key: string, extra: string[] = []) {
  const json = join(out, `${name}.json`);
  const junit = join(out, `${name}.xml`);
  const args = [
    "--import",
    "tsx",
    join(root, "src/cli/index.ts"),
    "parity",
    "--base-url",
    url,
    "--api-key",
    key,
  ];
  const child = spawn(
    process.execPath,
    [...args, "--spend-credits", "25", "--json", json, "--junit", junit, ...extra],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise<{ code: number; report: ParityJson; output: string; junit: string }>((done) =>
    child.once("exit", (code) =>
      done({
        code: code ?? 1,
        report: JSON.parse(readFileSync(json, "utf8")) as ParityJson,
        output,
        junit: readFileSync(junit, "utf8"),
      }),
    ),
  );
}

const SWITCHED_A: BehaviourInput = {
  "rate-limit-window": "sliding",
  "rate-limit-reset": "delta-seconds",
  "retry-after": "off",
  "keyless-limit": "per-address",
  "logo-cost": "20",
  "insufficient-credits-body": "flat",
  "api-key-endpoints": "off",
  "openapi-document": "key",
};
const SWITCHED_B: BehaviourInput = {
  "rate-limit-headers": "ietf",
  "keyless-limit": "per-address-with-preflights",
  "logo-plan": "pro",
};
const asFlags = (b: BehaviourInput) => Object.entries(b).flatMap(([n, v]) => ["--behaviour", `${n}=${v}`]);

let runs: Record<"defaults" | "a" | "aMatched" | "b" | "prism", Awaited<ReturnType<typeof parity>>>;
let prism: RunningServer;

beforeAll(async () => {
  const [defaults, a, aAgain, b] = await Promise.all([
    productionLike(),
    productionLike(SWITCHED_A),
    productionLike(SWITCHED_A),
    productionLike(SWITCHED_B),
  ]);
  prism = await startPrismMock();
  servers.push(prism);
  const [r1, r2, r3, r4, r5] = await Promise.all([
    parity("defaults", defaults.url, defaults.key),
    parity("a", a.url, a.key),
    parity("a-matched", aAgain.url, aAgain.key, asFlags(SWITCHED_A)),
    parity("b", b.url, b.key),
    parity("prism", prism.baseUrl, `masko_${"ab".repeat(32)}`),
  ]);
  runs = { defaults: r1, a: r2, aMatched: r3, b: r4, prism: r5 };
}, 240_000);

afterAll(async () => {
  for (const s of servers) await ("stop" in s ? s.stop() : s.close());
});

describe("masko-contract parity", () => {
  it("reports no difference and no contradiction against a simulator at its defaults, and exits 0", () => {
    const { code, report } = runs.defaults;
    expect(report.differences).toEqual([]);
    expect(report.inferred.filter((v) => v.outcome === "contradicted")).toEqual([]);
    expect(report.inferred.filter((v) => v.outcome === "confirmed").length).toBeGreaterThanOrEqual(12);
    expect(code).toBe(0);
  });

  it.each([
    ["a", SWITCHED_A],
    ["b", SWITCHED_B],
  ] as const)(
    "finds every switched behaviour of simulator %s and names the setting that matches it",
    (name, switched) => {
      const { code, report, output } = runs[name];
      const expected = Object.entries(switched).map(([n, v]) => `${n}=${v}`);
      expect(report.matching_settings.sort()).toEqual(expected.sort());
      expect(code).toBe(1);
      expect(output).toContain("To make the simulator match this target");
    },
  );

  it("finds no difference once the simulator is given the settings it named", () => {
    const { code, report } = runs.aMatched;
    expect(report.differences).toEqual([]);
    expect(report.inferred.filter((v) => v.outcome === "contradicted")).toEqual([]);
    expect(code).toBe(0);
  });

  it("lists the differences of Prism's static mock without crashing, and fails the run in JUnit", () => {
    const { code, report, junit } = runs.prism;
    expect(code).toBe(1);
    expect(report.differences.length).toBeGreaterThan(0);
    // Prism enforces no limit: the window probe sees no 429.
    expect(report.inferred.find((v) => v.id === "retry-after")?.outcome).toBe("not observed");
    expect(junit).toContain("<failure");
  });
});
