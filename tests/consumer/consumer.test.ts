/**
 * The package as a user gets it: `npm pack`, the tarball installed into a fresh project with only its public
 * dependencies, then the README's promises checked from there — types under strict tsc (node16 and bundler
 * resolution) for all three entry points, the Vitest + MSW example of docs/msw.md, `npx masko-contract mock`,
 * `npx masko-contract test` against it (JUnit written), and a wrong admin token failing the run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docBlocks } from "../../support/doc-blocks.js";
import { describeFootprint, footprintOf } from "../../support/footprint.js";
import type { RunningServer } from "../../support/processes.js";
import { freePort, portOpen, startServer, waitFor } from "../../support/processes.js";
import { strictTypeCheck } from "../../support/strict-tsc.js";

const root = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dev = pkg.devDependencies as Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), "masko-consumer-"));
const servers: RunningServer[] = [];

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(command, args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...env }, timeout: 180_000 });
const bin = join(dir, "node_modules/.bin/masko-contract");
/** `npx masko-contract mock` of the installed package on a free port, stopped after the file. */
async function startMock(): Promise<RunningServer> {
  const port = await freePort();
  const mock = await startServer(bin, ["mock", "--port", String(port), "--log-level", "warn"], {
    port,
    readyPath: "/v1/credits",
  });
  servers.push(mock);
  return mock;
}

