/**
 * The coverage matrix (operation × declared status) from the hits the contract tests recorded: printed, written to
 * `outFile`, and the cells that were never provoked and are not on the exemption list returned.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { specValidator } from "../../src/contract/bundled-spec.js";
import { EXEMPTIONS } from "./operation-cases.js";

/** Prints the matrix of the hits under `dir`, writes it to `outFile`, removes `dir`; returns the missing cells. */
export function coverageMatrix(dir: string, outFile: string): string[] {
  const hits = new Set<string>();
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line) continue;
      const { operationId, status } = JSON.parse(line) as { operationId: string; status: number };
      hits.add(`${operationId} ${status}`);
    }
  }

  const operations = specValidator().operations();
  const statuses = [
    ...new Set(operations.flatMap((o) => Object.keys(o.operation.responses as object))),
  ].sort();
  const missing: string[] = [];
  let covered = 0;
  let declared = 0;
  const rows = operations.map(({ operationId, operation }) => {
    const cells = statuses.map((status) => {
      if (!(status in (operation.responses as object))) return "  ·  ";
      declared++;
      const cell = `${operationId} ${status}`;
      if (hits.has(cell)) {
        covered++;
        return "  ✓  ";
      }
      if (EXEMPTIONS[cell]) return "  ex ";
      missing.push(cell);
      return "  ✗  ";
    });
    return `${operationId.padEnd(26)}${cells.join("")}`;
  });
  const exempt = Object.keys(EXEMPTIONS).length;
  const report = [
    `${"operation".padEnd(26)}${statuses.map((s) => `  ${s}`).join("")}`,
    ...rows,
    "",
    `covered ${covered} of ${declared} declared cells; ${exempt} exempt (${Object.entries(EXEMPTIONS)
      .map(([c, why]) => `${c}: ${why}`)
      .join("; ")})`,
  ].join("\n");
  console.log(report);
  writeFileSync(outFile, `${report}\n`);
  rmSync(dir, { recursive: true, force: true });
  if (missing.length > 0) console.error(`\nuncovered and not exempt: ${missing.join(", ")}`);
  return missing;
}
