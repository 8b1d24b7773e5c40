/** A front-end's view: the typed client against the simulator inside MSW, with no server running. */
import { createMaskoSimulator, type MaskoSimulator } from "masko-contract/msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMaskoClient, MaskoApiError } from "../../src/client/index.js";

let sim: MaskoSimulator;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  sim = await createMaskoSimulator({ longPollMaxMs: 2000 });
  server = setupServer(...sim.handlers);
  server.listen({ onUnhandledRequest: "error" });
});
afterAll(() => server.close());

describe("the simulator as MSW handlers", () => {
  it("walks a whole flow with the typed client: project, collection, generation, 402, 429, job wait", async () => {
    const ws = await sim.createWorkspace({ type: "personal", credits: 2 });
    const masko = createMaskoClient({ apiKey: ws.api_key, retry: false });

    const project = await masko.POST("/v1/projects", { body: { name: "Front end" } });
    const projectId = project.data?.data.id as string;
    const collection = await masko.POST("/v1/collections", { body: { project_id: projectId, name: "Fox" } });
    const collectionId = collection.data?.data.id as string;

    const accepted = await masko.POST("/v1/collections/{collectionId}/generate", {
      params: { path: { collectionId } },
      body: { type: "image", name: "Wave", image_prompt: "waving" },
    });
    expect(accepted.data?.data.cost_credits).toBe(1);
    await sim.advanceClock(5);
    const job = await masko.waitForJob(accepted.data?.data.job_id as string, { timeoutMs: 5000 });
    expect(job.status).toBe("completed");
    expect(job.urls?.image).toMatch(/^https:\/\/assets\.masko\.ai\//);
    // The handlers answer the CDN host too: an <img> or fetch of the URL gets the PNG.
    const png = await fetch(job.urls?.image as string);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");

    const tooDear = await masko
      .POST("/v1/collections/{collectionId}/generate", {
        params: { path: { collectionId } },
        body: { type: "logo", name: "Logo", logo_prompt: "fox head" },
      })
      .catch((e: unknown) => e);
    expect(tooDear).toBeInstanceOf(MaskoApiError);
    expect(tooDear).toMatchObject({ status: 402, code: "insufficient_credits", required: 5, balance: 1 });

    let limited: unknown;
    for (let i = 0; i < 70 && !limited; i++)
      limited = await masko.GET("/v1/credits").then(
        () => undefined,
        (e) => e,
      );
    expect(limited).toMatchObject({ status: 429, code: "rate_limited" });
    expect(masko.rateLimit?.remaining).toBe(0);
    expect((limited as MaskoApiError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it("builds a canvas with the typed client: template, dry-run price, generation, export", async () => {
    const ws = await sim.createWorkspace({ type: "personal", credits: 100 });
    const masko = createMaskoClient({ apiKey: ws.api_key, retry: false });
    const project = await masko.POST("/v1/projects", { body: { name: "Canvas app" } });
    const collection = await masko.POST("/v1/collections", {
      body: { project_id: project.data?.data.id as string, name: "Fox" },
    });
    const collectionId = collection.data?.data.id as string;
    const created = await masko.POST("/v1/collections/{collectionId}/canvases", {
      params: { path: { collectionId } },
      body: { name: "Greeter", template_id: "greeter-3state" },
    });
    const canvasId = created.data?.data.id as string;
    expect(created.data?.data.nodes.map((n) => n.id)).toEqual(["idle", "waving", "happy"]);
    await sim.advanceClock(10);
    const path = { params: { path: { collectionId, canvasId } } };
    const dry = await masko.POST("/v1/collections/{collectionId}/canvases/{canvasId}/generate-all", {
      ...path,
      body: { dry_run: true },
    });
    expect(dry.data?.data.would_charge_credits).toBe(35);
    await masko.POST("/v1/collections/{collectionId}/canvases/{canvasId}/generate-all", {
      ...path,
      body: {},
    });
    await sim.advanceClock(30);
    const exported = await masko.GET("/v1/collections/{collectionId}/canvases/{canvasId}/export", path);
    expect(exported.data?.data.version).toBe("2.0");
    expect(exported.data?.data.edges.map((e) => e.id)).toEqual([
      "idle-to-waving",
      "waving-to-happy",
      "happy-to-waving",
    ]);
    expect((await masko.GET("/v1/credits")).data?.data.balance).toBe(62);
  });

  it("injects faults and resets from code", async () => {
    const masko = createMaskoClient({ apiKey: sim.demo.api_key, retry: false });
    await sim.setFaults({ fail_operations: { listProjects: 1 } });
    await expect(masko.GET("/v1/projects")).rejects.toMatchObject({ status: 500, code: "internal_error" });
    expect((await masko.GET("/v1/projects")).data?.data).toEqual([]);
    await sim.reset();
    expect((await masko.GET("/v1/credits")).data?.data.balance).toBe(100);
  });
});

describe("sandboxes inside the MSW simulator", () => {
  it("keeps each test's Masko apart behind the same handlers: own credits, clock and jobs; gone once deleted", async () => {
    const [a, b] = [await sim.createSandbox(), await sim.createSandbox()];
    expect(a.apiKey).not.toBe(b.apiKey);
    const inA = createMaskoClient({ apiKey: a.apiKey, retry: false });
    const inB = createMaskoClient({ apiKey: b.apiKey, retry: false });
    const project = await inA.POST("/v1/projects", { body: { name: "A" } });
    const collection = await inA.POST("/v1/collections", {
      body: { project_id: project.data?.data.id as string, name: "Fox" },
    });
    const accepted = await inA.POST("/v1/collections/{collectionId}/generate", {
      params: { path: { collectionId: collection.data?.data.id as string } },
      body: { type: "image", name: "Wave", image_prompt: "waving" },
    });
    expect(accepted.response.status).toBe(202);
    // b's clock does not move a's job; a's own clock does.
    await b.advanceClock(600);
    const jobId = accepted.data?.data.job_id as string;
    expect((await inA.GET("/v1/jobs/{jobId}", { params: { path: { jobId } } })).data?.data.status).not.toBe(
      "completed",
    );
    await a.advanceClock(600);
    expect((await inA.GET("/v1/jobs/{jobId}", { params: { path: { jobId } } })).data?.data.status).toBe(
      "completed",
    );
    expect((await inA.GET("/v1/credits")).data?.data.balance).toBe(99);
    expect((await inB.GET("/v1/credits")).data?.data.balance).toBe(100);
    // b cannot see a's project, and the default demo workspace knows neither.
    expect((await inB.GET("/v1/projects")).data?.data).toEqual([]);
    await a.delete();
    await expect(inA.GET("/v1/credits")).rejects.toMatchObject({ status: 401 });
    expect((await inB.GET("/v1/credits")).response.status).toBe(200);
    await b.delete();
  });
});
