/**
 * The two small packages as their users install them (npm run pack:packages, each tarball alone in a fresh
 * project): what the install brings (printed: packages and size), types under every TypeScript resolution,
 * `import` and `require`, and what the client adds to a browser bundle.
 *   @masko-contract/client     at most 5 packages and 2 MB; a browser bundle that calls createMaskoClient ≤ 10 kB gz
 *   @masko-contract/simulator  nothing a test runner or a bundler brings; its MSW handlers serve msw/node
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFootprint, footprintOf } from "../../support/footprint.js";
import { type Resolution, strictTypeCheck } from "../../support/strict-tsc.js";

const root = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dev = pkg.devDependencies as Record<string, string>;
const work = mkdtempSync(join(tmpdir(), "masko-small-"));
const tarballs = join(work, "tarballs");
const KEY = `masko_${"0".repeat(64)}`;

/** What a test runner or a bundler brings; none of it may come with the simulator. */
const TOOLCHAIN = [
  "vitest",
  "vite",
  "rolldown",
  "esbuild",
  "lightningcss",
  "rollup",
  "@vitest/runner",
  "typescript",
];

const run = (cwd: string, command: string, args: string[]) =>
  spawnSync(command, args, { cwd, encoding: "utf8", timeout: 180_000 });

/** A fresh project with `tarball` installed; answers its directory and the packages the install brought. */
function installAlone(name: string, tarball: string) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `${name}-user`, private: true, type: "module" }),
  );
  const install = run(dir, "npm", ["install", "--no-audit", "--no-fund", join(tarballs, tarball)]);
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  const footprint = footprintOf(dir);
  console.log(describeFootprint(name, footprint));
  return { dir, ...footprint };
}

/** Writes `source` as uses.ts into the project in `dir` and type-checks it strictly (this repository's tsc). */
function typeCheck(dir: string, source: string, resolution: Resolution) {
  writeFileSync(join(dir, "uses.ts"), source);
  return strictTypeCheck(dir, "uses.ts", resolution, {
    tsc: join(root, "node_modules/typescript/bin/tsc"),
    types: [],
  });
}

