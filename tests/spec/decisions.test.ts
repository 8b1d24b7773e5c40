import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import bundled from "../../src/generated/openapi.json" with { type: "json" };

const register = readFileSync(resolve(import.meta.dirname, "../../docs/decisions.md"), "utf8");
const decisions = [...register.matchAll(/^\| (D\d+) \|/gm)].map((m) => m[1] as string);
const spec = JSON.stringify(bundled);

describe("the decisions register", () => {
  it("numbers its decisions D1, D2, … without gaps", () => {
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions).toEqual(decisions.map((_, i) => `D${i + 1}`));
  });

  it.each(decisions)("%s is stated in the spec where it applies", (id) => {
    expect(spec).toMatch(new RegExp(`\\b${id}\\b`));
  });

  it("cites the public page behind every decision", () => {
    for (const row of register.split("\n").filter((l) => /^\| D\d+ \|/.test(l))) {
      expect(row).toMatch(/https:\/\/(masko\.ai|api\.masko\.ai)\//);
    }
  });
});
