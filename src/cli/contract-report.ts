/**
 * What a contract run reports beside vitest's own output: the reason of every skipped check in the JUnit report
 * (vitest writes a bare `<skipped/>`), and the pacing figures — requests, the floor the limits set, time waited,
 * the checks' own work — read from the pacing journal (contract-tests/lib/pacer.ts); the files a run writes
 * beside its JUnit report, and the run's figures written into it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Reporter, TestCase } from "vitest/node";
import { countJunit } from "../contract/junit.js";
import { contractSuite } from "./package-files.js";

/** The reason of a skipped check: its own note, else why its block does not run here. */
export type SkipReason = (test: { note: string | undefined; suites: string[] }) => string;

/** A vitest reporter that collects the reason of each skipped check, by file and name, in run order. */
export function skipReasonCollector(reasonOf: SkipReason) {
  const reasons = new Map<string, string[]>();
  const reporter: Reporter = {
    onTestRunEnd(modules) {
      for (const module of modules) {
        for (const test of module.children.allTests()) {
          const result = test.result();
          if (result.state !== "skipped") continue;
          const key = `${basename(module.moduleId)}\0${test.fullName}`;
          const list = reasons.get(key) ?? [];
          list.push(reasonOf({ note: result.note, suites: suitesOf(test) }));
          reasons.set(key, list);
        }
      }
    },
  };
  return { reporter, reasons };
}

