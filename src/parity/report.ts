/** The parity report: Markdown for people, JSON for tools, JUnit for CI — one source, three renderings. */
import type { JunitCase } from "../contract/junit.js";
import type { Difference } from "./compare.js";
import type { Verdict } from "./inferred.js";

/** Everything one parity run found. */
export interface ParityReport {
  readonly target: string;
  readonly startedAt: string;
  readonly seconds: number;
  readonly spendCredits: number;
  /** The simulator's behaviour settings (name=value), empty for the defaults. */
  readonly behaviour: readonly string[];
  readonly verdicts: readonly Verdict[];
  readonly differences: readonly Difference[];
}

/** Whether the target matches the simulator: no contradiction and no difference. */
export const parityHolds = (r: ParityReport) =>
  r.differences.length === 0 && r.verdicts.every((v) => v.outcome !== "contradicted");

/** The `--behaviour` settings that would make the simulator match the target. */
export const matchingSettings = (r: ParityReport) =>
  r.verdicts.flatMap((v) => (v.matchWith ? [v.matchWith] : []));

const cell = (s: string | undefined) => (s ?? "—").replace(/\|/g, "\\|");

/** Markdown. */
export function markdownReport(r: ParityReport): string {
  const counts = (o: Verdict["outcome"]) => r.verdicts.filter((v) => v.outcome === o).length;
  const settings = matchingSettings(r);
  return [
    `# Parity: ${r.target} against the simulator${r.behaviour.length > 0 ? ` with ${r.behaviour.join(", ")}` : "'s defaults"}`,
    "",
    `${r.startedAt}, ${r.seconds.toFixed(1)} s, --spend-credits ${r.spendCredits}. ` +
      `Inferred decisions: ${counts("confirmed")} confirmed, ${counts("contradicted")} contradicted, ` +
      `${counts("not observed")} not observed. Differences: ${r.differences.length}.`,
    "",
    ...(settings.length > 0
      ? [
          "To make the simulator match this target:",
          "",
          `    masko-contract mock ${settings.map((s) => `--behaviour ${s}`).join(" ")}`,
          "",
        ]
      : []),
    "## Inferred decisions",
    "",
    "| decision | question | verdict | target | simulator | setting that matches |",
    "|---|---|---|---|---|---|",
    ...r.verdicts.map(
      (v) =>
        `| ${v.check.decision} | ${cell(v.check.question)} | ${v.outcome} | ${cell(v.target)} | ${cell(v.simulator)} | ${
          v.matchWith
            ? `\`--behaviour ${v.matchWith}\``
            : v.outcome === "contradicted"
              ? "none (no switch)"
              : ""
        } |`,
    ),
    "",
    "## Differences",
    "",
    ...(r.differences.length === 0
      ? ["None: every step answered alike (status, watched headers' formats, body fields and types)."]
      : [
          "| step | request | kind | what | target | simulator |",
          "|---|---|---|---|---|---|",
          ...r.differences.map(
            (d) =>
              `| ${d.step} | ${cell(d.request)} | ${d.kind} | ${cell(d.what)} | ${cell(d.target)} | ${cell(d.simulator)} |`,
          ),
        ]),
    "",
  ].join("\n");
}

/** JSON. */
export function jsonReport(r: ParityReport): string {
  return `${JSON.stringify(
    {
      target: r.target,
      started_at: r.startedAt,
      seconds: r.seconds,
      spend_credits: r.spendCredits,
      behaviour: r.behaviour,
      holds: parityHolds(r),
      matching_settings: matchingSettings(r),
      inferred: r.verdicts.map((v) => ({
        id: v.check.id,
        decision: v.check.decision,
        question: v.check.question,
        outcome: v.outcome,
        target: v.target ?? null,
        simulator: v.simulator ?? null,
        setting: v.check.setting ?? null,
        match_with: v.matchWith ?? null,
      })),
      differences: r.differences,
    },
    null,
    2,
  )}\n`;
}

/** JUnit cases: one per Inferred question, one per step with differences. */
export function junitCases(r: ParityReport): JunitCase[] {
  const inferred = r.verdicts.map((v): JunitCase => {
    const name = `${v.check.decision} ${v.check.question}`;
    if (v.outcome === "not observed") return { name, skipped: "not observed in this run" };
    if (v.outcome === "confirmed") return { name };
    return {
      name,
      failure: `target shows ${v.target}, the simulator ${v.simulator}${v.matchWith ? `; matches with --behaviour ${v.matchWith}` : ""}`,
    };
  });
  const steps = new Map<string, Difference[]>();
  for (const d of r.differences) steps.set(d.step, [...(steps.get(d.step) ?? []), d]);
  const differing = [...steps].map(
    ([step, ds]): JunitCase => ({
      name: `${step} answers as the simulator does`,
      failure: ds.map((d) => `${d.kind} ${d.what}: target ${d.target}, simulator ${d.simulator}`).join("; "),
    }),
  );
  return [
    ...inferred,
    ...(differing.length > 0 ? differing : [{ name: "every step answers as the simulator does" }]),
  ];
}
