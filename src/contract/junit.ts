/** Writes JUnit XML for checks that are not vitest or Schemathesis runs (test stages, load scenarios). */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** One check: passed unless it carries a failure message or a skip reason. */
export interface JunitCase {
  name: string;
  seconds?: number;
  failure?: string;
  skipped?: string;
}

const xmlEscape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

/** Writes `cases` as one <testsuite> named `suite` to `file`, creating its folder. */
export function writeJunit(file: string, suite: string, cases: JunitCase[]): void {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.failure === undefined && c.skipped !== undefined).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(c.name)}" time="${(c.seconds ?? 0).toFixed(3)}"`;
    if (c.failure !== undefined)
      return `${open}>\n      <failure message="${xmlEscape(c.failure)}"/>\n    </testcase>`;
    if (c.skipped !== undefined)
      return `${open}>\n      <skipped message="${xmlEscape(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xmlEscape(suite)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${body.join("\n")}\n  </testsuite>\n</testsuites>\n`,
  );
}

/** Passed, failed and skipped test cases of one JUnit document. */
export function countJunit(xml: string): { passed: number; failed: number; skipped: number } {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const inner = match[2] ?? "";
    if (/<(failure|error)\b/.test(inner)) counts.failed++;
    else if (/<skipped\b/.test(inner)) counts.skipped++;
    else counts.passed++;
  }
  return counts;
}
