/**
 * Threat: names from requests (a body's `type`, query values, path ids, JSON keys) that are also names every
 * JavaScript object inherits (`toString`, `__proto__`, `constructor`, `valueOf`, …) reaching a lookup in a plain
 * object and answering 500. Names from requests are only looked up among own properties or in Maps.
 */
import { describe, expect, it } from "vitest";
import { createHarness } from "../simulator/harness.js";

const INHERITED = ["toString", "__proto__", "constructor", "valueOf", "hasOwnProperty", "isPrototypeOf"];

describe("inherited names from requests", () => {
  it.each(INHERITED)(
    "`%s` as a generate type answers 400 naming the field, in one call and in a batch",
    async (name) => {
      const errors: unknown[] = [];
      const h = await createHarness({ onError: (e) => errors.push(e) });
      const ws = await h.workspace("personal", 100);
      const { collectionId } = await h.collection(ws.key);
      const single = await h.call("POST", `/v1/collections/${collectionId}/generate`, {
        key: ws.key,
        body: { type: name, name: "x" },
      });
      expect(single.status).toBe(400);
      expect(single.body.error.field).toBe("type");
      const batch = await h.call("POST", `/v1/collections/${collectionId}/generate-batch`, {
        key: ws.key,
        body: { requests: [{ type: name, name: "x" }] },
      });
      expect(batch.status).toBe(400);
      expect(batch.body.error.field).toBe("requests[0].type");
      expect(errors).toEqual([]);
    },
  );

  it("in every operation's path ids, query values and JSON body keys and values, never answer 500", async () => {
    const errors: unknown[] = [];
    const h = await createHarness({ onError: (e) => errors.push(e) });
    let ws = await h.workspace("personal", 100);
    const statuses: string[] = [];
    let calls = 0;
    for (const op of h.sim.services.validator.operations()) {
      for (const name of INHERITED) {
        // A fresh key every 50 calls: each stays inside its 60 a minute, so every call reaches its handler.
        if (++calls % 50 === 0) ws = await h.workspace("personal", 100);
        const path = op.pathTemplate.replace(/\{[^}]+\}/g, encodeURIComponent(name));
        const query = ((op.operation.parameters ?? []) as Array<{ in: string; name: string }>)
          .filter((p) => p.in === "query")
          .map((p) => `${p.name}=${encodeURIComponent(name)}`)
          .join("&");
        const hasBody = op.operation.requestBody !== undefined;
        const body = `{"type":${JSON.stringify(name)},${JSON.stringify(name)}:{"${name}":1},"name":${JSON.stringify(name)},"url":"http://127.0.0.1:9/${name}","events":[${JSON.stringify(name)}],"template_id":${JSON.stringify(name)},"requests":[{"type":${JSON.stringify(name)}}]}`;
        const answer = await h.call(op.method.toUpperCase(), `${path}${query ? `?${query}` : ""}`, {
          key: ws.key,
          ...(hasBody ? { raw: body, headers: { "content-type": "application/json" } } : {}),
          unchecked: true,
        });
        if (answer.status >= 500 || answer.status === 429)
          statuses.push(`${op.method} ${path} → ${answer.status}`);
      }
    }
    expect(statuses).toEqual([]);
    expect(errors).toEqual([]);
  });
});
