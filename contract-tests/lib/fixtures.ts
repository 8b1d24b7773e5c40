/** A workspace populated with one of everything, so every operation has something to act on. */
import { expect } from "vitest";
import { call, newCollection, newWorkspace } from "./api.js";

/** Ids of a populated workspace. */
export interface Fixture {
  key: string;
  workspaceId: string;
  projectId: string;
  collectionId: string;
  uploadId: string;
  referenceId: string;
  itemId: string;
  imageAssetId: string;
  jobId: string;
  webhookId: string;
  spareKeyId: string;
  /** An empty canvas. */
  canvasId: string;
  /** A canvas made from the greeter-3state template (its node images queued, no videos). */
  templateCanvasId: string;
}

/** Credits the fixture itself spends: one image and the three node images of the template canvas. */
const FIXTURE_COST = 1 + 3;

/**
 * Creates a workspace left with `credits` after one project, collection, upload, reference, job, webhook, spare
 * key, empty canvas and template canvas.
 */
export async function populatedWorkspace(credits = 100): Promise<Fixture> {
  const ws = await newWorkspace("personal", credits + FIXTURE_COST);
  const { projectId, collectionId } = await newCollection(ws.key);
  const upload = await call("POST", "/v1/upload", {
    key: ws.key,
    body: { url: "https://example.com/fox.png" },
  });
  const reference = await call("POST", "/v1/upload", {
    key: ws.key,
    body: { url: "https://example.com/ref.png" },
  });
  await call("POST", `/v1/collections/${collectionId}/references`, {
    key: ws.key,
    body: { asset_id: reference.body.data.asset_id },
  });
  const job = await call("POST", `/v1/collections/${collectionId}/generate`, {
    key: ws.key,
    body: { type: "image", name: "Wave", image_prompt: "waving" },
  });
  expect(job.status).toBe(202);
  const hook = await call("POST", "/v1/webhooks", {
    key: ws.key,
    body: { url: "http://127.0.0.1:9/hook", events: ["job.completed"] },
  });
  const spare = await call("POST", "/v1/api-keys", { key: ws.key, body: { name: "spare" } });
  const canvases = `/v1/collections/${collectionId}/canvases`;
  const canvas = await call("POST", canvases, { key: ws.key, body: { name: "Empty" } });
  const templated = await call("POST", canvases, {
    key: ws.key,
    body: { name: "Greeter", template_id: "greeter-3state" },
  });
  expect(templated.status).toBe(201);
  return {
    key: ws.key,
    workspaceId: ws.id,
    projectId,
    collectionId,
    uploadId: upload.body.data.asset_id,
    referenceId: reference.body.data.asset_id,
    itemId: job.body.data.item_id,
    imageAssetId: job.body.data.asset_ids.image,
    jobId: job.body.data.job_id,
    webhookId: hook.body.data.id,
    spareKeyId: spare.body.data.id,
    canvasId: canvas.body.data.id,
    templateCanvasId: templated.body.data.id,
  };
}

/** A well-formed id that nothing has. */
export const UNKNOWN_ID = "0b7e6a3c-1111-4222-8333-944455556666";
