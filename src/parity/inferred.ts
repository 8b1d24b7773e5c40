/**
 * Every Inferred decision of the register (docs/decisions.md), as parity can read it from a scenario run: the value
 * a side showed (a behaviour setting's value where a switch exists), or undefined when the run could not see it.
 * Pure: (run) → value. The verdict compares the target's value with the simulator's.
 */
import { BEHAVIOURS, type BehaviourName } from "../mock/behaviour.js";
import { headerFormat, limitsOf, type Observation } from "./observe.js";
import type { ScenarioRun } from "./scenario.js";

/** One question parity answers about a decision. */
export interface InferredCheck {
  readonly id: string;
  readonly decision: string;
  readonly question: string;
  /** The behaviour setting that matches another answer, when one exists. */
  readonly setting?: BehaviourName;
  /** What a run shows; undefined when not observed. */
  read(run: ScenarioRun): string | undefined;
}

/** How a decision fared against the target. */
export interface Verdict {
  readonly check: InferredCheck;
  readonly outcome: "confirmed" | "contradicted" | "not observed";
  readonly target: string | undefined;
  readonly simulator: string | undefined;
  /** For a contradiction: `--behaviour name=value` that matches the target, when a setting can. */
  readonly matchWith?: string;
}

const step = (run: ScenarioRun, id: string): Observation | undefined =>
  run.observations.find((o) => o.step === id);
const remainingOf = (o: Observation | undefined) => (o ? limitsOf(o)?.remaining : undefined);
const bodyOf = (o: Observation | undefined) => o?.body as Record<string, unknown> | undefined;

