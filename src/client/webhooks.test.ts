import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseWebhookEvent, verifyWebhookSignature } from "./webhooks.js";

const secret = "whsec_0123456789abcdef0123456789abcdef";
const body = JSON.stringify({
  event: "job.completed",
  job_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  type: "image",
  collection_id: "f9503022-a991-46ea-bf8c-d628c921b6b0",
  asset_ids: {},
  urls: {},
  timestamp: "2026-03-28T10:01:32Z",
});
const sign = (text: string, key = secret) => createHmac("sha256", key).update(text).digest("hex");

describe("verifyWebhookSignature", () => {
  it.each([
    ["the right signature", body, sign(body), secret, true],
    ["the right signature in upper case", body, sign(body).toUpperCase(), secret, true],
    ["the raw bytes", new TextEncoder().encode(body), sign(body), secret, true],
    ["a tampered body", body.replace("image", "logo"), sign(body), secret, false],
    ["a wrong secret", body, sign(body, "whsec_other"), secret, false],
    ["a truncated signature", body, sign(body).slice(0, 63), secret, false],
    ["a non-hex signature", body, "z".repeat(64), secret, false],
    ["no signature", body, undefined, secret, false],
  ])("answers %s with %s", async (_name, raw, signature, key, expected) => {
    expect(await verifyWebhookSignature(raw, signature, key)).toBe(expected);
  });
});

describe("parseWebhookEvent", () => {
  it("returns the typed event", () => {
    expect(parseWebhookEvent(body)).toMatchObject({ event: "job.completed", type: "image" });
  });

  it.each([
    ["not json", "webhook body is not JSON"],
    [JSON.stringify({ ...JSON.parse(body), event: "job.started" }), "unknown `event`"],
    [JSON.stringify({ ...JSON.parse(body), job_id: 7 }), "`job_id` must be a string"],
    [JSON.stringify({ ...JSON.parse(body), urls: null }), "`urls` must be an object"],
  ])("rejects %s", (raw, message) => {
    expect(() => parseWebhookEvent(raw)).toThrow(message);
  });
});
