/**
 * `masko-contract test --sandbox new`: many contract runs share one simulator at once, each inside a sandbox of its
 * own made for the run and deleted after it — after a failed run too — while the default sandbox is left alone.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlClient } from "../../src/contract/control-client.js";
import { DEMO_API_KEY } from "../../src/mock/control/control.js";
import { cli } from "../../support/cli.js";
import type { RunningServer } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";

/** The runs' own reports: not in reports/junit, whose totals are this suite's. */
const reports = mkdtempSync(join(tmpdir(), "sandbox-runs-"));

let server: RunningServer;
beforeAll(async () => {
  server = await startSimulatorProcess(["--log-level", "warn"]);
}, 30_000);
afterAll(() => server?.stop());

const demoBalance = async () => {
  const answer = await fetch(`${server.baseUrl}/v1/credits`, {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
  });
  return ((await answer.json()) as { data: { balance: number } }).data.balance;
};

describe("masko-contract test --sandbox new", () => {
  it("runs two whole contract suites at once on one simulator, each in its own sandbox, both green", async () => {
    const run = (n: number) =>
      cli("test", "--base-url", server.baseUrl, "--sandbox", "new", "--junit", join(reports, `run-${n}.xml`));
    const [first, second] = await Promise.all([run(1), run(2)]);
    for (const result of [first, second]) {
      expect(result.output).toMatch(/contract run in sandbox sb_[0-9a-f]{24}/);
      expect(result.output).toMatch(/\(0 failed\)/);
      expect(result.code, result.output.slice(-2000)).toBe(0);
    }
    const ids = [first, second].map((r) => r.output.match(/sandbox (sb_[0-9a-f]{24})/)?.[1]);
    expect(new Set(ids).size).toBe(2);
    expect(await controlClient(server.baseUrl).listSandboxes()).toEqual([]);
    // The suites reset, funded and moved clocks in their sandboxes only: the default demo workspace is as seeded.
    expect(await demoBalance()).toBe(100);
  }, 180_000);

  it("deletes the sandbox after a failed run too", async () => {
    const failed = await cli(
      "test",
      "--base-url",
      server.baseUrl,
      "--sandbox",
      "new",
      "--only",
      "stateless",
      "--min-checks",
      "100000",
      "--junit",
      join(reports, "failed.xml"),
    );
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/contract run in sandbox sb_/);
    expect(await controlClient(server.baseUrl).listSandboxes()).toEqual([]);
  }, 120_000);

  it('refuses anything but "new", and a run without a simulator to make it on, with exit 2', async () => {
    const wrong = await cli("test", "--base-url", server.baseUrl, "--sandbox", "mine");
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/--sandbox takes "new"/);
    const nowhere = await cli("test", "--sandbox", "new");
    expect(nowhere.code).toBe(2);
    expect(nowhere.output).toMatch(/--sandbox new needs --base-url/);
  }, 60_000);
});
