/**
 * The spec against the public docs: every documented response body validates against the spec's schema for its
 * operation and status, every documented request is accepted by the simulator (never a 400), every documented
 * webhook payload validates, every documented enum value is accepted, the simulator sends every field a documented
 * body shows (`sentBy`), and documented side effects happen (`effect`). The bodies live in pages/*.json; see
 * README.md.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { specValidator } from "../../src/contract/bundled-spec.js";
import { insideEmptyArray } from "../../src/parity/compare.js";
import { bodyShape } from "../../src/parity/observe.js";
import { createHarness, type Harness } from "../simulator/harness.js";
import { EFFECTS } from "./effects.js";
import type { Example, Json, Page } from "./examples.js";

const dir = join(import.meta.dirname, "pages");
const pages = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), "utf8")) as Page) }));
const validator = specValidator();
const counts = new Map<string, number>();
afterAll(() => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [...counts].map(([page, n]) => `  ${String(n).padStart(3)}  ${page}`);
  console.log(`fidelity: ${total} documented bodies checked, from ${counts.size} pages\n${lines.join("\n")}`);
});

/** A stable UUID (version 4 layout) standing in for a documented placeholder id. */
export function uuidFor(placeholder: string): string {
  const h = createHash("sha256").update(placeholder).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Replaces every string equal to a key of `map`, recording the JSON path of each replacement. */
function substitute(value: unknown, map: Record<string, string>, at: string, changed: string[]): unknown {
  if (typeof value === "string") {
    if (value in map) {
      changed.push(at);
      return map[value];
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, map, `${at}[${i}]`, changed));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, map, at ? `${at}.${k}` : k, changed)]),
    );
  }
  return value;
}

/** The schema pointer of an operation's response body. */
function responseSchema(operationId: string, status: number): string {
  const op = validator.operations().find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  const raw = (op.operation.responses as Json)[String(status)] as Json | undefined;
  if (!raw) throw new Error(`${operationId} declares no ${status}`);
  const base =
    typeof raw.$ref === "string"
      ? raw.$ref
      : `#/paths/${op.pathTemplate.replace(/~/g, "~0").replace(/\//g, "~1")}/${op.method}/responses/${status}`;
  return `${base}/content/application~1json/schema`;
}

