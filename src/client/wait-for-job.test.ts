import { describe, expect, it } from "vitest";
import { createMaskoClient } from "./create-client.js";
import { fakeTiming, jsonResponse, scriptedFetch, VALID_KEY } from "./test-helpers.js";
import { JobWaitTimeoutError } from "./wait-for-job.js";

const JOB_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const job = (status: string) => ({
  data: {
    id: JOB_ID,
    status,
    type: "image",
    collection_id: "f9503022-a991-46ea-bf8c-d628c921b6b0",
    item_id: "2d7f5c1e-8b3a-4e6f-9c0d-1a2b3c4d5e6f",
    item_name: "Wave",
    cost_credits: 1,
    asset_ids: {},
    urls: {},
    error: null,
    created_at: "2026-03-28T10:00:00Z",
    updated_at: "2026-03-28T10:00:00Z",
    completed_at: status === "completed" ? "2026-03-28T10:00:05Z" : null,
  },
});

describe("waitForJob", () => {
  it("long-polls with wait=true until the job completes", async () => {
    const clock = fakeTiming();
    let call = 0;
    const server = scriptedFetch(() => {
      call++;
      clock.advance(30_000); // the server held the request for its long-poll bound
      return jsonResponse(200, job(call < 3 ? "processing" : "completed"));
    });
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    const result = await client.waitForJob(JOB_ID, { timeoutMs: 300_000 });
    expect(result.status).toBe("completed");
    expect(server.requests.map((r) => new URL(r.url).search)).toEqual([
      "?wait=true",
      "?wait=true",
      "?wait=true",
    ]);
    expect(clock.sleeps).toEqual([]);
  });

  it("polls at the interval when the server answers at once", async () => {
    const clock = fakeTiming();
    const server = scriptedFetch(
      () => jsonResponse(200, job("pending")),
      () => jsonResponse(200, job("processing")),
      () => jsonResponse(200, job("failed")),
    );
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    const result = await client.waitForJob(JOB_ID, { longPoll: false, pollIntervalMs: 500 });
    expect(result.status).toBe("failed");
    expect(clock.sleeps).toEqual([500, 500]);
    expect(new URL(server.requests[0]?.url ?? "").search).toBe("");
  });

  it("throws JobWaitTimeoutError with the last state once the timeout passes", async () => {
    const clock = fakeTiming();
    const server = scriptedFetch(() => jsonResponse(200, job("processing")));
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    const error = await client
      .waitForJob(JOB_ID, { timeoutMs: 2500, pollIntervalMs: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect((error as JobWaitTimeoutError).lastSeen?.status).toBe("processing");
    expect(server.requests).toHaveLength(3);
  });

  it("stops when the signal aborts", async () => {
    const clock = fakeTiming();
    const controller = new AbortController();
    const server = scriptedFetch(() => {
      controller.abort(new Error("user left the page"));
      return jsonResponse(200, job("processing"));
    });
    const client = createMaskoClient({ apiKey: VALID_KEY, fetch: server.fetch, timing: clock.timing });
    await expect(client.waitForJob(JOB_ID, { signal: controller.signal, longPoll: false })).rejects.toThrow(
      "user left the page",
    );
    expect(server.requests).toHaveLength(1);
  });
});
