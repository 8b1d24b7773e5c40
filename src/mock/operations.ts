/** Which handler serves which spec operation. Every operation of the spec must appear here. */
import * as account from "./handlers/account.js";
import * as canvasGeneration from "./handlers/canvas-generation.js";
import * as canvases from "./handlers/canvases.js";
import * as collections from "./handlers/collections.js";
import * as generation from "./handlers/generation.js";
import * as jobs from "./handlers/jobs.js";
import * as meta from "./handlers/meta.js";
import * as projects from "./handlers/projects.js";
import * as uploads from "./handlers/uploads.js";
import * as webhooks from "./handlers/webhooks.js";
import type { OperationHandlers } from "./services.js";

/** operationId → handler. */
export const OPERATION_HANDLERS: OperationHandlers = {
  getCredits: account.getCredits,
  listApiKeys: account.listApiKeys,
  createApiKey: account.createApiKey,
  revokeApiKey: account.revokeApiKey,
  listProjects: projects.listProjects,
  createProject: projects.createProject,
  getProject: projects.getProject,
  listCollections: collections.listCollections,
  createCollection: collections.createCollection,
  getCollection: collections.getCollection,
  updateCollection: collections.updateCollection,
  addCollectionReference: collections.addCollectionReference,
  removeCollectionReference: collections.removeCollectionReference,
  listCollectionItems: collections.listCollectionItems,
  getAsset: collections.getAsset,
  generate: generation.generate,
  generateBatch: generation.generateBatch,
  listJobs: jobs.listJobs,
  getJob: jobs.getJob,
  uploadImage: uploads.uploadImage,
  listWebhooks: webhooks.listWebhooks,
  createWebhook: webhooks.createWebhook,
  deleteWebhook: webhooks.deleteWebhook,
  suggestActions: generation.suggestActions,
  generatePreview: generation.generatePreview,
  createCanvas: canvases.createCanvas,
  getCanvas: canvases.getCanvas,
  getCanvasStatus: canvases.getCanvasStatus,
  applyCanvasTemplate: canvases.applyCanvasTemplate,
  generateCanvasAssets: canvasGeneration.generateCanvasAssets,
  exportCanvas: canvasGeneration.exportCanvas,
  listCanvasTemplates: canvases.listCanvasTemplates,
  getOpenApiDocument: meta.getOpenApiDocument,
};