beforeAll(() => {
  // npm pack prints the prepack script's output too: the tarball's name is known, so no output is parsed.
  execFileSync("npm", ["pack", "--pack-destination", dir], { cwd: root, stdio: "ignore" });
  const tarball = join(dir, `masko-contract-${pkg.version}.tgz`);
  const manifest = {
    name: "consumer",
    private: true,
    type: "module",
    dependencies: { "masko-contract": `file:${tarball}` },
  };
  // First the package alone, as `npm i masko-contract` installs it: its footprint is printed.
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest));
  const alone = run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"]);
  if (alone.status !== 0) throw new Error(`npm install failed:\n${alone.stderr}`);
  const packed = (statSync(tarball).size / 1e6).toFixed(2);
  console.log(`${describeFootprint("masko-contract", footprintOf(dir))}; the tarball is ${packed} MB`);
  // Then what the checks below use besides it: msw, TypeScript and Node's types.
  const devDependencies = {
    msw: dev.msw,
    typescript: dev.typescript,
    "@types/node": dev["@types/node"],
    "@playwright/test": dev["@playwright/test"],
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ ...manifest, devDependencies }));
  const install = run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"]);
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
}, 240_000);
afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the installed package", () => {
  it.each(["node16", "bundler", "node10"] as const)(
    "type-checks all three entry points under strict tsc (%s resolution)",
    (resolution) => {
      mkdirSync(join(dir, "src"), { recursive: true });
      writeFileSync(
        join(dir, "src/uses.ts"),
        [
          'import { createMaskoClient, MaskoApiError, verifyWebhookSignature } from "masko-contract";',
          'import { createMaskoSimulator } from "masko-contract/msw";',
          'import { createSimulator } from "masko-contract/simulator";',
          `const client = createMaskoClient({ apiKey: "masko_${"0".repeat(64)}" });`,
          'export const credits = () => client.GET("/v1/credits").then((r) => r.data?.data.balance);',
          "export const kinds = [MaskoApiError, verifyWebhookSignature, createMaskoSimulator, createSimulator];",
          "",
        ].join("\n"),
      );
      const tsc = strictTypeCheck(dir, "src/uses.ts", resolution, {
        tsc: join(dir, "node_modules/typescript/bin/tsc"),
        types: ["node"],
      });
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.status).toBe(0);
    },
  );

  it("is required from CommonJS as well as imported", () => {
    writeFileSync(
      join(dir, "uses.cjs"),
      'const { createMaskoClient } = require("masko-contract");\nconst { createSimulator } = require("masko-contract/simulator");\nconsole.log(typeof createMaskoClient, typeof createSimulator);\n',
    );
    const required = run(process.execPath, ["uses.cjs"]);
    expect(required.stderr).toBe("");
    expect(required.stdout.trim()).toBe("function function");
  });

  it("runs the Vitest + MSW example of docs/msw.md", () => {
    writeFileSync(
      join(dir, "msw.test.ts"),
      [
        'import { createMaskoClient, MaskoApiError } from "masko-contract";',
        'import { createMaskoSimulator } from "masko-contract/msw";',
        'import { setupServer } from "msw/node";',
        'import { afterAll, afterEach, beforeAll, expect, it } from "vitest";',
        "const masko = await createMaskoSimulator({ longPollMaxMs: 2000 });",
        "const server = setupServer(...masko.handlers);",
        'beforeAll(() => server.listen({ onUnhandledRequest: "error" }));',
        "afterEach(() => masko.reset());",
        "afterAll(() => server.close());",
        'it("answers 402 when credits run out", async () => {',
        '  const ws = await masko.createWorkspace({ type: "personal", credits: 0 });',
        "  const client = createMaskoClient({ apiKey: ws.api_key, retry: false });",
        '  const project = await client.POST("/v1/projects", { body: { name: "P" } });',
        '  const collection = await client.POST("/v1/collections", { body: { project_id: project.data!.data.id, name: "Fox" } });',
        '  const error = await client.POST("/v1/collections/{collectionId}/generate", {',
        "    params: { path: { collectionId: collection.data!.data.id } },",
        '    body: { type: "image", name: "Wave", image_prompt: "waving" },',
        "  }).catch((e: unknown) => e);",
        "  expect(error).toBeInstanceOf(MaskoApiError);",
        '  expect(error).toMatchObject({ status: 402, code: "insufficient_credits", required: 1, balance: 0 });',
        "});",
        'it("serves the PNG of a generated image at its CDN URL", async () => {',
        "  const client = createMaskoClient({ apiKey: masko.demo.api_key, retry: false });",
        '  const project = await client.POST("/v1/projects", { body: { name: "P" } });',
        '  const collection = await client.POST("/v1/collections", { body: { project_id: project.data!.data.id, name: "Fox" } });',
        '  const accepted = await client.POST("/v1/collections/{collectionId}/generate", {',
        "    params: { path: { collectionId: collection.data!.data.id } },",
        '    body: { type: "image", name: "Wave", image_prompt: "waving" },',
        "  });",
        "  const png = await fetch(accepted.data!.data.urls!.image!);",
        '  expect(png.headers.get("content-type")).toBe("image/png");',
        '  expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe("PNG");',
        "});",
        "",
      ].join("\n"),
    );
    const vitest = run(join(dir, "node_modules/.bin/vitest"), ["run", "msw.test.ts"]);
    expect(vitest.stdout + vitest.stderr).toMatch(/2 passed/);
    expect(vitest.status).toBe(0);
  });

  it("lists its commands with npx masko-contract --help", () => {
    const help = run(bin, ["--help"]);
    expect(help.status).toBe(0);
    for (const command of ["mock", "test", "load", "docs", "spec"]) {
      expect(help.stdout).toContain(command);
      // Each command loads its own modules: --help proves they are all in the package.
      const own = run(bin, [command, "--help"]);
      expect(own.stderr).toBe("");
      expect(own.status).toBe(0);
    }
  });

  it("writes the documentation site with npx masko-contract docs --out", () => {
    const docs = run(bin, ["docs", "--out", "site"]);
    expect(docs.status).toBe(0);
    for (const page of [
      "index.html",
      "simulator.html",
      "contract-tests.html",
      "decisions.html",
      "reference.html",
    ]) {
      expect(readFileSync(join(dir, "site", page), "utf8")).toContain("<html");
    }
  });

  it("serves the simulator with npx masko-contract mock and checks it with npx masko-contract test", async () => {
    const mock = await startMock();
    const key = /demo API key: (masko_[0-9a-f]{64})/.exec(mock.output())?.[1] ?? "";
    expect(key).not.toBe("");
    const credits = await fetch(`${mock.baseUrl}/v1/credits`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(credits.status).toBe(200);
    const junit = join(dir, "reports/contract.xml");
    const test = run(bin, [
      "test",
      "--base-url",
      mock.baseUrl,
      "--api-key",
      key,
      "--junit",
      junit,
      "--min-checks",
      "40",
    ]);
    expect(test.stdout).toMatch(/contract run .*profile full, \d+ checks run \(0 failed\)/);
    expect(test.status).toBe(0);
    expect(readFileSync(junit, "utf8")).toContain('<property name="profile" value="full"/>');
  }, 180_000);

  it("runs the Playwright fixture of docs/sandboxes.md: two workers, each in a sandbox of its own, all deleted after", async () => {
    const mock = await startMock();
    const e2e = join(dir, "e2e");
    mkdirSync(e2e, { recursive: true });
    const blocks = docBlocks(join(root, "docs/sandboxes.md"));
    for (const name of ["masko-fixture.ts", "credits.spec.ts", "playwright.config.ts"]) {
      const code = blocks.get(name);
      expect(code, `docs/sandboxes.md shows ${name}`).toBeDefined();
      writeFileSync(join(e2e, name), code ?? "");
    }
    const playwright = run(
      join(dir, "node_modules/.bin/playwright"),
      ["test", "--config", "e2e/playwright.config.ts"],
      {
        MASKO_SIMULATOR_URL: mock.baseUrl,
      },
    );
    const output = playwright.stdout + playwright.stderr;
    expect(output).toMatch(/4 passed/);
    expect(output).toMatch(/using 2 workers/);
    expect(playwright.status, output).toBe(0);
    // Each worker deleted its sandbox when it ended.
    const listed = await fetch(`${mock.baseUrl}/__mock/sandboxes`);
    expect(await listed.json()).toEqual({ data: [] });
  }, 180_000);

  it("runs the Vitest global setup of docs/sandboxes.md: the run in a sandbox, deleted after", async () => {
    const mock = await startMock();
    const setup = docBlocks(join(root, "docs/sandboxes.md")).get("masko.global-setup.ts");
    expect(setup).toBeDefined();
    const folder = join(dir, "vitest-sandbox");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "masko.global-setup.ts"), setup ?? "");
    writeFileSync(
      join(folder, "vitest.config.ts"),
      'import { defineConfig } from "vitest/config";\nexport default defineConfig({ test: { globalSetup: ["./masko.global-setup.ts"] } });\n',
    );
    writeFileSync(
      join(folder, "sandboxed.test.ts"),
      [
        'import { expect, inject, it } from "vitest";',
        'it("calls the Masko API with the sandbox\'s key", async () => {',
        "  const answer = await fetch(process.env.MASKO_SIMULATOR_URL + '/v1/credits', {",
        "    headers: { authorization: 'Bearer ' + inject('maskoKey') },",
        "  });",
        "  expect(answer.status).toBe(200);",
        "  const sandboxes = await (await fetch(process.env.MASKO_SIMULATOR_URL + '/__mock/sandboxes')).json();",
        "  expect(sandboxes.data).toHaveLength(1);",
        "});",
        "",
      ].join("\n"),
    );
    const vitest = run(join(dir, "node_modules/.bin/vitest"), ["run", "--root", folder], {
      MASKO_SIMULATOR_URL: mock.baseUrl,
    });
    expect(vitest.stdout + vitest.stderr).toMatch(/1 passed/);
    expect(vitest.status).toBe(0);
    expect(await (await fetch(`${mock.baseUrl}/__mock/sandboxes`)).json()).toEqual({ data: [] });
  }, 120_000);

  it("ends the simulator behind a backgrounded npx masko-contract mock when npx is killed", async () => {
    const port = await freePort();
    const mock = await startServer(
      "npx",
      ["masko-contract", "mock", "--port", String(port), "--log-level", "warn"],
      {
        port,
        readyPath: "/v1/credits",
        cwd: dir,
      },
    );
    servers.push(mock);
    process.kill(mock.child.pid as number, "SIGKILL");
    await waitFor(`port ${port} to close`, async () => !(await portOpen(port)));
  }, 60_000);

  it("fails a contract run whose admin token the control API refuses", async () => {
    const port = await freePort();
    const mock = await startServer(
      bin,
      ["mock", "--port", String(port), "--admin-token", "right", "--log-level", "warn"],
      {
        port,
        readyPath: "/v1/credits",
      },
    );
    servers.push(mock);
    const key = /demo API key: (masko_[0-9a-f]{64})/.exec(mock.output())?.[1] ?? "";
    const test = run(bin, ["test", "--base-url", mock.baseUrl, "--api-key", key, "--admin-token", "wrong"]);
    expect(test.status).not.toBe(0);
    expect(test.stdout + test.stderr).toContain("answered 401");
    const keyless = run(bin, ["test", "--base-url", mock.baseUrl]);
    expect(keyless.status).toBe(2);
    expect(keyless.stderr).toContain("--base-url needs --api-key (or MASKO_API_KEY)");
    expect(keyless.stdout + keyless.stderr).not.toContain("No test files found");
  }, 120_000);
});
