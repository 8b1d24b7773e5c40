/** A canvas as the handlers read it: loaded for its caller, the jobs of its parts, and its progress. */
import type { components } from "../../generated/masko-api.js";
import { notFound } from "../primitives/masko-error.js";
import { partsToGenerate, percent } from "../rules/canvas.js";
import type { Caller, Services } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { loadOwned, present } from "./access.js";

type Schemas = components["schemas"];
type Canvas = ResourceRecords["canvas"];
type Job = ResourceRecords["job"];
/** A canvas part. */
export type PartKind = "node" | "edge";

/** The caller's canvas of the collection in the path (404 when it belongs to another collection). */
export async function loadCanvas(services: Services, caller: Caller, path: Record<string, string>) {
  const collection = await loadOwned(services, caller, "collection", path.collectionId ?? "");
  const canvas = await loadOwned(services, caller, "canvas", path.canvasId ?? "");
  if (canvas.collection_id !== collection.id) throw notFound("Canvas");
  return { collection, canvas };
}

/** The current job of every node and edge that has one. */
export async function partJobs(services: Services, canvas: Canvas): Promise<Map<string, Job>> {
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

export function progressOf(canvas: Canvas, jobs: Map<string, Job>): Schemas["CanvasProgress"] {
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

/** The canvas as the API shows it, its progress included. */
export async function presentCanvas(services: Services, canvas: Canvas) {
  return {
    ...present(canvas, ["node_jobs", "edge_jobs"]),
    status: progressOf(canvas, await partJobs(services, canvas)),
  };
}
