/**
 * For every operation of the spec: how to call it successfully against a populated workspace, and how to make
 * it fail with each error it declares. The coverage test walks this table; the matrix checks it is complete.
 */
import type { Fixture } from "./fixtures.js";

/** One way to call an operation. */
export interface Request {
  method: string;
  path: string;
  body?: unknown;
}

/** How to call one operation, and its inputs for 400 / 403 / 404. */
export interface OperationCase {
  /** A valid request for a populated workspace `f`. */
  valid(f: Fixture): Request;
  /** A request with bad input (400), or undefined when the operation takes none. */
  invalid?(f: Fixture): Request;
  /** The valid request, pointing at another workspace's resources `other` (403), when ids are involved. */
  foreign?(f: Fixture, other: Fixture): Request;
  /** The valid request with an id nothing has (404). */
  unknown?(f: Fixture): Request;
  /** Whether it takes a JSON body (413 / 415). */
  json?: boolean;
  /** Whether it answers without a key (no 401). */
  open?: boolean;
  /** Where its success is provoked instead, when `valid` cannot succeed on a fresh fixture. */
  succeedsIn?: string;
}

const U = "0b7e6a3c-1111-4222-8333-944455556666";
const image = { type: "image", name: "Pose", image_prompt: "waving" };

export const OPERATION_CASES: Record<string, OperationCase> = {
  getCredits: { valid: () => ({ method: "GET", path: "/v1/credits" }) },
  listApiKeys: {
    valid: () => ({ method: "GET", path: "/v1/api-keys" }),
    invalid: () => ({ method: "GET", path: "/v1/api-keys?limit=0" }),
  },
  createApiKey: {
    valid: () => ({ method: "POST", path: "/v1/api-keys", body: { name: "new" } }),
    invalid: () => ({ method: "POST", path: "/v1/api-keys", body: { name: "" } }),
    json: true,
  },
  revokeApiKey: {
    valid: (f) => ({ method: "DELETE", path: `/v1/api-keys/${f.spareKeyId}` }),
    invalid: () => ({ method: "DELETE", path: "/v1/api-keys/not-a-uuid" }),
    foreign: (_f, o) => ({ method: "DELETE", path: `/v1/api-keys/${o.spareKeyId}` }),
    unknown: () => ({ method: "DELETE", path: `/v1/api-keys/${U}` }),
  },
  listProjects: {
    valid: () => ({ method: "GET", path: "/v1/projects" }),
    invalid: () => ({ method: "GET", path: "/v1/projects?offset=-1" }),
  },
  createProject: {
    valid: () => ({ method: "POST", path: "/v1/projects", body: { name: "P" } }),
    invalid: () => ({ method: "POST", path: "/v1/projects", body: {} }),
    json: true,
  },
  getProject: {
    valid: (f) => ({ method: "GET", path: `/v1/projects/${f.projectId}` }),
    invalid: () => ({ method: "GET", path: "/v1/projects/nope" }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/projects/${o.projectId}` }),
    unknown: () => ({ method: "GET", path: `/v1/projects/${U}` }),
  },
  listCollections: {
    valid: (f) => ({ method: "GET", path: `/v1/collections?project_id=${f.projectId}` }),
    invalid: () => ({ method: "GET", path: "/v1/collections?project_id=nope" }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/collections?project_id=${o.projectId}` }),
    unknown: () => ({ method: "GET", path: `/v1/collections?project_id=${U}` }),
  },
  createCollection: {
    valid: (f) => ({ method: "POST", path: "/v1/collections", body: { project_id: f.projectId, name: "C" } }),
    invalid: (f) => ({ method: "POST", path: "/v1/collections", body: { project_id: f.projectId, name: 7 } }),
    foreign: (_f, o) => ({
      method: "POST",
      path: "/v1/collections",
      body: { project_id: o.projectId, name: "C" },
    }),
    unknown: () => ({ method: "POST", path: "/v1/collections", body: { project_id: U, name: "C" } }),
    json: true,
  },
  getCollection: {
    valid: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}` }),
    invalid: () => ({ method: "GET", path: "/v1/collections/nope" }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/collections/${o.collectionId}` }),
    unknown: () => ({ method: "GET", path: `/v1/collections/${U}` }),
  },
  updateCollection: {
    valid: (f) => ({ method: "PATCH", path: `/v1/collections/${f.collectionId}`, body: { name: "Renamed" } }),
    invalid: (f) => ({ method: "PATCH", path: `/v1/collections/${f.collectionId}`, body: {} }),
    foreign: (_f, o) => ({ method: "PATCH", path: `/v1/collections/${o.collectionId}`, body: { name: "x" } }),
    unknown: () => ({ method: "PATCH", path: `/v1/collections/${U}`, body: { name: "x" } }),
    json: true,
  },
  addCollectionReference: {
    valid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/references`,
      body: { asset_id: f.uploadId },
    }),
    invalid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/references`,
      body: { asset_id: "x" },
    }),
    foreign: (_f, o) => ({
      method: "POST",
      path: `/v1/collections/${o.collectionId}/references`,
      body: { asset_id: o.uploadId },
    }),
    unknown: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/references`,
      body: { asset_id: U },
    }),
    json: true,
  },
  removeCollectionReference: {
    valid: (f) => ({
      method: "DELETE",
      path: `/v1/collections/${f.collectionId}/references/${f.referenceId}`,
    }),
    invalid: (f) => ({ method: "DELETE", path: `/v1/collections/${f.collectionId}/references/nope` }),
    foreign: (_f, o) => ({
      method: "DELETE",
      path: `/v1/collections/${o.collectionId}/references/${o.referenceId}`,
    }),
    unknown: (f) => ({ method: "DELETE", path: `/v1/collections/${f.collectionId}/references/${U}` }),
  },
  listCollectionItems: {
    valid: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}/items` }),
    invalid: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}/items?limit=101` }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/collections/${o.collectionId}/items` }),
    unknown: () => ({ method: "GET", path: `/v1/collections/${U}/items` }),
  },
  getAsset: {
    valid: (f) => ({ method: "GET", path: `/v1/assets/${f.imageAssetId}` }),
    invalid: () => ({ method: "GET", path: "/v1/assets/nope" }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/assets/${o.imageAssetId}` }),
    unknown: () => ({ method: "GET", path: `/v1/assets/${U}` }),
  },
  generate: {
    valid: (f) => ({ method: "POST", path: `/v1/collections/${f.collectionId}/generate`, body: image }),
    invalid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/generate`,
      body: { type: "image" },
    }),
    foreign: (_f, o) => ({ method: "POST", path: `/v1/collections/${o.collectionId}/generate`, body: image }),
    unknown: () => ({ method: "POST", path: `/v1/collections/${U}/generate`, body: image }),
    json: true,
  },
  generateBatch: {
    valid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/generate-batch`,
      body: { requests: [image] },
    }),
    invalid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/generate-batch`,
      body: { requests: [] },
    }),
    foreign: (_f, o) => ({
      method: "POST",
      path: `/v1/collections/${o.collectionId}/generate-batch`,
      body: { requests: [image] },
    }),
    unknown: () => ({
      method: "POST",
      path: `/v1/collections/${U}/generate-batch`,
      body: { requests: [image] },
    }),
    json: true,
  },
  listJobs: {
    valid: (f) => ({ method: "GET", path: `/v1/jobs?collection_id=${f.collectionId}&status=pending` }),
    invalid: () => ({ method: "GET", path: "/v1/jobs?status=done" }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/jobs?collection_id=${o.collectionId}` }),
    unknown: () => ({ method: "GET", path: `/v1/jobs?collection_id=${U}` }),
  },
  getJob: {
    valid: (f) => ({ method: "GET", path: `/v1/jobs/${f.jobId}` }),
    invalid: (f) => ({ method: "GET", path: `/v1/jobs/${f.jobId}?wait=maybe` }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/jobs/${o.jobId}` }),
    unknown: () => ({ method: "GET", path: `/v1/jobs/${U}` }),
  },
  uploadImage: {
    valid: () => ({ method: "POST", path: "/v1/upload", body: { url: "https://example.com/new.gif" } }),
    invalid: () => ({ method: "POST", path: "/v1/upload", body: { url: "not a url" } }),
    json: true,
  },
  listWebhooks: {
    valid: () => ({ method: "GET", path: "/v1/webhooks" }),
    invalid: () => ({ method: "GET", path: "/v1/webhooks?limit=abc" }),
  },
  createWebhook: {
    valid: () => ({
      method: "POST",
      path: "/v1/webhooks",
      body: { url: "https://example.com/h", events: ["job.failed"] },
    }),
    invalid: () => ({
      method: "POST",
      path: "/v1/webhooks",
      body: { url: "https://example.com/h", events: [] },
    }),
    json: true,
  },
  deleteWebhook: {
    valid: (f) => ({ method: "DELETE", path: `/v1/webhooks/${f.webhookId}` }),
    invalid: () => ({ method: "DELETE", path: "/v1/webhooks/nope" }),
    foreign: (_f, o) => ({ method: "DELETE", path: `/v1/webhooks/${o.webhookId}` }),
    unknown: () => ({ method: "DELETE", path: `/v1/webhooks/${U}` }),
  },
  suggestActions: {
    valid: (f) => ({ method: "POST", path: `/v1/collections/${f.collectionId}/suggest-actions` }),
    invalid: () => ({ method: "POST", path: "/v1/collections/nope/suggest-actions" }),
    foreign: (_f, o) => ({ method: "POST", path: `/v1/collections/${o.collectionId}/suggest-actions` }),
    unknown: () => ({ method: "POST", path: `/v1/collections/${U}/suggest-actions` }),
  },
  generatePreview: {
    valid: (f) => ({
      method: "POST",
      path: "/v1/generate/preview",
      body: { collection_id: f.collectionId, image_prompt: "waving" },
    }),
    invalid: (f) => ({
      method: "POST",
      path: "/v1/generate/preview",
      body: { collection_id: f.collectionId },
    }),
    foreign: (_f, o) => ({
      method: "POST",
      path: "/v1/generate/preview",
      body: { collection_id: o.collectionId, image_prompt: "waving" },
    }),
    unknown: () => ({
      method: "POST",
      path: "/v1/generate/preview",
      body: { collection_id: U, image_prompt: "waving" },
    }),
    json: true,
  },
  createCanvas: {
    valid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases`,
      body: { name: "C" },
    }),
    invalid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases`,
      body: { name: "" },
    }),
    foreign: (_f, o) => ({
      method: "POST",
      path: `/v1/collections/${o.collectionId}/canvases`,
      body: { name: "C" },
    }),
    unknown: () => ({ method: "POST", path: `/v1/collections/${U}/canvases`, body: { name: "C" } }),
    json: true,
  },
  getCanvas: {
    valid: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}/canvases/${f.canvasId}` }),
    invalid: (f) => ({ method: "GET", path: `/v1/collections/nope/canvases/${f.canvasId}` }),
    foreign: (_f, o) => ({ method: "GET", path: `/v1/collections/${o.collectionId}/canvases/${o.canvasId}` }),
    unknown: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}/canvases/${U}` }),
  },
  getCanvasStatus: {
    valid: (f) => ({
      method: "GET",
      path: `/v1/collections/${f.collectionId}/canvases/${f.canvasId}/status`,
    }),
    invalid: (f) => ({ method: "GET", path: `/v1/collections/nope/canvases/${f.canvasId}/status` }),
    foreign: (_f, o) => ({
      method: "GET",
      path: `/v1/collections/${o.collectionId}/canvases/${o.canvasId}/status`,
    }),
    unknown: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}/canvases/${U}/status` }),
  },
  applyCanvasTemplate: {
    valid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${f.canvasId}/from-template`,
      body: { template_id: "greeter-3state" },
    }),
    invalid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${f.canvasId}/from-template`,
      body: { template_id: "" },
    }),
    foreign: (_f, o) => ({
      method: "POST",
      path: `/v1/collections/${o.collectionId}/canvases/${o.canvasId}/from-template`,
      body: { template_id: "greeter-3state" },
    }),
    unknown: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${U}/from-template`,
      body: { template_id: "greeter-3state" },
    }),
    json: true,
  },
  generateCanvasAssets: {
    valid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${f.templateCanvasId}/generate-all`,
      body: { targets: "images" },
    }),
    invalid: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${f.templateCanvasId}/generate-all`,
      body: { targets: "everything" },
    }),
    foreign: (_f, o) => ({
      method: "POST",
      path: `/v1/collections/${o.collectionId}/canvases/${o.templateCanvasId}/generate-all`,
      body: { targets: "images" },
    }),
    unknown: (f) => ({
      method: "POST",
      path: `/v1/collections/${f.collectionId}/canvases/${U}/generate-all`,
      body: { targets: "images" },
    }),
    json: true,
  },
  exportCanvas: {
    valid: (f) => ({
      method: "GET",
      path: `/v1/collections/${f.collectionId}/canvases/${f.canvasId}/export`,
    }),
    invalid: (f) => ({ method: "GET", path: `/v1/collections/nope/canvases/${f.canvasId}/export` }),
    foreign: (_f, o) => ({
      method: "GET",
      path: `/v1/collections/${o.collectionId}/canvases/${o.canvasId}/export`,
    }),
    unknown: (f) => ({ method: "GET", path: `/v1/collections/${f.collectionId}/canvases/${U}/export` }),
    succeedsIn: "exportCanvas answers 200 once every part is generated",
  },
  listCanvasTemplates: {
    valid: () => ({ method: "GET", path: "/v1/canvas-templates?source=builtin" }),
    invalid: () => ({ method: "GET", path: "/v1/canvas-templates?source=theirs" }),
  },
  getOpenApiDocument: {
    valid: () => ({ method: "GET", path: "/v1/openapi.json" }),
    open: true,
  },
};

/**
 * Cells of the matrix no request can reach, each with its reason. The spec declares 400/403/404 on every
 * operation for uniformity (every error envelope is declared everywhere), but an operation with no input or no resource id cannot produce them.
 */
export const EXEMPTIONS: Record<string, string> = {
  "getCredits 400": "takes no parameters or body: nothing can be malformed",
  "getCredits 403": "names no resource: the balance is always the caller's own",
  "getCredits 404": "names no resource",
  "listApiKeys 403": "lists the caller's own workspace only",
  "listApiKeys 404": "names no resource",
  "createApiKey 404": "names no resource",
  "listProjects 403": "lists the caller's own workspace only",
  "listProjects 404": "names no resource",
  "createProject 403": "creates in the caller's own workspace",
  "createProject 404": "names no resource",
  "uploadImage 403": "creates in the caller's own workspace",
  "uploadImage 404": "names no resource",
  "listWebhooks 403": "lists the caller's own workspace only",
  "listWebhooks 404": "names no resource",
  "createWebhook 403": "creates in the caller's own workspace",
  "createWebhook 404": "names no resource",
};
