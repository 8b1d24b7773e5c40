/**
 * `masko-contract parity --base-url URL --api-key KEY [--spend-credits N] [--junit FILE] [--json FILE] [--markdown
 * FILE]`: one scenario (src/parity/scenario.ts) against the target and against an in-process simulator with the
 * register's defaults, compared field by field; for every Inferred decision, confirmed, contradicted (with the
 * `--behaviour` setting that would match the target) or not observed. Exit 1 on any contradiction or difference,
 * 2 on a bad flag or an unusable target.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeJunit } from "../../contract/junit.js";
import { type BehaviourInput, parseBehaviourItems } from "../../mock/behaviour.js";
import { compareRuns } from "../../parity/compare.js";
import { verdicts } from "../../parity/inferred.js";
import {
  jsonReport,
  junitCases,
  markdownReport,
  type ParityReport,
  parityHolds,
} from "../../parity/report.js";
import { runScenario } from "../../parity/scenario.js";
import { httpSide, simulatorSide } from "../../parity/sides.js";
import { type CommandSpec, type FlagTable, flagsOrHelp, helpText } from "../flags.js";
import { checkKey, checkTarget, checkUrl, checkWholeNumber, UsageError } from "../target-flags.js";

export const FLAGS = {
  "base-url": { value: "URL", help: "the deployment to compare (required)" },
  "api-key": { value: "KEY", help: "a key of that deployment (required)" },
  "spend-credits": {
    value: "N",
    default: "0",
    help: "credits the scenario may spend: 1 for an image, 20 more for a logo",
  },
  junit: { value: "FILE", help: "write a JUnit report here" },
  json: { value: "FILE", help: "write the JSON report here" },
  markdown: { value: "FILE", help: "write the Markdown report here (it is printed either way)" },
  behaviour: {
    multiple: true,
    value: "NAME=VALUE",
    help: "compare with a simulator switched so (check the settings you chose), repeatable",
  },
} as const satisfies FlagTable;

const COMMAND: CommandSpec<typeof FLAGS> = {
  name: "parity",
  synopsis: "--base-url URL --api-key KEY [flags]",
  description: [
    "Runs one scenario against a deployment and against the simulator, and reports every difference and, for each",
    "Inferred decision, whether the deployment confirms or contradicts it (and the --behaviour setting that matches).",
    "It takes about 70 s: it spends the minute window once, waits for its reset, and sends ~125 calls without a key.",
  ].join("\n"),
  flags: FLAGS,
};

/** Runs the parity command; resolves to the exit code. */
export async function runParity(args: string[]): Promise<number> {
  const values = flagsOrHelp(COMMAND, args);
  if (!values) return 0;
  let baseUrl: string;
  let apiKey: string;
  let spendCredits: number;
  let behaviour: BehaviourInput;
  try {
    try {
      behaviour = parseBehaviourItems(values.behaviour);
    } catch (error) {
      throw new UsageError(`--behaviour: ${(error as Error).message}`);
    }
    const rawBase = values["base-url"];
    const rawKey = values["api-key"];
    if (!rawBase || !rawKey) throw new UsageError("--base-url and --api-key are required");
    baseUrl = checkUrl("base-url", rawBase);
    apiKey = checkKey("api-key", rawKey);
    spendCredits = checkWholeNumber("spend-credits", values["spend-credits"]);
    await checkTarget(baseUrl, apiKey);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(
      `masko-contract parity: ${error.message}\n${error.message.includes("required") ? `\n${helpText(COMMAND)}` : ""}`,
    );
    return 2;
  }

  const started = Date.now();
  const log = (line: string) => console.log(`parity: ${line}`);
  log(`running the scenario against ${baseUrl} (about 70 s)`);
  const target = await runScenario(httpSide(baseUrl, apiKey), { spendCredits, log });
  // The simulator starts with the balance the target showed, so credit answers can match.
  const first = target.observations.find((o) => o.step === "read.credits");
  const balance = (first?.body as { data?: { balance?: number } } | undefined)?.data?.balance;
  const simulator = await simulatorSide(typeof balance === "number" ? balance : undefined, behaviour);
  const reference = await runScenario(simulator, { spendCredits, log: () => {} });
  await simulator.close();

  const report: ParityReport = {
    target: baseUrl,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    spendCredits,
    behaviour: Object.entries(behaviour).map(([n, v]) => `${n}=${v}`),
    verdicts: verdicts(target, reference),
    differences: compareRuns(target.observations, reference.observations),
  };
  const markdown = markdownReport(report);
  process.stdout.write(markdown);
  const write = (file: string | undefined, text: string) => {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write(values.markdown, markdown);
  write(values.json, jsonReport(report));
  if (values.junit) writeJunit(values.junit, "parity", junitCases(report));
  return parityHolds(report) ? 0 : 1;
}
