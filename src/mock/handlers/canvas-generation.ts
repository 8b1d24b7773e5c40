/** Canvas generation and export: generate-all (dry run, targets, skip_completed) and the player config. */
import type { components } from "../../generated/masko-api.js";
import { badRequest, conflict } from "../primitives/masko-error.js";
import {
  exportCondition,
  type GenerateAllOptions,
  type PlannedPart,
  partsToGenerate,
  planGenerateAll,
} from "../rules/canvas.js";
import { type Caller, isoNow, type OperationHandler, type Services } from "../services.js";
import type { ResourceRecords, ResourceWrite } from "../store/records.js";
import { loadCanvas, type PartKind, partJobs } from "./canvas-state.js";
import { commitPlanned, newItem, planJob } from "./job-plan.js";

type Schemas = components["schemas"];
type Canvas = ResourceRecords["canvas"];

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

/** A generate-all run planned on the canvas as stored now: what it queues, and the canvas it was planned from. */
async function planRun(
  services: Services,
  caller: Caller,
  path: Record<string, string>,
  options: GenerateAllOptions,
) {
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
  const writes: ResourceWrite[] = [];
  if (!options.dryRun && plan.parts.length > 0) {
    const next: Canvas = {
      ...canvas,
      nodes: structuredClone(canvas.nodes),
      edges: structuredClone(canvas.edges),
      updated_at: isoNow(services),
    };
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
    total_credits: plan.estimatedCost,
    planned_jobs: plan.parts.map((p) => plannedJob(p, canvas, urlOf)),
    jobs: queued,
  };
  return { writes, basis: [{ kind: "canvas" as const, record: canvas }], cost: plan.estimatedCost, result };
}

export const generateCanvasAssets: OperationHandler<"generateCanvasAssets"> = async ({
  caller,
  services,
  path,
  body: raw,
}) => {
  const body = raw ?? {};
  // Behaviour generate-all-targets=documented: only the documented `animations` (D15).
  if (
    services.behaviour["generate-all-targets"] === "documented" &&
    body.targets !== undefined &&
    body.targets !== "animations"
  ) {
    throw badRequest("must be animations", "targets");
  }
  const options: GenerateAllOptions = {
    dryRun: body.dry_run ?? false,
    targets: body.targets ?? "all",
    skipCompleted: body.skip_completed ?? true,
    duration: body.duration,
  };
  if (options.dryRun) {
    const run = await planRun(services, caller, path, options);
    return { status: 200, body: { data: run.result } };
  }
  // Planned again (and charged once) when a concurrent request changed the canvas first.
  const { plans } = await commitPlanned(
    services,
    caller,
    async () => [await planRun(services, caller, path, options)],
    ([run]) => run?.cost ?? 0,
  );
  const run = plans[0];
  if (!run) throw new Error("generate-all planned nothing");
  return { status: 202, body: { data: run.result } };
};

export const exportCanvas: OperationHandler<"exportCanvas"> = async ({ caller, services, path }) => {
  const { canvas } = await loadCanvas(services, caller, path);
  const jobs = await partJobs(services, canvas);
  const todo = partsToGenerate(canvas.nodes, canvas.edges);
  const done = (kind: "node" | "edge", id: string) => jobs.get(`${kind}:${id}`)?.status === "completed";
  const missing = [
    ...todo.nodes.filter((id) => !done("node", id)),
    ...todo.edges.filter((id) => !done("edge", id)),
  ];
  // Behaviour export-incomplete=partial: the generated parts only, instead of 409 (D27).
  const partial = services.behaviour["export-incomplete"] === "partial";
  if (canvas.nodes.length === 0 || (missing.length > 0 && !partial)) {
    throw conflict(
      canvas.nodes.length === 0
        ? "This canvas has no nodes to export."
        : `Not every part is generated yet (${missing.length} missing: ${missing.slice(0, 5).join(", ")}).`,
    );
  }
  const shownNodes = canvas.nodes.filter((n) => !partial || done("node", n.id));
  const shown = new Set(shownNodes.map((n) => n.id));
  const edgeById = new Map(canvas.edges.map((e) => [e.id, e]));
  const exported = new Set(
    todo.edges.filter((id) => {
      const e = edgeById.get(id);
      return !partial || (done("edge", id) && e !== undefined && shown.has(e.source) && shown.has(e.target));
    }),
  );
  const config: Schemas["MaskoAnimationConfig"] = {
    version: "2.0",
    name: canvas.name,
    initialNode: canvas.initialNode ?? shownNodes[0]?.id ?? "",
    autoPlay: true,
    clickEffect: "next_state",
    nodes: shownNodes.map((n) => ({
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
