/** Canvases: create (optionally from a template), read, progress, templates, generate-all and export. */
import type { components } from "../../generated/masko-api.js";
import { BUILTIN_TEMPLATES, builtinTemplate } from "../canvas-templates.js";
import { conflict, notFound } from "../http/masko-error.js";
import {
  exportCondition,
  type GenerateAllOptions,
  type PlannedPart,
  partsToGenerate,
  percent,
  planGenerateAll,
} from "../rules/canvas.js";
import { type Caller, isoNow, type OperationHandler, type Services } from "../services.js";
import type { ResourceRecords, ResourceWrite } from "../store/records.js";
import { loadOwned, present } from "./access.js";
import { commitPlanned, newItem, type PlannedJob, planJob } from "./job-plan.js";

type Schemas = components["schemas"];
type Canvas = ResourceRecords["canvas"];
type Collection = ResourceRecords["collection"];
type Job = ResourceRecords["job"];
type PartKind = "node" | "edge";

/** The caller's canvas of the collection in the path (404 when it belongs to another collection). */
async function loadCanvas(services: Services, caller: Caller, path: Record<string, string>) {
  const collection = await loadOwned(services, caller, "collection", path.collectionId ?? "");
  const canvas = await loadOwned(services, caller, "canvas", path.canvasId ?? "");
  if (canvas.collection_id !== collection.id) throw notFound("Canvas");
  return { collection, canvas };
}

/** The current job of every node and edge that has one. */
async function partJobs(services: Services, canvas: Canvas): Promise<Map<string, Job>> {
  const jobs = new Map<string, Job>();
  for (const [kind, byPart] of [
    ["node", canvas.node_jobs],
    ["edge", canvas.edge_jobs],
  ] as const) {
    for (const [part, jobId] of Object.entries(byPart)) {
      const job = await services.store.getResource("job", jobId);
      if (job) jobs.set(`${kind}:${part}`, job);
    }
  }
  return jobs;
}

function progressOf(canvas: Canvas, jobs: Map<string, Job>): Schemas["CanvasProgress"] {
  const todo = partsToGenerate(canvas.nodes, canvas.edges);
  const part = (kind: PartKind, id: string) => {
    const job = jobs.get(`${kind}:${id}`);
    return { kind, id, job_id: job?.id ?? null, status: job?.status ?? ("missing" as const) };
  };
  const nodes = todo.nodes.map((id) => part("node", id));
  const edges = todo.edges.map((id) => part("edge", id));
  const done = (parts: { status: string }[]) => parts.filter((p) => p.status === "completed").length;
  const count = (parts: { status: string }[]) => ({
    total: parts.length,
    completed: done(parts),
    percent: percent(done(parts), parts.length),
  });
  return {
    percent: percent(done(nodes) + done(edges), nodes.length + edges.length),
    nodes: count(nodes),
    edges: count(edges),
    parts: [...nodes, ...edges],
  };
}

async function presentCanvas(services: Services, canvas: Canvas) {
  return {
    ...present(canvas, ["node_jobs", "edge_jobs"]),
    status: progressOf(canvas, await partJobs(services, canvas)),
  };
}

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
  willFail: () => boolean,
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
      willFail: willFail(),
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

/** Applies a template and charges it in one atomic step. */
function applyTemplate(
  services: Services,
  caller: Caller,
  collection: Collection,
  canvas: Canvas,
  templateId: string,
) {
  return commitPlanned(
    services,
    caller,
    async (willFail) => [planTemplate(services, caller, collection, canvas, templateId, willFail)],
    ([plan]) => plan?.total ?? 0,
  );
}

export const createCanvas: OperationHandler = async ({ caller, services, path, body: raw }) => {
  const body = raw as Schemas["CreateCanvasBody"];
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
    const { plans } = await applyTemplate(services, caller, collection, canvas, body.template_id);
    canvas = plans[0]?.canvas ?? canvas;
  }
  return { status: 201, body: { data: await presentCanvas(services, canvas) } };
};

export const getCanvas: OperationHandler = async ({ caller, services, path }) => {
  const { canvas } = await loadCanvas(services, caller, path);
  return { status: 200, body: { data: await presentCanvas(services, canvas) } };
};

export const getCanvasStatus: OperationHandler = async ({ caller, services, path }) => {
  const { canvas } = await loadCanvas(services, caller, path);
  return { status: 200, body: { data: progressOf(canvas, await partJobs(services, canvas)) } };
};

export const applyCanvasTemplate: OperationHandler = async ({ caller, services, path, body: raw }) => {
  const body = raw as Schemas["ApplyTemplateBody"];
  const { collection, canvas } = await loadCanvas(services, caller, path);
  if (canvas.nodes.length > 0)
    throw conflict("This canvas already has nodes; templates apply to empty canvases.");
  const { plans } = await applyTemplate(services, caller, collection, canvas, body.template_id);
  return { status: 202, body: { data: plans[0]?.applied } };
};

export const listCanvasTemplates: OperationHandler = async ({ query }) => {
  // Saving templates is not part of the documented REST API, so a workspace has none of its own ("mine").
  const source = query.source as string | undefined;
  const data = source === "mine" ? [] : BUILTIN_TEMPLATES;
  return { status: 200, body: { data } };
};