/** The checks, in the register's order. */
export const INFERRED_CHECKS: readonly InferredCheck[] = [
  {
    id: "logo-cost",
    decision: "D1",
    question: "What a logo costs (needs --spend-credits 20)",
    setting: "logo-cost",
    read(run) {
      const logo = step(run, "paid.logo");
      if (logo?.status === 202) {
        const cost = (bodyOf(logo)?.data as { cost_credits?: number } | undefined)?.cost_credits;
        return cost === undefined ? undefined : String(cost);
      }
      const required = bodyOf(logo)?.error as { required?: number } | undefined;
      return logo?.status === 402 && required?.required !== undefined ? String(required.required) : undefined;
    },
  },
  {
    id: "logo-plan",
    decision: "D1",
    question: "Whether a logo needs a paid plan (403 otherwise; needs --spend-credits 20)",
    setting: "logo-plan",
    read(run) {
      const logo = step(run, "paid.logo");
      if (logo?.status === 403) return "pro";
      return logo?.status === 202 || logo?.status === 402 ? "any" : undefined;
    },
  },
  {
    id: "api-key-endpoints",
    decision: "D2",
    question: "Whether keys can be created programmatically (POST /v1/api-keys)",
    setting: "api-key-endpoints",
    read(run) {
      const created = step(run, "write.api-key-create");
      if (!created) return undefined;
      if (created.status === 201 || created.status === 409) return "on";
      return created.status === 404 || created.status === 405 ? "off" : `answers ${created.status}`;
    },
  },
  {
    id: "rate-limit-window",
    decision: "D3",
    question: "Window algorithm: what comes back when the minute window resets",
    setting: "rate-limit-window",
    read(run) {
      const start = remainingOf(step(run, "read.credits"));
      const after = remainingOf(step(run, "limits.after-reset"));
      if (start === undefined || after === undefined || run.secondHalf === undefined) return undefined;
      return after >= start - run.secondHalf / 2 ? "fixed" : "sliding";
    },
  },
  {
    id: "rate-limit-reset",
    decision: "D3",
    question: "X-RateLimit-Reset: an instant (epoch seconds) or a delay (seconds from now)",
    setting: "rate-limit-reset",
    read(run) {
      const o = step(run, "read.credits");
      const format = headerFormat("x-ratelimit-reset", o?.headers["x-ratelimit-reset"]);
      return format === "absent" ? undefined : format;
    },
  },
  {
    id: "retry-after",
    decision: "D3",
    question: "Retry-After on a 429",
    setting: "retry-after",
    read(run) {
      const o = step(run, "limits.first-429");
      return o ? (o.headers["retry-after"] !== undefined ? "on" : "off") : undefined;
    },
  },
  {
    id: "rate-limit-headers",
    decision: "D3",
    question: "Rate-limit header style",
    setting: "rate-limit-headers",
    read(run) {
      const o = step(run, "read.credits");
      if (!o) return undefined;
      const legacy = o.headers["x-ratelimit-remaining"] !== undefined;
      const ietf = o.headers.ratelimit !== undefined;
      return legacy && ietf ? "both" : legacy ? "x-ratelimit" : ietf ? "ietf" : "none";
    },
  },
  {
    id: "remaining-counts-down",
    decision: "D3",
    question: "X-RateLimit-Remaining falls by one per admitted request",
    read(run) {
      const a = remainingOf(step(run, "read.credits"));
      const b = remainingOf(step(run, "read.credits-again"));
      if (a === undefined || b === undefined) return undefined;
      return b === a - 1 ? "by one" : `from ${a} to ${b}`;
    },
  },
  {
    id: "keyless-limit",
    decision: "D3",
    question: "Calls without a valid key: always 401, or limited per address (preflights counted?)",
    setting: "keyless-limit",
    read(run) {
      if (step(run, "keyless.after-preflights")?.status === 429) return "per-address-with-preflights";
      if (step(run, "keyless.first-429")) return "per-address";
      return step(run, "keyless.after-61")?.status === 401 ? "off" : undefined;
    },
  },
  {
    id: "insufficient-credits-body",
    decision: "D4",
    question: "The 402 body: the error envelope or the credits page's flat body (needs --spend-credits)",
    setting: "insufficient-credits-body",
    read(run) {
      const o = step(run, "paid.insufficient-credits");
      if (o?.status !== 402) return undefined;
      const error = bodyOf(o)?.error;
      return typeof error === "string" ? "flat" : typeof error === "object" ? "nested" : "other";
    },
  },
  {
    id: "size-urls",
    decision: "D10",
    question: "size_urls on a generate answer (not probed: it needs sizes on a paid call)",
    setting: "size-urls",
    read: () => undefined,
  },
  {
    id: "canvas-progress",
    decision: "D13",
    question: "Canvas progress on its own route (not probed: it needs a canvas)",
    setting: "canvas-status-route",
    read: () => undefined,
  },
  {
    id: "generate-all-targets",
    decision: "D15",
    question: "generate-all targets beyond `animations` (not probed)",
    setting: "generate-all-targets",
    read: () => undefined,
  },
  {
    id: "preview",
    decision: "D21",
    question: "Preview price and answer (not probed: it spends a credit on its own)",
    setting: "preview-cost",
    read: () => undefined,
  },
  {
    id: "suggest-actions",
    decision: "D22",
    question: "Suggest-actions answer shape (needs --spend-credits, for a collection of its own)",
    setting: "suggest-actions-body",
    read(run) {
      const o = step(run, "paid.suggest-actions");
      if (o?.status !== 200) return undefined;
      const data = bodyOf(o)?.data as { actions?: unknown } | unknown[] | undefined;
      if (Array.isArray(data)) return "list";
      return Array.isArray(data?.actions) ? "object" : "other";
    },
  },
  {
    id: "openapi-document",
    decision: "D23",
    question: "GET /v1/openapi.json without a key",
    setting: "openapi-document",
    read(run) {
      const o = step(run, "read.openapi-without-key");
      if (!o) return undefined;
      return o.status === 200 ? "public" : o.status === 401 ? "key" : `answers ${o.status}`;
    },
  },
  {
    id: "export-incomplete",
    decision: "D27",
    question: "Exporting a canvas before every part is generated (not probed)",
    setting: "export-incomplete",
    read: () => undefined,
  },
  {
    id: "failed-asset",
    decision: "D29",
    question: "What a failed job's asset URLs serve (not probed: no job is made to fail)",
    setting: "failed-asset",
    read: () => undefined,
  },
];

/** The verdict of each check, the target's run against the simulator's. */
export function verdicts(target: ScenarioRun, simulator: ScenarioRun): Verdict[] {
  return INFERRED_CHECKS.map((check) => {
    const t = check.read(target);
    const s = check.read(simulator);
    if (t === undefined || s === undefined)
      return { check, outcome: "not observed", target: t, simulator: s };
    if (t === s) return { check, outcome: "confirmed", target: t, simulator: s };
    const values: readonly string[] | undefined = check.setting
      ? BEHAVIOURS[check.setting].values
      : undefined;
    return {
      check,
      outcome: "contradicted",
      target: t,
      simulator: s,
      ...(check.setting && values?.includes(t) ? { matchWith: `${check.setting}=${t}` } : {}),
    };
  });
}
