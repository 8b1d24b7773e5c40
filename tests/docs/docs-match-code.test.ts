import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FLAGS as MOCK_FLAGS } from "../../src/cli/commands/mock.js";
import { FLAGS as TEST_FLAGS } from "../../src/cli/commands/test.js";
import type { FlagTable } from "../../src/cli/flags.js";
import { specValidator } from "../../src/contract/bundled-spec.js";

const doc = (name: string) => readFileSync(resolve(import.meta.dirname, "../../docs", name), "utf8");

describe("the guides match the code", () => {
  it("docs/simulator.md documents every mock flag with its environment variable", () => {
    const text = doc("simulator.md");
    for (const [name, flag] of Object.entries(MOCK_FLAGS as FlagTable)) {
      if (name === "help") continue;
      expect(text).toContain(`\`--${name}`);
      if (flag.env) expect(text).toContain(`\`${flag.env}\``);
    }
  });

  it("docs/contract-tests.md documents every test flag with its environment variable", () => {
    const text = doc("contract-tests.md");
    for (const [name, flag] of Object.entries(TEST_FLAGS as FlagTable)) {
      expect(text).toContain(`\`--${name}\``);
      if (flag.env) expect(text).toContain(`\`${flag.env}\``);
    }
  });

  it("docs/simulator.md lists exactly the spec's operations as fault names", () => {
    const text = doc("simulator.md");
    const section = /Fault operations are the spec's operationIds: ([^;]+);/.exec(text)?.[1] ?? "";
    const listed = [...section.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
    expect(listed).toEqual(
      specValidator()
        .operations()
        .map((o) => o.operationId)
        .sort(),
    );
  });

  it("imports only entry points the package exports", () => {
    const exported = Object.keys(
      JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8")).exports,
    );
    for (const name of ["simulator.md", "msw.md", "contract-tests.md", "sandboxes.md"]) {
      for (const [, path] of doc(name).matchAll(/from "masko-contract(\/[^"]*)?"/g)) {
        expect(exported).toContain(path ? `.${path}` : ".");
      }
    }
  });
});
