import { describe, expect, it } from "vitest";
import { bundledSpec, specValidator } from "../../src/contract/bundled-spec.js";

type Json = Record<string, unknown>;

/** Every object in the spec with its JSON pointer. */
function* walk(node: unknown, pointer = "#"): Generator<[string, Json]> {
  if (typeof node !== "object" || node === null) return;
  if (!Array.isArray(node)) yield [pointer, node as Json];
  for (const [key, child] of Object.entries(node)) {
    yield* walk(child, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  }
}

const nodes = [...walk(bundledSpec)];
const mediaTypes = nodes.filter(([p, n]) => /\/content\/[^/]+$/.test(p) && "schema" in n);
const examplesOf = (node: Json): Array<[string, unknown]> => [
  ...("example" in node ? [["example", node.example] as [string, unknown]] : []),
  ...Object.entries((node.examples ?? {}) as Record<string, Json>).map(
    ([name, ex]) => [`examples.${name}`, ex.value] as [string, unknown],
  ),
];

describe("spec examples", () => {
  const cases = mediaTypes.flatMap(([pointer, node]) =>
    examplesOf(node).map(([name, value]) => ({ where: `${pointer} ${name}`, pointer, value })),
  );
  const parameterCases = nodes
    .filter(([p, n]) => /^#\/components\/(parameters|headers)\/[^/]+$/.test(p) && "example" in n)
    .map(([pointer, node]) => ({ where: pointer, pointer, value: node.example }));

  it("has examples to check", () => {
    expect(cases.length).toBeGreaterThan(25);
    expect(parameterCases.length).toBeGreaterThan(10);
  });

  it.each(cases)("media-type example $where matches its schema", ({ pointer, value }) => {
    expect(specValidator().validateAt(`${pointer}/schema`, value)).toEqual([]);
  });

  it.each(parameterCases)("parameter/header example $where matches its schema", ({ pointer, value }) => {
    expect(specValidator().validateAt(`${pointer}/schema`, value)).toEqual([]);
  });

  it("rejects an example that breaks its schema (the check can fail)", () => {
    const job = mediaTypes.find(([p]) => p.includes("~1v1~1jobs~1{jobId}") && p.includes("/responses/200/"));
    expect(job).toBeDefined();
    const [pointer, node] = job as [string, Json];
    const broken = structuredClone(node.example) as { data: Record<string, unknown> };
    broken.data.status = "done";
    delete broken.data.created_at;
    expect(specValidator().validateAt(`${pointer}/schema`, broken).length).toBeGreaterThanOrEqual(2);
  });
});

/** Operations that spend credits. */
const CHARGED = [
  "generate",
  "generateBatch",
  "generatePreview",
  "createCanvas",
  "applyCanvasTemplate",
  "generateCanvasAssets",
];

describe("spec completeness", () => {
  const validator = specValidator();
  const responseCases = validator.operations().flatMap(({ operationId, operation }) =>
    Object.entries(operation.responses as Json).map(([status, raw]) => ({
      operationId,
      status,
      response: validator.resolve(raw),
    })),
  );

  it.each(responseCases)("$operationId $status declares both rate-limit headers", ({ response }) => {
    const headers = Object.keys((response.headers ?? {}) as Json);
    expect(headers).toEqual(expect.arrayContaining(["X-RateLimit-Remaining", "X-RateLimit-Reset"]));
  });

  it.each(responseCases.filter((c) => c.status === "429"))(
    "$operationId 429 declares Retry-After",
    ({ response }) => {
      expect(Object.keys((response.headers ?? {}) as Json)).toContain("Retry-After");
    },
  );

  it.each(responseCases.filter((c) => c.response.content))(
    "$operationId $status has an example",
    ({ response }) => {
      for (const media of Object.values(response.content as Record<string, Json>)) {
        expect(examplesOf(media).length).toBeGreaterThan(0);
      }
    },
  );

  it.each(validator.operations())(
    "$operationId declares every error it can return",
    ({ operationId, operation }) => {
      const statuses = Object.keys(operation.responses as Json);
      const open = Array.isArray(operation.security) && operation.security.length === 0;
      // A public operation cannot answer 401; a list of global things (templates) names no resource (403/404).
      const expected = open ? ["429", "500"] : ["400", "401", "429", "500"];
      if (!open && operationId !== "listCanvasTemplates") expected.push("403", "404");
      if (operation.requestBody) expected.push("413", "415");
      if (CHARGED.includes(operationId)) expected.push("402");
      if (["createApiKey", "applyCanvasTemplate", "exportCanvas"].includes(operationId)) expected.push("409");
      expect(statuses).toEqual(expect.arrayContaining(expected));
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.description).toEqual(expect.any(String));
      expect((operation.tags as string[]).length).toBe(1);
    },
  );

  it("covers the documented v1 surface", () => {
    const surface = validator.operations().map((o) => `${o.method.toUpperCase()} ${o.pathTemplate}`);
    expect(surface.sort()).toEqual(
      [
        "GET /v1/credits",
        "POST /v1/api-keys",
        "GET /v1/api-keys",
        "DELETE /v1/api-keys/{keyId}",
        "GET /v1/projects",
        "POST /v1/projects",
        "GET /v1/projects/{projectId}",
        "GET /v1/collections",
        "POST /v1/collections",
        "GET /v1/collections/{collectionId}",
        "PATCH /v1/collections/{collectionId}",
        "POST /v1/collections/{collectionId}/references",
        "DELETE /v1/collections/{collectionId}/references/{assetId}",
        "GET /v1/collections/{collectionId}/items",
        "GET /v1/assets/{assetId}",
        "POST /v1/collections/{collectionId}/generate",
        "POST /v1/collections/{collectionId}/generate-batch",
        "GET /v1/jobs",
        "GET /v1/jobs/{jobId}",
        "POST /v1/upload",
        "POST /v1/webhooks",
        "GET /v1/webhooks",
        "DELETE /v1/webhooks/{webhookId}",
        "POST /v1/collections/{collectionId}/suggest-actions",
        "POST /v1/generate/preview",
        "POST /v1/collections/{collectionId}/canvases",
        "GET /v1/collections/{collectionId}/canvases/{canvasId}",
        "GET /v1/collections/{collectionId}/canvases/{canvasId}/status",
        "POST /v1/collections/{collectionId}/canvases/{canvasId}/from-template",
        "POST /v1/collections/{collectionId}/canvases/{canvasId}/generate-all",
        "GET /v1/collections/{collectionId}/canvases/{canvasId}/export",
        "GET /v1/canvas-templates",
        "GET /v1/openapi.json",
      ].sort(),
    );
  });
});