/** The item schema of a list response (`data: { type: array, items }`). */
function listItemSchema(pointer: string): string {
  const schema = validator.resolve(
    pointer
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>(
        (node, part) => (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")],
        validator.spec,
      ),
  ) as Json;
  const items = ((schema.properties as Json).data as Json).items as Json;
  return String(items.$ref);
}

/** Fixtures of a fresh workspace, made on demand: the real ids that stand in for request placeholders. */
async function fixtures(h: Harness, key: string, wanted: Set<string>): Promise<Record<string, string>> {
  const made: Record<string, string> = {};
  const call = (method: string, path: string, body?: unknown) => h.call(method, path, { key, body });
  const upload = async (n: number) =>
    (await call("POST", "/v1/upload", { url: `https://example.com/fixture-${n}.png` })).body.data
      .asset_id as string;
  made.referenceAsset = await upload(0);
  made.imageAsset = await upload(1);
  made.imageAsset2 = await upload(2);
  made.project = (await call("POST", "/v1/projects", { name: "Fixture project" })).body.data.id;
  made.collection = (
    await call("POST", "/v1/collections", {
      project_id: made.project,
      name: "Fox Mascot",
      description: "A friendly fox",
      reference_asset_ids: [made.referenceAsset],
    })
  ).body.data.id;
  const canvases = `/v1/collections/${made.collection}/canvases`;
  if (wanted.has("animationJob")) {
    const animation = await call("POST", `/v1/collections/${made.collection}/generate`, {
      type: "animation",
      name: "Wave",
      image_prompt: "waving",
      animation_prompt: "waves",
      duration: 2,
    });
    made.animationJob = animation.body.data.job_id;
  }
  if (wanted.has("item") || wanted.has("itemImageAsset") || wanted.has("job")) {
    const accepted = await call("POST", `/v1/collections/${made.collection}/generate`, {
      type: "image",
      name: "Wave",
      image_prompt: "waving",
    });
    made.item = accepted.body.data.item_id;
    made.itemImageAsset = accepted.body.data.asset_ids.image;
    made.job = accepted.body.data.job_id;
  }
  if (wanted.has("emptyCanvas"))
    made.emptyCanvas = (await call("POST", canvases, { name: "Empty" })).body.data.id;
  for (const name of ["templateCanvas", "generatedCanvas"].filter((n) => wanted.has(n))) {
    made[name] = (await call("POST", canvases, { name, template_id: "claude-code-4state" })).body.data.id;
  }
  await h.advance(10);
  if (wanted.has("generatedCanvas")) {
    await call("POST", `${canvases}/${made.generatedCanvas}/generate-all`, {});
    await h.advance(30);
  }
  return made;
}

function label(e: Example, changed: string[]) {
  return `${e.version === "only" ? "" : `[${e.version}] `}${e.what}${changed.length ? ` (substituted: ${changed.join(", ")})` : ""}`;
}

for (const page of pages) {
  describe(page.page, () => {
    it("shows at least one body", () => {
      expect(page.examples.length).toBeGreaterThan(0);
    });

    for (const e of page.examples) {
      const placeholders = Object.fromEntries((e.placeholders ?? []).map((p) => [p, uuidFor(p)]));

      if (e.response) {
        const { operation, status, envelope } = e.response;
        const changed: string[] = [];
        const body = substitute(e.response.body, placeholders, "", changed);
        it(`response ${operation} ${status}: ${label(e, changed)}`, () => {
          counts.set(page.page, (counts.get(page.page) ?? 0) + 1);
          const pointer = responseSchema(operation, status);
          if (envelope.startsWith("bare-list:")) {
            const items = (body as Json)[envelope.slice("bare-list:".length)] as unknown[];
            expect(items.length).toBeGreaterThan(0);
            for (const item of items) expect(validator.validateAt(listItemSchema(pointer), item)).toEqual([]);
          } else {
            const wrapped = envelope === "bare" ? { data: body } : body;
            expect(validator.validateAt(pointer, wrapped)).toEqual([]);
          }
        });
      }

      const sentBy = e.response?.sentBy;
      if (e.response && sentBy) {
        const { envelope } = e.response;
        const documented = substitute(e.response.body, placeholders, "", []);
        it(`sent by the simulator: every field of ${e.response.operation} ${e.response.status}: ${label(e, [])}`, async () => {
          counts.set(page.page, (counts.get(page.page) ?? 0) + 1);
          const h = await createHarness(sentBy.behaviour ? { behaviour: sentBy.behaviour } : {});
          const ws = await h.workspace("personal", sentBy.credits ?? 10_000);
          const made = await fixtures(h, ws.key, new Set(Object.values(sentBy.fixtures ?? {})));
          let path = sentBy.request.path;
          for (const [p, name] of Object.entries(sentBy.fixtures ?? {}))
            path = path.replaceAll(p, made[name] ?? "");
          const answer = await h.call(sentBy.request.method, path, {
            key: ws.key,
            unchecked: sentBy.behaviour !== undefined,
            ...(sentBy.request.body !== undefined ? { body: sentBy.request.body } : {}),
          });
          expect(answer.status).toBe(e.response?.status);
          // The documented body as the simulator's envelope holds it: bare bodies under data, bare lists as data[].
          const docs = envelope.startsWith("bare-list:")
            ? { data: (documented as Json)[envelope.slice("bare-list:".length)] }
            : envelope === "bare"
              ? { data: documented }
              : documented;
          const sent = bodyShape(answer.body);
          const missing = [...bodyShape(docs).keys()].filter(
            (p) => !sent.has(p) && !insideEmptyArray(p, sent),
          );
          expect(missing, "fields the docs show that the simulator does not send").toEqual([]);
        });
      }

      if (e.enum) {
        const { schema, values } = e.enum;
        it.each(values)(`enum ${schema} accepts the documented value %s: ${label(e, [])}`, (value) => {
          counts.set(page.page, (counts.get(page.page) ?? 0) + 1);
          expect(validator.validateAt(`#/components/schemas/${schema}`, value)).toEqual([]);
        });
      }

      if (e.effect) {
        const effect = EFFECTS[e.effect.name];
        it(`side effect "${e.effect.quote}": ${label(e, [])}`, async () => {
          counts.set(page.page, (counts.get(page.page) ?? 0) + 1);
          expect(effect, `effects.ts has ${e.effect?.name}`).toBeDefined();
          await effect?.(await createHarness());
        });
      }

      if (e.webhook) {
        const changed: string[] = [];
        const body = substitute(e.webhook.body, placeholders, "", changed);
        it(`webhook ${e.webhook.name}: ${label(e, changed)}`, () => {
          counts.set(page.page, (counts.get(page.page) ?? 0) + 1);
          const pointer = `#/webhooks/${e.webhook?.name}/post/requestBody/content/application~1json/schema`;
          expect(validator.validateAt(pointer, body)).toEqual([]);
        });
      }

      if (e.request) {
        const request = e.request;
        const wanted = Object.values(e.fixtures ?? {});
        const changedAt = Object.keys(e.fixtures ?? {}).flatMap((p) => [
          ...(request.path.includes(p) ? [`path (${p})`] : []),
          ...(JSON.stringify(request.body ?? null).includes(`"${p}"`) ? [`body (${p})`] : []),
        ]);
        it(`request ${request.method} ${request.path}: ${label(e, changedAt)}`, async () => {
          counts.set(page.page, (counts.get(page.page) ?? 0) + 1);
          const h = await createHarness();
          const ws = await h.workspace("personal", 10_000);
          const made = await fixtures(h, ws.key, new Set(wanted));
          const map = Object.fromEntries(
            Object.entries(e.fixtures ?? {}).map(([placeholder, name]) => [placeholder, made[name] ?? ""]),
          );
          let path = request.path;
          for (const [p, id] of Object.entries(map)) path = path.replaceAll(p, id);
          let answer: Awaited<ReturnType<Harness["call"]>>;
          if (request.multipart) {
            const form = new FormData();
            const png = Buffer.from(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
              "base64",
            );
            for (const [field, name] of Object.entries(request.multipart)) {
              form.append(field, new Blob([png], { type: "image/png" }), name);
            }
            answer = await h.call(request.method, path, { key: ws.key, raw: form });
          } else {
            const body = request.body === undefined ? undefined : substitute(request.body, map, "", []);
            answer = await h.call(request.method, path, {
              key: ws.key,
              body,
              ...(request.headers ? { headers: request.headers } : {}),
            });
          }
          expect(answer.status, JSON.stringify(answer.body)).not.toBe(400);
          expect(e.expect ?? [200]).toContain(answer.status);
        });
      }
    }
  });
}
