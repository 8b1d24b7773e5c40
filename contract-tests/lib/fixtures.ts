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
}

/** Creates a workspace with `credits` and one project, collection, upload, reference, job, webhook and spare key. */
export async function populatedWorkspace(credits = 100): Promise<Fixture> {
  const ws = await newWorkspace("personal", credits + 1);
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
  };
}

/** A well-formed id that nothing has. */
export const UNKNOWN_ID = "0b7e6a3c-1111-4222-8333-944455556666";
