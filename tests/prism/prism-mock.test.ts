import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specValidator } from "../../src/contract/bundled-spec.js";
import { startPrismMock } from "../../support/prism.js";
import type { RunningServer } from "../../support/processes.js";

const KEY = `masko_${"c0ffee00".repeat(8)}`;
let prism: RunningServer;

beforeAll(async () => {
  prism = await startPrismMock();
}, 30_000);
afterAll(async () => {
  await prism?.stop();
});

async function call(
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${prism.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, body };
}

describe("npm run mock:prism (Prism serving the bundled spec)", () => {
  it.each([
    ["GET", "/v1/credits", undefined],
    ["GET", "/v1/projects", undefined],
    ["POST", "/v1/projects", { name: "My SaaS" }],
    ["GET", "/v1/collections/f9503022-a991-46ea-bf8c-d628c921b6b0", undefined],
    [
      "POST",
      "/v1/collections/f9503022-a991-46ea-bf8c-d628c921b6b0/generate",
      { type: "image", name: "Wave", image_prompt: "waving" },
    ],
    ["GET", "/v1/jobs?status=completed", undefined],
    ["GET", "/v1/jobs/7c9e6679-7425-40de-944b-e07fc1f90ae7", undefined],
    ["POST", "/v1/webhooks", { url: "https://example.com/hooks", events: ["job.completed"] }],
  ])("%s %s answers with a response that conforms to the spec", async (method, path, body) => {
    const response = await call(method, path, { body });
    expect(response.status).toBeLessThan(300);
    expect(specValidator().validateResponse(method, path, response)).toEqual([]);
  });

  it("answers 401 with WWW-Authenticate when the key is missing", async () => {
    const response = await call("GET", "/v1/credits", { headers: { authorization: "" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(specValidator().validateResponse("GET", "/v1/credits", response)).toEqual([]);
  });

  it.each(["402", "429"])("serves the declared %s example on Prefer: code", async (code) => {
    const path = "/v1/collections/f9503022-a991-46ea-bf8c-d628c921b6b0/generate";
    const response = await call("POST", path, {
      body: { type: "logo", name: "Logo", logo_prompt: "fox head" },
      headers: { prefer: `code=${code}` },
    });
    expect(response.status).toBe(Number(code));
    expect(specValidator().validateResponse("POST", path, response)).toEqual([]);
  });
});
