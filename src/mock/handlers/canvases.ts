/** Canvases: create (optionally from a template), read, progress, templates. */
import type { components } from "../../generated/masko-api.js";
import { conflict, notFound } from "../primitives/masko-error.js";
import { BUILTIN_TEMPLATES, builtinTemplate } from "../rules/canvas-templates.js";
import { type Caller, isoNow, type OperationHandler, type Services } from "../services.js";
import type { ResourceRecords, ResourceWrite } from "../store/records.js";
import { loadOwned } from "./access.js";
import { loadCanvas, partJobs, presentCanvas, progressOf } from "./canvas-state.js";
import { commitPlanned, newItem, type PlannedJob, planJob } from "./job-plan.js";

type Schemas = components["schemas"];
type Canvas = ResourceRecords["canvas"];
type Collection = ResourceRecords["collection"];

/**
 * Applies a template to an empty canvas: an item and an image job per node, the graph copied. Returns the writes
 * (the updated canvas included) and what the templates page answers.
 */
function planTemplate(
  services: Services,
  caller: Caller,
  collection: Collection,
  canvas: Canvas,
  templateId: string,
) {
  const template = builtinTemplate(templateId);
  if (!template) throw notFound("Template");
  const cost = services.policies.creditCost.image;
  const jobs: PlannedJob[] = [];
  const mapping: Schemas["TemplateApplied"]["node_mapping"] = {};
  const accepted: Schemas["GenerateAccepted"][] = [];
  const next: Canvas = {
    ...canvas,
    template_id: template.id,
    initialNode: template.initialNode ?? template.nodes[0]?.id ?? null,
    edges: structuredClone(template.edges),
    inputs: structuredClone(template.inputs),
    nodes: [],
    node_jobs: {},
    edge_jobs: {},
    updated_at: isoNow(services),
  };
  for (const node of template.nodes) {
    const item = newItem(services, caller, collection, node.itemName, "image");
    const job = planJob(services, caller, {
      collection,
      item,
      type: "image",
      form: null,
      duration: 0,
      cost,
    });
    const assetId = job.assetIds.image ?? "";
    jobs.push(job);
    next.nodes.push({ ...structuredClone(node), itemId: item.id, assetId });
    next.node_jobs[node.id] = job.jobId;
    mapping[node.id] = { item_id: item.id, asset_id: assetId, job_id: job.jobId };
    accepted.push({
      job_id: job.jobId,
      poll_url: `/v1/jobs/${job.jobId}`,
      status: "pending",
      item_id: item.id,
      cost_credits: cost,
      asset_ids: job.assetIds,
      urls: job.urls,
    });
  }
  const writes: ResourceWrite[] = [...jobs.flatMap((j) => j.writes), { kind: "canvas", record: next }];
  const total = cost * template.nodes.length;
  return {
    writes,
    total,
    canvas: next,
    applied: { canvas_id: canvas.id, node_mapping: mapping, jobs: accepted, total_cost: total },
  };
}

/** The collection and canvas a template applies to; `stored` when the canvas already exists (not a new one). */
interface TemplateTarget {
  collection: Collection;
  canvas: Canvas;
  stored: boolean;
}

/**
 * Applies a template and charges it in one atomic step, on the condition that a stored canvas is still as `load`
 * read it (a concurrent application makes `load` run again and see the nodes it added).
 */
function applyTemplate(
  services: Services,
  caller: Caller,
  templateId: string,
  load: () => Promise<TemplateTarget>,
) {
  return commitPlanned(
    services,
    caller,
    async () => {
      const { collection, canvas, stored } = await load();
      const plan = planTemplate(services, caller, collection, canvas, templateId);
      return [{ ...plan, basis: stored ? [{ kind: "canvas" as const, record: canvas }] : [] }];
    },
    ([plan]) => plan?.total ?? 0,
  );
}

export const createCanvas: OperationHandler<"createCanvas"> = async ({ caller, services, path, body }) => {
  const collection = await loadOwned(services, caller, "collection", path.collectionId ?? "");
  const now = isoNow(services);
  let canvas: Canvas = {
    id: services.newId(),
    collection_id: collection.id,
    name: body.name,
    template_id: null,
    initialNode: null,
    nodes: [],
    edges: [],
    inputs: [],
    created_at: now,
    updated_at: now,
    workspace_id: caller.workspace.id,
    node_jobs: {},
    edge_jobs: {},
  };
  if (body.template_id === undefined) await services.store.putResource({ kind: "canvas", record: canvas });
  else {
    const fresh = canvas;
    const { plans } = await applyTemplate(services, caller, body.template_id, async () => ({
      collection,
      canvas: fresh,
      stored: false,
    }));
    canvas = plans[0]?.canvas ?? canvas;
  }
  return { status: 201, body: { data: await presentCanvas(services, canvas) } };
};

export const getCanvas: OperationHandler<"getCanvas"> = async ({ caller, services, path }) => {
  const { canvas } = await loadCanvas(services, caller, path);
  return { status: 200, body: { data: await presentCanvas(services, canvas) } };
};

export const getCanvasStatus: OperationHandler<"getCanvasStatus"> = async ({ caller, services, path }) => {
  const { canvas } = await loadCanvas(services, caller, path);
  return { status: 200, body: { data: progressOf(canvas, await partJobs(services, canvas)) } };
};

export const applyCanvasTemplate: OperationHandler<"applyCanvasTemplate"> = async ({
  caller,
  services,
  path,
  body,
}) => {
  const { plans } = await applyTemplate(services, caller, body.template_id, async () => {
    const { collection, canvas } = await loadCanvas(services, caller, path);
    if (canvas.nodes.length > 0)
      throw conflict("This canvas already has nodes; templates apply to empty canvases.");
    return { collection, canvas, stored: true };
  });
  return { status: 202, body: { data: plans[0]?.applied } };
};

export const listCanvasTemplates: OperationHandler<"listCanvasTemplates"> = async ({ query }) => {
  // Saving templates is not part of the documented REST API, so a workspace has none of its own ("mine").
  const source = query.source;
  const data = source === "mine" ? [] : BUILTIN_TEMPLATES;
  return { status: 200, body: { data } };
};
