/**
 * Threat: a deeply nested JSON body (500,000 levels) costing a recursive walk until the stack overflows (500) and
 * hundreds of milliseconds of CPU, on every JSON route including the control API. Bodies are measured before they
 * are parsed and refused past MAX_JSON_DEPTH levels with 400 in the error envelope; the walk that checks their
 * strings has no recursion.
 */
import { describe, expect, it } from "vitest";
import { illFormedAt, MAX_JSON_DEPTH } from "../../src/mock/http/well-formed.js";
import { createHarness } from "../simulator/harness.js";

const nested = (depth: number, open = "[", close = "]") => `${open.repeat(depth)}${close.repeat(depth)}`;

describe("deeply nested JSON bodies", () => {
  it.each([
    ["the API", "/v1/projects"],
    ["the control API", "/__mock/workspaces"],
  ])("on %s, a 500,000-deep body answers 400 naming the bound, and nothing is written", async (_, path) => {
    const errors: unknown[] = [];
    const h = await createHarness({ onError: (e) => errors.push(e) });
    const before = (await h.call("GET", "/v1/projects")).body.data.length;
    for (const body of [
      nested(500_000),
      `{"a":${nested(500_000)}}`,
      nested(MAX_JSON_DEPTH + 1, '{"a":', "}"),
    ]) {
      const answer = await h.call("POST", path, {
        raw: body,
        headers: { "content-type": "application/json" },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: "bad_request", field: "body" });
      expect(answer.body.error.message).toContain(String(MAX_JSON_DEPTH));
    }
    expect((await h.call("GET", "/v1/projects")).body.data.length).toBe(before);
    expect(errors).toEqual([]);
  });

  it("brackets inside strings do not count, and a body at the bound is read", async () => {
    const h = await createHarness();
    const answer = await h.call("POST", "/v1/projects", {
      body: { name: `a "quoted" \\ ${"[{".repeat(40)}` },
    });
    expect(answer.status).toBe(201);
    const atBound = `{"name":"ok","x":${nested(MAX_JSON_DEPTH - 1)}}`;
    const read = await h.call("POST", "/v1/projects", {
      raw: atBound,
      headers: { "content-type": "application/json" },
    });
    expect(read.body.error?.message ?? "").not.toContain("nest");
  });

  it("the Unicode walk has no recursion: a 200,000-deep value is walked without overflowing the stack", () => {
    let value: unknown = "\udc00";
    for (let i = 0; i < 200_000; i++) value = [value];
    expect(illFormedAt(value)).toBe(`body${"[0]".repeat(200_000)}`);
  });
});
