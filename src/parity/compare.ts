/**
 * Field-by-field differences between the target's answers and the simulator's, step by step: the status, each
 * watched header's presence and format, and — where both answered alike — the body's fields present on one side
 * only or of another type. Pure.
 */
import { bodyShape, headerFormat, type Observation, WATCHED_HEADERS } from "./observe.js";

/** One difference. */
export interface Difference {
  readonly step: string;
  /** `METHOD path` of the step. */
  readonly request: string;
  readonly kind: "status" | "header" | "field absent" | "field extra" | "field type" | "step";
  readonly what: string;
  readonly target: string;
  readonly simulator: string;
}

/** Steps whose answers are compared only for their status (probes whose headers and bodies are read elsewhere). */
const STATUS_ONLY = new Set(["keyless.first-preflight"]);

/** The differences between two runs' observations, in the target's step order. */
export function compareRuns(target: readonly Observation[], simulator: readonly Observation[]): Difference[] {
  const out: Difference[] = [];
  const bySim = new Map(simulator.map((o) => [o.step, o]));
  const byTarget = new Map(target.map((o) => [o.step, o]));
  for (const t of target) {
    const s = bySim.get(t.step);
    const request = `${t.method} ${t.path}`;
    if (!s) {
      out.push({
        step: t.step,
        request,
        kind: "step",
        what: "answered only by the target",
        target: String(t.status),
        simulator: "—",
      });
      continue;
    }
    if (t.status !== s.status) {
      out.push({
        step: t.step,
        request,
        kind: "status",
        what: "status",
        target: String(t.status),
        simulator: String(s.status),
      });
      continue;
    }
    if (STATUS_ONLY.has(t.step)) continue;
    for (const name of WATCHED_HEADERS) {
      const tf = headerFormat(name, t.headers[name]);
      const sf = headerFormat(name, s.headers[name]);
      if (tf !== sf)
        out.push({ step: t.step, request, kind: "header", what: name, target: tf, simulator: sf });
    }
    out.push(...compareBodies(t, s, request));
  }
  for (const s of simulator) {
    if (!byTarget.has(s.step)) {
      out.push({
        step: s.step,
        request: `${s.method} ${s.path}`,
        kind: "step",
        what: "answered only by the simulator",
        target: "—",
        simulator: String(s.status),
      });
    }
  }
  return out;
}

function compareBodies(t: Observation, s: Observation, request: string): Difference[] {
  const out: Difference[] = [];
  const ts = bodyShape(t.body);
  const ss = bodyShape(s.body);
  const base = { step: t.step, request };
  for (const [path, type] of ss) {
    const other = ts.get(path);
    if (other === undefined) {
      // Inside an array the target's first item may simply be missing (an empty list): that is no difference.
      if (!insideEmptyArray(path, ts))
        out.push({ ...base, kind: "field absent", what: path, target: "—", simulator: type });
    } else if (other !== type) {
      out.push({ ...base, kind: "field type", what: path, target: other, simulator: type });
    }
  }
  for (const [path, type] of ts) {
    if (!ss.has(path) && !insideEmptyArray(path, ss)) {
      out.push({ ...base, kind: "field extra", what: path, target: type, simulator: "—" });
    }
  }
  return out;
}

/** Whether `path` lies inside an array that `shape` holds empty (so it has no item to compare). */
export function insideEmptyArray(path: string, shape: ReadonlyMap<string, string>): boolean {
  for (let at = path.indexOf("[]"); at >= 0; at = path.indexOf("[]", at + 2)) {
    const array = path.slice(0, at) || "(body)";
    if (shape.get(array) === "array" && !shape.has(path.slice(0, at + 2))) return true;
  }
  return false;
}
