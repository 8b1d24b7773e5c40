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

describe("the register's behaviour switches", () => {
  const rows = register.split("\n").filter((l) => /^\| D\d+ \|/.test(l));
  it("names, on every Inferred row, a switch the simulator has", async () => {
    const { BEHAVIOUR_NAMES } = await import("../../src/mock/behaviour.js");
    const inferred = rows.filter((r) => /\*\*Inferred\*\*/.test(r));
    expect(inferred.length).toBeGreaterThanOrEqual(10);
    for (const row of inferred) {
      const cells = row.split(/(?<!\\)\|/);
      const switchCell = cells[cells.length - 3] ?? "";
      const named = [...switchCell.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
      expect(named.length, row.slice(0, 40)).toBeGreaterThan(0);
      for (const name of named) expect(BEHAVIOUR_NAMES).toContain(name);
    }
  });

  it("lists every switch on the row of its decision", async () => {
    const { BEHAVIOURS, BEHAVIOUR_NAMES } = await import("../../src/mock/behaviour.js");
    for (const name of BEHAVIOUR_NAMES) {
      const row = rows.find((r) => r.startsWith(`| ${BEHAVIOURS[name].decision} |`));
      expect(row, name).toContain(`\`${name}\``);
    }
  });
});
