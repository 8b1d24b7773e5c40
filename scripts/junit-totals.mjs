#!/usr/bin/env node
/**
 * Prints the totals of every JUnit report under a folder (default reports/junit) as the closing line CI reads:
 * `N passed, N failed, N skipped`. A test case counts as failed when it holds <failure> or <error>, as skipped when
 * it holds <skipped>; the failed cases are listed by name above the closing line. Plain JavaScript so it runs with nothing but node and fast-xml-parser.
 * Usage: node scripts/junit-totals.mjs [folder]   (exit 1 when any case failed or no report was found)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { XMLParser } from "fast-xml-parser";

const folder = resolve(process.argv[2] ?? join(import.meta.dirname, "../reports/junit"));
const parser = new XMLParser({
  ignoreAttributes: false,
  // Only the element structure is counted; messages and stack traces can hold thousands of entities.
  processEntities: false,
  isArray: (name) => name === "testcase" || name === "testsuite",
});

/** The five XML entities of an attribute as the characters they stand for (entities are not processed above). */
const decodeEntities = (text) =>
  text.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, name) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[name],
  );

/** Every <testcase> in a parsed document, however deeply its suites nest. */
function* testcases(node) {
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "testcase") yield* value;
    else if (Array.isArray(value)) for (const v of value) yield* testcases(v);
    else if (typeof value === "object") yield* testcases(value);
  }
}

let files = [];
try {
  files = readdirSync(folder).filter((f) => f.endsWith(".xml"));
} catch {}
const totals = { passed: 0, failed: 0, skipped: 0 };
/** The failed cases by name, printed just above the closing line: a log cut to its tail still says what failed. */
const failures = [];
for (const file of files.sort()) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const tc of testcases(parser.parse(readFileSync(join(folder, file), "utf8")))) {
    const c = typeof tc === "object" && tc !== null ? tc : {};
    if ("failure" in c || "error" in c) {
      counts.failed++;
      failures.push(decodeEntities(`${file}: ${c["@_classname"] ?? ""} › ${c["@_name"] ?? "(unnamed)"}`));
    } else if ("skipped" in c) counts.skipped++;
    else counts.passed++;
  }
  console.log(`  ${file}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += counts[k];
}
if (files.length === 0) {
  console.log(`no JUnit reports in ${folder}`);
  totals.failed = Math.max(totals.failed, 1);
}
for (const failure of failures) console.log(`  FAILED ${failure}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
