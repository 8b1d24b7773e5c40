/**
 * The one scenario parity runs on both sides: read-only calls, free writes that clean up after themselves (a
 * webhook, an API key), the answers without a valid key, a probe of the rate-limit windows (exhaust the minute
 * window half a minute in, wait for its reset, see what came back), a probe of keyless limiting (CORS preflights,
 * then calls without a key), and — only within `spendCredits` — a collection of its own, free suggestions, a 402
 * that charges nothing, a logo (when the budget covers the dearest documented price, 20) and an image. Steps have the same ids on both sides; what the readings mean is decided in inferred.ts.
 */
import { retryDelayMs } from "../client/rate-limit-state.js";
import { limitsOf, type Observation } from "./observe.js";
import type { ParitySide, SideRequest } from "./sides.js";

/** What the scenario saw on one side. */
export interface ScenarioRun {
  readonly observations: Observation[];
  /** Requests of the rate-limit probe's second half (sent 30 s in) admitted before the 429, when one came. */
  readonly secondHalf: number | undefined;
}

/** Options of one run. */
export interface ScenarioOptions {
  /** Credits the scenario may spend (0: nothing paid runs). */
  readonly spendCredits: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Requests the probes send at most before concluding that a limit is not there. */
const PROBE_CAP = 130;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
const PARITY_NAME = "masko-contract parity";

const get = (step: string, path: string, more: Partial<SideRequest> = {}): SideRequest => ({
  step,
  method: "GET",
  path,
  ...more,
});

/** Runs the scenario on `side`. */
export async function runScenario(side: ParitySide, options: ScenarioOptions): Promise<ScenarioRun> {
  const observations: Observation[] = [];
  const log = options.log ?? (() => {});
  const record = (o: Observation, step = o.step) => {
    const kept = { ...o, step };
    observations.push(kept);
    return kept;
  };
  const send: Send = async (request) => record(await side.send(request));
  const started = side.now();

  // Reads, and the headers over two consecutive calls.
  await send(get("read.credits", "/v1/credits"));
  await send(get("read.credits-again", "/v1/credits"));
  for (const path of ["/v1/projects", "/v1/collections", "/v1/jobs", "/v1/webhooks", "/v1/api-keys"]) {
    await send(get(`read.${path.slice(4)}`, path));
  }
  await send(get("read.canvas-templates", "/v1/canvas-templates"));
  await send(get("read.openapi-without-key", "/v1/openapi.json", { key: null }));

  // Refusals: no key, a malformed key, a key nobody has, a malformed id, an unknown id, an unknown route.
  await send(get("refuse.no-key", "/v1/credits", { key: null }));
  await send(get("refuse.malformed-key", "/v1/credits", { key: "masko_not-hex" }));
  await send(get("refuse.unknown-key", "/v1/credits", { key: `masko_${"0".repeat(64)}` }));
  await send(get("refuse.malformed-id", "/v1/projects/not-a-uuid"));
  await send(get("refuse.unknown-id", `/v1/projects/${UNKNOWN_ID}`, { template: "/v1/projects/{unknown}" }));
  await send(get("refuse.unknown-route", "/v1/no-such-thing"));
  await send({ step: "refuse.invalid-body", method: "POST", path: "/v1/projects", body: { name: "" } });

  // Free writes that clean up after themselves: created, then deleted.
  const createAndDelete = async (name: string, path: string, body: unknown) => {
    const id = dataId(await send({ step: `write.${name}-create`, method: "POST", path, body }));
    if (!id) return;
    await send({
      step: `write.${name}-delete`,
      method: "DELETE",
      path: `${path}/${id}`,
      template: `${path}/{id}`,
    });
  };
  await createAndDelete("webhook", "/v1/webhooks", {
    url: "https://example.com/masko-contract-parity",
    events: ["job.completed"],
  });
  await createAndDelete("api-key", "/v1/api-keys", { name: PARITY_NAME });

  const secondHalf = await rateLimitProbe(side, send, record, started, log);
  await keylessProbe(side, send, record, log);
  if (options.spendCredits > 0) await paidSteps(side, send, options.spendCredits);
  return { observations, secondHalf };
}

const dataId = (o: Observation) =>
  o.status < 300 ? ((o.body as { data?: { id?: string } } | undefined)?.data?.id ?? undefined) : undefined;

type Send = (request: SideRequest) => Promise<Observation>;
/** Keeps an answer already received as the observation of `step` (a probe's decisive answer). */
type Record_ = (o: Observation, step: string) => Observation;

/**
 * Half a minute after the scenario started, spend what is left of the minute window until a 429; wait as it says
 * (Retry-After, else the reset, plus a margin); then one request shows what came back: the whole limit (fixed
 * windows) or only what the first half-minute spent (a sliding window).
 */
async function rateLimitProbe(
  side: ParitySide,
  send: Send,
  record: Record_,
  started: number,
  log: (line: string) => void,
): Promise<number | undefined> {
  const halfway = started + 30_000 - side.now();
  if (halfway > 0) {
    log(`${side.name}: waiting ${Math.ceil(halfway / 1000)} s before spending the minute window`);
    await side.sleep(halfway);
  }
  let secondHalf = 0;
  let refused: Observation | undefined;
  for (let i = 0; i < PROBE_CAP && !refused; i++) {
    const o = await side.send(get("limits.spend", "/v1/credits"));
    if (o.status === 429) refused = o;
    else secondHalf++;
  }
  if (!refused) {
    log(`${side.name}: no 429 after ${PROBE_CAP} requests; the windows are not observed`);
    return undefined;
  }
  record(refused, "limits.first-429");
  // As the typed client waits out a 429 (Retry-After, else the reset); a minute when the answer says neither.
  const says = refused.headers["retry-after"] !== undefined || limitsOf(refused) !== undefined;
  const waitMs = says ? Math.max(1000, retryDelayMs(new Headers(refused.headers), side.now(), 0)) : 60_000;
  log(
    `${side.name}: 429 after ${secondHalf} requests; waiting ${Math.ceil(waitMs / 1000) + 3} s for the reset`,
  );
  await side.sleep(waitMs + 3000);
  await send(get("limits.after-reset", "/v1/credits"));
  return secondHalf;
}

/**
 * Keyless limiting: enough CORS preflights to spend a minute's limit, then one call without a key (429: preflights
 * count), then more calls without a key until one is refused or the cap says they are not limited.
 */
async function keylessProbe(side: ParitySide, send: Send, record: Record_, log: (line: string) => void) {
  log(`${side.name}: probing calls without a key`);
  const preflight: SideRequest = {
    step: "keyless.preflight",
    method: "OPTIONS",
    path: "/v1/credits",
    key: null,
    headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" },
  };
  for (let i = 0; i < 61; i++) {
    const o = await side.send(preflight);
    if (i === 0) record(o, "keyless.first-preflight");
    if (o.status === 429) break;
  }
  const afterPreflights = await send(get("keyless.after-preflights", "/v1/credits", { key: null }));
  if (afterPreflights.status === 429) return;
  for (let i = 0; i < 61; i++) {
    const o = await side.send(get("keyless.spend", "/v1/credits", { key: null }));
    if (o.status === 429) {
      record(o, "keyless.first-429");
      return;
    }
  }
  await send(get("keyless.after-61", "/v1/credits", { key: null }));
}

/** The paid part, within `budget`: a collection of its own, a 402 that charges nothing, a logo, an image. */
async function paidSteps(side: ParitySide, send: Send, budget: number) {
  const collectionId = await parityCollection(side);
  if (!collectionId) return;
  const generate = `/v1/collections/${collectionId}/generate`;
  const template = "/v1/collections/{id}/generate";
  const balanceOf = (o: Observation) => (o.body as { data?: { balance?: number } })?.data?.balance;
  const before = balanceOf(await send(get("paid.balance", "/v1/credits"))) ?? 0;
  await send({
    step: "paid.suggest-actions",
    method: "POST",
    path: `/v1/collections/${collectionId}/suggest-actions`,
    template: "/v1/collections/{id}/suggest-actions",
  });
  // A request costing more than the balance: answered 402 and charges nothing (the documented rule).
  const seconds = 30;
  const perAnimation = 5 * seconds + 1;
  const count = Math.ceil((before + 1) / perAnimation);
  if (count <= 10) {
    const animation = {
      type: "animation",
      name: "Parity",
      image_prompt: "a fox",
      animation_prompt: "waves",
      duration: seconds,
    };
    await send({
      step: "paid.insufficient-credits",
      method: "POST",
      path: count === 1 ? generate : `/v1/collections/${collectionId}/generate-batch`,
      template: count === 1 ? template : "/v1/collections/{id}/generate-batch",
      body: count === 1 ? animation : { requests: Array.from({ length: count }, () => animation) },
    });
  }
  let spent = 0;
  if (budget >= 20) {
    const logo = await send({
      step: "paid.logo",
      method: "POST",
      path: generate,
      template,
      body: { type: "logo", name: "Parity mark", logo_prompt: "a fox mark" },
    });
    const after = balanceOf(await send(get("paid.balance-after-logo", "/v1/credits"))) ?? before;
    if (logo.status === 202) spent += before - after;
  }
  if (budget - spent >= 1) {
    const image = await send({
      step: "paid.image",
      method: "POST",
      path: generate,
      template,
      body: { type: "image", name: "Parity wave", image_prompt: "waving hello" },
    });
    const jobId = (image.body as { data?: { job_id?: string } })?.data?.job_id;
    if (jobId) await send(get("paid.job", `/v1/jobs/${jobId}`, { template: "/v1/jobs/{id}" }));
  }
}

/** The scenario's own collection: found by name, else created (with its project); undefined when refused. */
async function parityCollection(side: ParitySide): Promise<string | undefined> {
  const listed = await side.send(get("paid.find-collection", "/v1/collections?limit=100"));
  const found = ((listed.body as { data?: Array<{ id: string; name: string }> })?.data ?? []).find(
    (c) => c.name === PARITY_NAME,
  );
  if (found) return found.id;
  // Not observations: a later run finds the collection instead, and the two sides would differ in steps.
  const project = await side.send({
    step: "paid.project",
    method: "POST",
    path: "/v1/projects",
    body: { name: PARITY_NAME },
  });
  const projectId = dataId(project);
  if (!projectId) return undefined;
  const collection = await side.send({
    step: "paid.collection",
    method: "POST",
    path: "/v1/collections",
    body: { project_id: projectId, name: PARITY_NAME },
  });
  return dataId(collection);
}
