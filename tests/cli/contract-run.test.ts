/**
 * `masko-contract test` and `parity` fail early and say why (the CLI in a process of its own, as a CI engineer
 * runs it), and the contract run's reports: skip reasons in JUnit, the pacing figures.
 */

import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSkipReasons, formatPacing, pacingFigures } from "../../src/cli/contract-report.js";
import { createSimulator } from "../../src/mock/simulator.js";
import { listen, type SimulatorServer } from "../../src/mock/transport/node-server.js";
import { cli } from "../../support/cli.js";
import { freePort } from "../../support/processes.js";

const root = resolve(import.meta.dirname, "../..");
const KEY = `masko_${"ab".repeat(32)}`;

let server: SimulatorServer;
let demoKey: string;
beforeAll(async () => {
  const simulator = await createSimulator({ control: false });
  server = await listen(simulator, { host: "127.0.0.1", port: 0 });
  demoKey = simulator.demo.api_key;
});
afterAll(() => server.close());

describe("masko-contract test and parity check their flags and the target before any check", () => {
  it.each([
    [
      ["--base-url", "127.0.0.1:4011", "--api-key", KEY],
      /--base-url must be an absolute http:\/\/ or https:\/\/ URL/,
    ],
    [
      ["--base-url", "http://127.0.0.1:4011", "--api-key", "sk_live_123"],
      /--api-key is not a Masko API key .*"sk_live_123"/,
    ],
    [["--profile", "saf"], /--profile must be one of readonly, safe, full, not "saf"/],
    [["--min-checks", "abc"], /--min-checks must be a whole number >= 0, not "abc"/],
    [["--max-duration", "0"], /--max-duration must be a whole number >= 1/],
  ])("test %j exits 2 naming the flag", async (args, message) => {
    const { code, output } = await cli("test", ...args);
    expect(output).toMatch(message);
    expect(code).toBe(2);
  });

  it("says in one line that nothing answers at an unreachable target, never taking it for no control API", async () => {
    const port = await freePort();
    for (const command of ["test", "parity"]) {
      const { code, output } = await cli(command, "--base-url", `http://127.0.0.1:${port}`, "--api-key", KEY);
      expect(output.trim()).toMatch(
        new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
      );
      expect(output.trim().split("\n")).toHaveLength(1);
      expect(code).toBe(2);
    }
  });

  it("says in one line that the target refuses a well-formed key it does not know", async () => {
    for (const command of ["test", "parity"]) {
      const { code, output } = await cli(command, "--base-url", server.url, "--api-key", KEY);
      expect(output.trim()).toMatch(
        /refuses the API key \(401 unauthorized: .*\); pass a key of that server/,
      );
      expect(code).toBe(2);
    }
  });

  it("parity refuses an unknown behaviour setting and a spend that is not a number", async () => {
    const unknown = await cli(
      "parity",
      "--base-url",
      server.url,
      "--api-key",
      demoKey,
      "--behaviour",
      "window=x",
    );
    expect(unknown.output).toMatch(/--behaviour: unknown behaviour "window"/);
    expect(unknown.code).toBe(2);
    const spend = await cli(
      "parity",
      "--base-url",
      server.url,
      "--api-key",
      demoKey,
      "--spend-credits",
      "lots",
    );
    expect(spend.output).toMatch(/--spend-credits must be a whole number/);
    expect(spend.code).toBe(2);
  });
});

describe("a contract run against a key whose minute window is spent", () => {
  it("waits for the window rather than failing, and --max-duration refuses a wait it cannot afford, saying so", async () => {
    const simulator = await createSimulator({ control: false });
    const spent = await listen(simulator, { host: "127.0.0.1", port: 0 });
    try {
      for (let i = 0; i < 60; i++) {
        await fetch(`${spent.url}/v1/credits`, {
          headers: { authorization: `Bearer ${simulator.demo.api_key}` },
        });
      }
      const { code, output } = await cli(
        ...["test", "--base-url", spent.url, "--api-key", simulator.demo.api_key, "--only", "stateless"],
        ...["--max-duration", "8", "--junit", join(root, "reports/cli-test/spent.xml")],
      );
      expect(output).toMatch(
        /the target asks for a \d+ s wait \(for the minute window\) but --max-duration leaves \d+ s/,
      );
      expect(output).not.toMatch(/expected 429 to be 200/);
      expect(code).toBe(1);
    } finally {
      await spent.close();
      simulator.close();
    }
  });
});