let client: ReturnType<typeof installAlone>;
let simulator: ReturnType<typeof installAlone>;
beforeAll(() => {
  execFileSync("npm", ["run", "pack:packages", "--silent", "--", "--pack", tarballs], {
    cwd: root,
    stdio: "ignore",
  });
  client = installAlone("client", `masko-contract-client-${pkg.version}.tgz`);
  simulator = installAlone("simulator", `masko-contract-simulator-${pkg.version}.tgz`);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("@masko-contract/client, installed alone", () => {
  it("brings at most 5 packages and 2 MB", () => {
    expect(client.packages.length).toBeLessThanOrEqual(5);
    expect(client.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it.each(["node16", "bundler", "node10"] as const)(
    "type-checks under strict tsc (%s resolution)",
    (resolution) => {
      const tsc = typeCheck(
        client.dir,
        [
          'import { createMaskoClient, MaskoApiError, policies, type components } from "@masko-contract/client";',
          `const masko = createMaskoClient({ apiKey: "${KEY}" });`,
          'export const balance = () => masko.GET("/v1/credits").then((r) => r.data?.data.balance);',
          'export const cost: components["schemas"]["ErrorResponse"] | undefined = undefined;',
          "export const parts = [MaskoApiError, policies.rateLimits.windows.length];",
          "",
        ].join("\n"),
        resolution,
      );
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.status).toBe(0);
    },
  );

  it("is imported and required alike, and refuses a malformed key before any request", () => {
    for (const [file, load] of [
      ["esm.mjs", 'import { createMaskoClient } from "@masko-contract/client";'],
      ["cjs.cjs", 'const { createMaskoClient } = require("@masko-contract/client");'],
    ]) {
      writeFileSync(
        join(client.dir, file as string),
        `${load}\ntry { createMaskoClient({ apiKey: "sk_live_nope" }); } catch (e) { console.log(e.message); }\n`,
      );
      const out = run(client.dir, process.execPath, [file as string]);
      expect(out.stderr).toBe("");
      expect(out.stdout).toMatch(/masko_/);
    }
  });

  it("adds at most 10 kB gzipped to a browser bundle that calls createMaskoClient", () => {
    writeFileSync(
      join(client.dir, "app.js"),
      `import { createMaskoClient } from "@masko-contract/client";\ndocument.title = String(createMaskoClient({ apiKey: "${KEY}" }));\n`,
    );
    const esbuild = join(root, "node_modules/.bin/esbuild");
    const built = run(client.dir, esbuild, [
      "app.js",
      "--bundle",
      "--minify",
      "--format=esm",
      "--platform=browser",
    ]);
    expect(built.status).toBe(0);
    const gzipped = gzipSync(built.stdout).length;
    console.log(`browser bundle with createMaskoClient: ${built.stdout.length} bytes, ${gzipped} gzipped`);
    // The client itself is in it (the rate-limit headers it reads), not only openapi-fetch.
    expect(built.stdout.includes("x-ratelimit-reset")).toBe(true);
    expect(gzipped).toBeLessThanOrEqual(10 * 1024);
  });
});

describe("@masko-contract/simulator, installed alone", () => {
  it("brings nothing a test runner or a bundler would", () => {
    expect(simulator.packages.filter((p) => TOOLCHAIN.includes(p))).toEqual([]);
    expect(simulator.packages).not.toContain("ioredis");
  });

  it.each(["node16", "bundler"] as const)("type-checks both entry points (%s resolution)", (resolution) => {
    const tsc = typeCheck(
      simulator.dir,
      [
        'import { createSimulator } from "@masko-contract/simulator";',
        'import type { createMaskoSimulator } from "@masko-contract/simulator/msw";',
        "export const parts: [typeof createSimulator, typeof createMaskoSimulator | undefined] = [createSimulator, undefined];",
        "",
      ].join("\n"),
      resolution,
    );
    // The /msw entry's types name msw's own: without msw installed they cannot resolve; with it they must.
    expect(tsc.stdout + tsc.stderr).toMatch(/^$|Cannot find module 'msw'/);
  });

  it("serves its MSW handlers to msw/node once the user adds msw, and is required from CommonJS", () => {
    const add = run(simulator.dir, "npm", ["install", "--no-audit", "--no-fund", `msw@${dev.msw}`]);
    expect(add.status).toBe(0);
    writeFileSync(
      join(simulator.dir, "msw.mjs"),
      [
        'import { createMaskoSimulator } from "@masko-contract/simulator/msw";',
        'import { setupServer } from "msw/node";',
        "const masko = await createMaskoSimulator();",
        "const server = setupServer(...masko.handlers);",
        'server.listen({ onUnhandledRequest: "error" });',
        'const r = await fetch("https://api.masko.ai/v1/credits", { headers: { authorization: "Bearer " + masko.demo.api_key } });',
        'console.log(r.status, r.headers.get("x-ratelimit-remaining"), (await r.json()).data.balance);',
        "server.close();",
        "",
      ].join("\n"),
    );
    const out = run(simulator.dir, process.execPath, ["msw.mjs"]);
    expect(out.stderr).toBe("");
    expect(out.stdout.trim()).toMatch(/^200 59 \d+$/);
    writeFileSync(
      join(simulator.dir, "cjs.cjs"),
      'const { createSimulator } = require("@masko-contract/simulator");\nconsole.log(typeof createSimulator);\n',
    );
    expect(run(simulator.dir, process.execPath, ["cjs.cjs"]).stdout.trim()).toBe("function");
    const tsc = typeCheck(
      simulator.dir,
      'import { createMaskoSimulator } from "@masko-contract/simulator/msw";\nexport const start = createMaskoSimulator;\n',
      "bundler",
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
  });
});
