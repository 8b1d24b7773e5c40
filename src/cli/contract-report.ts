/**
 * What a contract run reports beside vitest's own output: the reason of every skipped check in the JUnit report
 * (vitest writes a bare `<skipped/>`), and the pacing figures — requests, the floor the limits set, time waited,
 * the checks' own work — read from the pacing journal (contract-tests/lib/pacer.ts).
 */
import { basename } from "node:path";
import type { Reporter, TestCase } from "vitest/node";

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