function plannedJob(part: PlannedPart, canvas: Canvas, urlOf: (nodeId: string) => string | null) {
  const edge = part.kind === "edge" ? canvas.edges.find((e) => e.id === part.id) : undefined;
  return {
    kind: part.kind,
    id: part.id,
    ...(part.edgeType ? { edge_type: part.edgeType, duration: part.duration } : {}),
    prompt: part.prompt,
    cost: part.cost,
    source_asset_url: edge ? urlOf(edge.source) : null,
    target_asset_url: edge ? urlOf(edge.target) : null,
  };
}

export const generateCanvasAssets: OperationHandler = async ({ caller, services, path, body: raw }) => {
  const body = (raw ?? {}) as Schemas["GenerateAllBody"];
  const options: GenerateAllOptions = {
    dryRun: body.dry_run ?? false,
    targets: body.targets ?? "all",
    skipCompleted: body.skip_completed ?? true,
    duration: body.duration,
  };
  const { collection, canvas } = await loadCanvas(services, caller, path);
  const jobs = await partJobs(services, canvas);
  const plan = planGenerateAll(
    canvas.nodes,
    canvas.edges,
    (kind, id) => jobs.get(`${kind}:${id}`)?.status ?? "missing",
    options,
    services.policies.creditCost,
  );
  const urlOf = (nodeId: string) => {
    const job = jobs.get(`node:${nodeId}`);
    return job?.status === "completed" ? (job.urls.image ?? null) : null;
  };
  const queued: { job_id: string; poll_url: string; kind: PartKind; id: string }[] = [];
  if (!options.dryRun && plan.parts.length > 0) {
    await commitPlanned(
      services,
      caller,
      async (willFail) => {
        const next: Canvas = {
          ...canvas,
          nodes: structuredClone(canvas.nodes),
          edges: structuredClone(canvas.edges),
          updated_at: isoNow(services),
        };
        const writes: ResourceWrite[] = [];
        for (const part of plan.parts) {
          const node = next.nodes.find((n) => n.id === part.id);
          const item = newItem(
            services,
            caller,
            collection,
            node?.itemName ?? part.id,
            part.kind === "node" ? "image" : "animation",
          );
          const job = planJob(services, caller, {
            collection,
            item,
            type: part.kind === "node" ? "image" : part.edgeType === "reverse" ? "reverse" : "animation",
            form: part.kind === "node" ? null : "transition",
            duration: part.duration,
            cost: part.cost,
            willFail: willFail(),
          });
          writes.push(...job.writes);
          if (part.kind === "node" && node) {
            node.itemId = item.id;
            node.assetId = job.assetIds.image ?? null;
            next.node_jobs = { ...next.node_jobs, [part.id]: job.jobId };
          } else {
            const edge = next.edges.find((e) => e.id === part.id);
            if (edge) edge.videoAssetIds = job.assetIds;
            next.edge_jobs = { ...next.edge_jobs, [part.id]: job.jobId };
          }
          queued.push({ job_id: job.jobId, poll_url: `/v1/jobs/${job.jobId}`, kind: part.kind, id: part.id });
        }
        writes.push({ kind: "canvas", record: next });
        return [{ writes }];
      },
      () => plan.estimatedCost,
    );
  }
  const result: Schemas["GenerateAllResult"] = {
    dry_run: options.dryRun,
    generated: queued.length,
    skipped: plan.skippedEdges,
    skipped_items: plan.skippedItems,
    reverse_free: plan.reverseFree,
    already_complete: plan.alreadyComplete,
    estimated_cost: plan.estimatedCost,
    actual_cost: options.dryRun ? 0 : plan.estimatedCost,
    would_charge_credits: plan.estimatedCost,
    planned_jobs: plan.parts.map((p) => plannedJob(p, canvas, urlOf)),
    jobs: queued,
  };
  return { status: options.dryRun ? 200 : 202, body: { data: result } };
};

export const exportCanvas: OperationHandler = async ({ caller, services, path }) => {
  const { canvas } = await loadCanvas(services, caller, path);
  const jobs = await partJobs(services, canvas);
  const todo = partsToGenerate(canvas.nodes, canvas.edges);
  const missing = [
    ...todo.nodes.filter((id) => jobs.get(`node:${id}`)?.status !== "completed"),
    ...todo.edges.filter((id) => jobs.get(`edge:${id}`)?.status !== "completed"),
  ];
  if (canvas.nodes.length === 0 || missing.length > 0) {
    throw conflict(
      canvas.nodes.length === 0
        ? "This canvas has no nodes to export."
        : `Not every part is generated yet (${missing.length} missing: ${missing.slice(0, 5).join(", ")}).`,
    );
  }
  const exported = new Set(todo.edges);
  const config: Schemas["MaskoAnimationConfig"] = {
    version: "2.0",
    name: canvas.name,
    initialNode: canvas.initialNode ?? canvas.nodes[0]?.id ?? "",
    autoPlay: true,
    clickEffect: "next_state",
    nodes: canvas.nodes.map((n) => ({
      id: n.id,
      label: n.itemName,
      imageUrl: jobs.get(`node:${n.id}`)?.urls.image ?? "",
      loop: n.loop ?? false,
    })),
    edges: canvas.edges
      .filter((e) => exported.has(e.id))
      .map((e) => {
        const urls = jobs.get(`edge:${e.id}`)?.urls;
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          videos: { webm: urls?.webm ?? "", hevc: urls?.hevc ?? "" },
          condition: exportCondition(e),
        };
      }),
    inputs: canvas.inputs.map((i) => ({
      id: i.id,
      label: i.label ?? i.id,
      ...(i.targetNode ? { targetNode: i.targetNode } : {}),
    })),
  };
  return { status: 200, body: { data: config } };
};
