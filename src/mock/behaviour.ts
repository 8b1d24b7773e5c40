/**
 * Behaviour settings: every Inferred decision of the register (docs/decisions.md) that has a plausible
 * alternative, as a named switch whose default is the register's choice. When production turns out to differ
 * (`masko-contract parity` tells), a user sets the switch instead of waiting for a release:
 *   `--behaviour name=value` (repeatable), `MASKO_MOCK_BEHAVIOUR=name=value,…`, `--behaviour-file FILE` (JSON
 *   object or `name=value` lines), `createSimulator({ behaviour })`, `createMaskoSimulator({ behaviour })`.
 * Pure: names, values, defaults and parsing; the stages that honour each switch read it from `Services`.
 */
import { badSetting } from "./primitives/masko-error.js";

/** Every switch: its values (the first is the default), the decision it settles, and what it changes. */
export const BEHAVIOURS = {
  "rate-limit-window": {
    values: ["fixed", "sliding"],
    decision: "D3",
    help: "fixed: windows anchored at the first counted request; sliding: at most the limit in any trailing window",
  },
  "rate-limit-reset": {
    values: ["epoch-seconds", "delta-seconds"],
    decision: "D3",
    help: "X-RateLimit-Reset as Unix epoch seconds, or as seconds from now",
  },
  "retry-after": {
    values: ["on", "off"],
    decision: "D3",
    help: "Retry-After (whole seconds) on a 429",
  },
  "rate-limit-headers": {
    values: ["x-ratelimit", "ietf", "both"],
    decision: "D3",
    help: "X-RateLimit-Remaining/-Reset, the IETF draft's RateLimit + RateLimit-Policy, or both",
  },
  "keyless-limit": {
    values: ["off", "per-address", "per-address-with-preflights"],
    decision: "D3",
    help: "calls without a valid key: always 401 (off), or limited per client address (CORS preflights counted too)",
  },
  "api-key-endpoints": {
    values: ["on", "off"],
    decision: "D2",
    help: "on: keys are managed programmatically (/v1/api-keys); off: dashboard only, those routes answer 404",
  },
  "openapi-document": {
    values: ["public", "key"],
    decision: "D23",
    help: "GET /v1/openapi.json without a key (public), or only with one (key: 401 without)",
  },
  "size-urls": {
    values: ["on", "off"],
    decision: "D10",
    help: "a generate answer with `sizes` carries size_urls (on), or only the job's own URLs (off)",
  },
  "canvas-status-route": {
    values: ["on", "off"],
    decision: "D13",
    help: "GET …/canvases/{id}/status is served beside the detail's status (on), or answers 404 (off)",
  },
  "generate-all-targets": {
    values: ["superset", "documented"],
    decision: "D15",
    help: "generate-all targets: animations, images and all (superset), or only the documented animations (400 else)",
  },
  "preview-cost": {
    values: ["1", "0"],
    decision: "D21",
    help: "credits a preview costs (priced as an image, or free)",
  },
  "suggest-actions-body": {
    values: ["object", "list"],
    decision: "D22",
    help: 'suggest-actions answers {"data":{"actions":[…]}} (object) or {"data":[…]} (list)',
  },
  "export-incomplete": {
    values: ["conflict", "partial"],
    decision: "D27",
    help: "exporting before every part is generated: 409 (conflict), or the generated parts only (partial)",
  },
  "failed-asset": {
    values: ["placeholder", "not-found"],
    decision: "D29",
    help: "a failed job's asset URLs keep serving the placeholder, or answer 404 (not-found)",
  },
  "logo-cost": {
    values: ["5", "20"],
    decision: "D1",
    help: "credits a logo costs",
  },
  "logo-plan": {
    values: ["any", "pro"],
    decision: "D1",
    help: "any: every workspace may generate logos; pro: logos answer 403 (workspaces here are on no paid plan)",
  },
  "insufficient-credits-body": {
    values: ["nested", "flat"],
    decision: "D4",
    help: 'the 402 body: the error envelope with required/balance, or the credits page\'s {"error","required","available"}',
  },
} as const;

/** The name of a switch. */
export type BehaviourName = keyof typeof BEHAVIOURS;
/** The settings in force: a value for every switch. */
export type Behaviour = { readonly [N in BehaviourName]: (typeof BEHAVIOURS)[N]["values"][number] };
/** Some switches set (the rest keep their defaults). */
export type BehaviourInput = Partial<{ [N in BehaviourName]: string }>;

export const BEHAVIOUR_NAMES = Object.keys(BEHAVIOURS) as BehaviourName[];

/** The register's choices. */
export const DEFAULT_BEHAVIOUR: Behaviour = Object.fromEntries(
  BEHAVIOUR_NAMES.map((name) => [name, BEHAVIOURS[name].values[0]]),
) as unknown as Behaviour;

const own = (record: object, key: string) => Object.hasOwn(record, key);

/** `input` over the defaults; an unknown name or value is a 400 naming it and the accepted ones. */
export function resolveBehaviour(input: BehaviourInput = {}): Behaviour {
  const out: Record<string, string> = { ...DEFAULT_BEHAVIOUR };
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!own(BEHAVIOURS, name)) {
      throw badSetting(`unknown behaviour "${name}"; known: ${BEHAVIOUR_NAMES.join(", ")}`, "behaviour");
    }
    const values: readonly string[] = BEHAVIOURS[name as BehaviourName].values;
    if (!values.includes(String(value))) {
      throw badSetting(`behaviour ${name} must be one of ${values.join(", ")}, not "${value}"`, "behaviour");
    }
    out[name] = String(value);
  }
  return out as unknown as Behaviour;
}

/** `name=value` items (from flags, a comma-separated variable or the lines of a file) as input. */
export function parseBehaviourItems(items: readonly string[]): BehaviourInput {
  const input: Record<string, string> = {};
  for (const raw of items) {
    const item = raw.trim();
    if (item === "" || item.startsWith("#")) continue;
    const at = item.indexOf("=");
    if (at <= 0) {
      throw badSetting(`behaviour "${item}" must be name=value`, "behaviour");
    }
    input[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  resolveBehaviour(input);
  return input;
}

/** A behaviour file: a JSON object of names to values, or `name=value` lines (`#` comments). */
export function parseBehaviourFile(text: string): BehaviourInput {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    const input = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    resolveBehaviour(input);
    return input;
  }
  return parseBehaviourItems(trimmed.split(/\r?\n/));
}

/** The switches of `behaviour` that differ from the defaults, as `name=value`. */
export function behaviourChanges(behaviour: Behaviour): string[] {
  return BEHAVIOUR_NAMES.filter((n) => behaviour[n] !== DEFAULT_BEHAVIOUR[n]).map(
    (n) => `${n}=${behaviour[n]}`,
  );
}

/** The help text of every switch (for `mock --help`). */
export function behaviourHelp(): string {
  return BEHAVIOUR_NAMES.map((name) => {
    const b = BEHAVIOURS[name];
    return `  ${name.padEnd(26)} ${b.values.join(" | ")} (default ${b.values[0]}; ${b.decision})\n${" ".repeat(29)}${b.help}`;
  }).join("\n");
}