function suitesOf(test: TestCase): string[] {
  const names: string[] = [];
  for (let p = test.parent; p.type === "suite"; p = p.parent) names.unshift(p.name);
  return names;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const unescapeXml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** `xml` with each `<skipped/>` carrying its reason as `message`. */
export function addSkipReasons(xml: string, reasons: Map<string, string[]>): string {
  const used = new Map<string, number>();
  return xml.replace(
    /(<testcase classname="([^"]*)" name="([^"]*)"[^>]*>\s*)<skipped\/>/g,
    (_all, head: string, classname: string, name: string) => {
      const key = `${basename(unescapeXml(classname))}\0${unescapeXml(name)}`;
      const index = used.get(key) ?? 0;
      used.set(key, index + 1);
      const reason = reasons.get(key)?.[index] ?? "skipped";
      return `${head}<skipped message="${escapeXml(reason)}"/>`;
    },
  );
}

/** The pacing figures of a run. */
export interface PacingFigures {
  requests: number;
  keys: number;
  /** requests ÷ (limit per minute × keys) minutes, in seconds. */
  floorSeconds: number;
  waitedSeconds: number;
  ownWorkSeconds: number;
  runSeconds: number;
  /** 1.25 × floor + own work. */
  boundSeconds: number;
}

/** The figures from the journal's entries, the run's length and the minute limit. */
export function pacingFigures(
  entries: ReadonlyArray<{ kind: string; key?: string; ms?: number }>,
  runSeconds: number,
  perMinute: number,
  keys = 1,
): PacingFigures {
  const requests = entries.filter((e) => e.kind === "request").length;
  const waitedSeconds = entries.reduce((sum, e) => sum + (e.kind === "wait" ? (e.ms ?? 0) : 0), 0) / 1000;
  const floorSeconds = (requests / (perMinute * keys)) * 60;
  const ownWorkSeconds = Math.max(0, runSeconds - waitedSeconds);
  return {
    requests,
    keys,
    floorSeconds,
    waitedSeconds,
    ownWorkSeconds,
    runSeconds,
    boundSeconds: 1.25 * floorSeconds + ownWorkSeconds,
  };
}

/** The figures as the run's closing lines. */
export function formatPacing(f: PacingFigures, perMinute: number): string {
  const s = (n: number) => `${n.toFixed(1)} s`;
  const within = f.runSeconds <= f.boundSeconds;
  return [
    `pacing: ${f.requests} requests on ${f.keys} key${f.keys === 1 ? "" : "s"}; the limits' floor ${s(f.floorSeconds)} ` +
      `(${f.requests} ÷ (${perMinute} × ${f.keys}) min); waited ${s(f.waitedSeconds)}; the checks' own work ${s(f.ownWorkSeconds)}`,
    `pacing: run ${s(f.runSeconds)} ${within ? "≤" : "> (OVER)"} 1.25 × floor + own work = ${s(f.boundSeconds)}`,
  ].join("\n");
}

/** The files a run writes beside its JUnit report, and the suite's settings that point at them. */
export interface RunFiles {
  junit: string;
  hitsDir: string;
  targetFile: string;
  pacingFile: string;
}

/** The JUnit report's path and the files beside it; stale ones from an earlier run removed. */
export function runFiles(junitPath: string): RunFiles {
  const junit = resolve(junitPath);
  // One folder of coverage hits per report: runs side by side (the deployment rehearsal's three) never share one.
  const files = {
    junit,
    hitsDir: resolve(dirname(junit), "../coverage-hits", basename(junit, ".xml")),
    targetFile: `${junit}.target.json`,
    pacingFile: `${junit}.pacing.jsonl`,
  };
  rmSync(files.hitsDir, { recursive: true, force: true });
  rmSync(files.targetFile, { force: true });
  rmSync(files.pacingFile, { force: true });
  mkdirSync(dirname(junit), { recursive: true });
  return files;
}

/**
 * Writes the run's figures into its JUnit report (profile, checks run and skipped, each skip's reason) and prints
 * them, with the pacing figures of a paced run. Undefined when there is no report.
 */
export async function reportRun(
  files: RunFiles,
  skipReasons: Map<string, string[]>,
  runSeconds: number,
  pacing: { perMinute: number; keysUsed: number } | undefined,
): Promise<{ ran: number; failed: number; hasControl: boolean } | undefined> {
  let xml: string;
  try {
    xml = readFileSync(files.junit, "utf8");
  } catch {
    console.error(`contract run: no JUnit report at ${files.junit}`);
    return undefined;
  }
  const counts = countJunit(xml);
  let target = { profile: "unknown", hasControl: false };
  try {
    target = JSON.parse(readFileSync(files.targetFile, "utf8"));
  } catch {}
  rmSync(files.targetFile, { force: true });
  const ran = counts.passed + counts.failed;
  const properties = {
    profile: target.profile,
    control_api: String(target.hasControl),
    checks_run: String(ran),
    checks_skipped: String(counts.skipped),
  };
  const block = `<properties>${Object.entries(properties)
    .map(([name, value]) => `<property name="${name}" value="${value}"/>`)
    .join("")}</properties>`;
  writeFileSync(files.junit, addSkipReasons(xml, skipReasons).replace(/(<testsuite\b[^>]*>)/g, `$1${block}`));
  console.log(
    `contract run (${runSeconds.toFixed(1)} s): profile ${target.profile}, ${ran} checks run ` +
      `(${counts.failed} failed), ${counts.skipped} skipped; JUnit report in ${files.junit}`,
  );
  if (pacing) {
    const suite = contractSuite();
    const { readJournal } = await import(pathToFileURL(join(suite.dir, `lib/pacer.${suite.ext}`)).href);
    const figures = pacingFigures(
      readJournal(files.pacingFile),
      runSeconds,
      pacing.perMinute,
      pacing.keysUsed,
    );
    console.log(formatPacing(figures, pacing.perMinute));
  }
  rmSync(files.pacingFile, { force: true });
  return { ran, failed: counts.failed, hasControl: target.hasControl };
}

/** The operations and statuses the run did not reach (the coverage matrix, written beside the reports). */
export async function coverageGaps(files: RunFiles): Promise<string[]> {
  const suite = contractSuite();
  const { coverageMatrix } = await import(
    pathToFileURL(join(suite.dir, `lib/coverage-matrix.${suite.ext}`)).href
  );
  return (coverageMatrix as (dir: string, out: string) => string[])(
    files.hitsDir,
    resolve(dirname(files.junit), "../coverage-matrix.txt"),
  );
}
