import { describe, expect, it } from "vitest";
import { specValidator } from "./bundled-spec.js";

const rateHeaders = { "x-ratelimit-remaining": "12", "x-ratelimit-reset": "1774692060" };
const json = (extra: Record<string, string> = {}) =>
  new Headers({ "content-type": "application/json; charset=utf-8", ...rateHeaders, ...extra });
const credits = {
  data: { balance: 3, workspace_id: "5b2c7c43-3a1e-4d8e-9f4a-2c6d8e0f1a2b", workspace_type: "personal" },
};
const v = specValidator();

describe("SpecValidator.validateResponse", () => {
  it("accepts a response that honours the contract", () => {
    expect(v.validateResponse("GET", "/v1/credits", { status: 200, headers: json(), body: credits })).toEqual(
      [],
    );
  });

  it.each([
    {
      name: "an undeclared status",
      path: "/v1/credits",
      response: { status: 418, headers: json(), body: credits },
      expected: /status 418 is not declared/,
    },
    {
      name: "a missing rate-limit header",
      path: "/v1/credits",
      response: { status: 200, headers: new Headers({ "content-type": "application/json" }), body: credits },
      expected: /required header X-RateLimit-Remaining is missing/,
    },
    {
      name: "a non-integer header",
      path: "/v1/credits",
      response: { status: 200, headers: json({ "x-ratelimit-reset": "soon" }), body: credits },
      expected: /header X-RateLimit-Reset="soon"/,
    },
    {
      name: "a 429 without Retry-After",
      path: "/v1/credits",
      response: {
        status: 429,
        headers: json(),
        body: { error: { code: "rate_limited", message: "slow down" } },
      },
      expected: /required header Retry-After is missing/,
    },
    {
      name: "a wrong content type",
      path: "/v1/credits",
      response: { status: 200, headers: json({ "content-type": "text/plain" }), body: credits },
      expected: /content type "text\/plain"/,
    },
    {
      name: "a body that breaks the schema",
      path: "/v1/credits",
      response: { status: 200, headers: json(), body: { data: { balance: -1 } } },
      expected: /body \/data\/balance: must be >= 0/,
    },
    {
      name: "an error body outside the envelope",
      path: "/v1/projects/04dae799-dd9a-4296-ba86-9e3913c2f8d1",
      response: { status: 404, headers: json(), body: { message: "nope" } },
      expected: /body \(root\): must have required property 'error'/,
    },
    {
      name: "an unknown route",
      path: "/v1/nothing",
      response: { status: 200, headers: json(), body: {} },
      expected: /not an operation of the spec/,
    },
  ])("reports $name", ({ path, response, expected }) => {
    const problems = v.validateResponse("GET", path, response);
    expect(problems.join("\n")).toMatch(expected);
  });

  it("accepts a 204 without a body and rejects one with a body", () => {
    const path = "/v1/webhooks/1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    expect(v.validateResponse("DELETE", path, { status: 204, headers: json(), body: undefined })).toEqual([]);
    expect(v.validateResponse("DELETE", path, { status: 204, headers: json(), body: {} })).toHaveLength(1);
  });
});

describe("SpecValidator.match", () => {
  it("prefers literal paths and extracts path parameters", () => {
    expect(v.match("GET", "/v1/jobs")?.operationId).toBe("listJobs");
    const m = v.match("DELETE", "/v1/collections/c1/references/a2");
    expect(m).toMatchObject({
      operationId: "removeCollectionReference",
      pathParams: { collectionId: "c1", assetId: "a2" },
    });
    expect(v.match("PUT", "/v1/jobs")).toBeUndefined();
  });
});