describe("a contract run spread over keys it creates (--keys)", () => {
  /** A production stand-in (control API off, real limits) and a count of its demo workspace's active keys. */
  async function standIn() {
    const simulator = await createSimulator({ control: false });
    const running = await listen(simulator, { host: "127.0.0.1", port: 0 });
    const key = simulator.demo.api_key;
    const activeKeys = async () => {
      const listed = await fetch(`${running.url}/v1/api-keys`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return ((await listed.json()) as { data: unknown[] }).data.length;
    };
    return { url: running.url, key, activeKeys, close: () => running.close().then(() => simulator.close()) };
  }

  it("spreads the safe profile over three keys without waiting, and revokes the two it created", async () => {
    const target = await standIn();
    try {
      const { code, output } = await cli(
        ...["test", "--base-url", target.url, "--api-key", target.key, "--keys", "3"],
        ...["--junit", join(root, "reports/cli-test/keys.xml")],
      );
      expect(output).toMatch(
        /pacing: \d+ requests on 3 keys; the limits' floor [\d.]+ s \(\d+ ÷ \(60 × 3\) min\); waited 0\.0 s/,
      );
      expect(output).toContain("keys: revoked the 2 keys this run created");
      expect(code).toBe(0);
      expect(await target.activeKeys()).toBe(1);
    } finally {
      await target.close();
    }
  });

  it("revokes the keys it created when the run is interrupted (Ctrl-C)", async () => {
    const target = await standIn();
    try {
      const child = spawn(
        process.execPath,
        [
          ...["--import", "tsx", join(root, "src/cli/index.ts"), "test", "--base-url", target.url],
          ...[
            "--api-key",
            target.key,
            "--keys",
            "3",
            "--junit",
            join(root, "reports/cli-test/interrupted.xml"),
          ],
        ],
        { cwd: root },
      );
      let output = "";
      const exited = new Promise<number | null>((done) => child.once("close", (code) => done(code)));
      await new Promise<void>((ready) =>
        child.stdout.on("data", (d) => {
          output += d;
          if (output.includes("contract run: profile")) ready();
        }),
      );
      expect(await target.activeKeys()).toBe(3);
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(await target.activeKeys()).toBe(1);
    } finally {
      await target.close();
    }
  });

  it("refuses more keys than the workspace's cap leaves room for", async () => {
    const { code, output } = await cli(
      "test",
      "--base-url",
      server.url,
      "--api-key",
      demoKey,
      "--keys",
      "10",
    );
    expect(output).toMatch(/--keys must be at most 9/);
    expect(code).toBe(2);
  });
});

describe("the contract run's reports", () => {
  it("gives every skipped check of the JUnit report its reason, in order when names repeat", () => {
    const xml = [
      '<testcase classname="deployment.contract.test.ts" name="a &gt; b" time="0">',
      "<skipped/>",
      "</testcase>",
      '<testcase classname="deployment.contract.test.ts" name="a &gt; b" time="0"><skipped/></testcase>',
    ].join("\n");
    const reasons = new Map([["deployment.contract.test.ts\0a > b", ["first reason", 'second "reason"']]]);
    const out = addSkipReasons(xml, reasons);
    expect(out).toContain('<skipped message="first reason"/>');
    expect(out).toContain('<skipped message="second &quot;reason&quot;"/>');
    expect(out).not.toContain("<skipped/>");
  });

  it("prints the limits' floor, the waits and the checks' own work, and the bound of 1.25 × floor + own work", () => {
    const entries = [
      ...Array.from({ length: 90 }, () => ({ kind: "request" })),
      { kind: "wait", ms: 50_000 },
    ];
    const figures = pacingFigures(entries, 62, 60);
    expect(figures).toMatchObject({ requests: 90, floorSeconds: 90, waitedSeconds: 50, ownWorkSeconds: 12 });
    expect(figures.boundSeconds).toBeCloseTo(1.25 * 90 + 12);
    expect(formatPacing(figures, 60)).toMatch(
      /90 requests on 1 key; the limits' floor 90\.0 s \(90 ÷ \(60 × 1\) min\); waited 50\.0 s.*\n.*run 62\.0 s ≤/,
    );
    // Over the bound exactly when the waits exceed 1.25 × the floor.
    const overWaited = [...entries, { kind: "wait", ms: 70_000 }];
    expect(formatPacing(pacingFigures(overWaited, 130, 60), 60)).toContain("> (OVER)");
  });
});
