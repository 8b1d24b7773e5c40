/** Jobs: settling due jobs on the simulator clock, listing, and reading with long-poll. */
import { sleep } from "../platform.js";
import { jobStatusAt } from "../rules/jobs.js";
import { paginate } from "../rules/pagination.js";
import type { OperationHandler, Services } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { JOB_PRIVATE_FIELDS, loadOwned, present } from "./access.js";

type JobRecord = ResourceRecords["job"];

function statusNow(job: JobRecord, nowMs: number) {
  if (job.status === "completed" || job.status === "failed") return job.status;
  const schedule = { processingAfterMs: job.processing_after_ms, doneAfterMs: job.done_after_ms };
  return jobStatusAt(job.accepted_at_ms, schedule, job.will_fail, nowMs);
}

/** A job as the API shows it at `nowMs` (pending/processing follow the clock; final states are stored). */
export function presentJob(job: JobRecord, nowMs: number) {
  const status = statusNow(job, nowMs);
  const updatedMs =
    status === "processing" ? job.accepted_at_ms + job.processing_after_ms : Date.parse(job.updated_at);
  return { ...present(job, JOB_PRIVATE_FIELDS), status, updated_at: new Date(updatedMs).toISOString() };
}

/**
 * Finishes every job of the workspace whose time has come: marks it completed or failed, its assets ready or
 * failed, and refunds a failed job's credits. The store makes each finish happen at most once.
 */
export async function settleDueJobs(services: Services, workspaceId: string): Promise<void> {
  const open = await services.store.listUnfinishedJobs(workspaceId);
  if (open.length === 0) return;
  const now = services.clock.now();
  for (const job of open) {
    const status = statusNow(job, now);
    if (status !== "completed" && status !== "failed") continue;
    const finishedAt = new Date(job.accepted_at_ms + job.done_after_ms).toISOString();
    const assets: ResourceRecords["asset"][] = [];
    for (const id of Object.values(job.asset_ids)) {
      const asset = id ? await services.store.getResource("asset", id) : undefined;
      if (asset) assets.push({ ...asset, status: status === "completed" ? "ready" : "failed" });
    }
    const finished: JobRecord = {
      ...job,
      status,
      updated_at: finishedAt,
      completed_at: finishedAt,
      urls: status === "completed" ? job.urls : {},
      error:
        status === "failed"
          ? { code: "internal_error", message: "Generation failed (injected fault)." }
          : null,
    };
    const finishedNow = await services.store.finishJob(
      finished,
      assets,
      status === "failed" ? job.cost_credits : 0,
    );
    if (finishedNow) await notifyWebhooks(services, finished);
  }
}

/** Queues `job.completed` / `job.failed` for the workspace's webhooks that asked for it (sent by the scheduler). */
async function notifyWebhooks(services: Services, job: JobRecord): Promise<void> {
  const event = job.status === "failed" ? "job.failed" : "job.completed";
  const hooks = (await services.store.listResources("webhook", job.workspace_id)).filter((h) =>
    h.events.includes(event),
  );
  for (const hook of hooks) {
    await services.webhooks.enqueue(hook, {
      event,
      job_id: job.id,
      type: job.type,
      collection_id: job.collection_id,
      asset_ids: job.asset_ids,
      urls: job.urls,
      ...(job.error ? { error: job.error } : {}),
      timestamp: job.completed_at ?? job.updated_at,
    });
  }
}

export const listJobs: OperationHandler = async ({ caller, services, query }) => {
  if (query.collection_id !== undefined)
    await loadOwned(services, caller, "collection", query.collection_id as string);
  const now = services.clock.now();
  const jobs = (await services.store.listResources("job", caller.workspace.id))
    .map((job) => presentJob(job, now))
    .filter(
      (job) =>
        (query.status === undefined || job.status === query.status) &&
        (query.collection_id === undefined || job.collection_id === query.collection_id) &&
        (query.type === undefined || job.type === query.type),
    )
    .reverse();
  return { status: 200, body: paginate(jobs, query.limit as number, query.offset as number) };
};

export const getJob: OperationHandler = async ({ caller, services, path, query, signal }) => {
  const id = path.jobId ?? "";
  let job = await loadOwned(services, caller, "job", id);
  if (query.wait === true) {
    const deadline = Date.now() + services.longPollMaxMs;
    while (!["completed", "failed"].includes(statusNow(job, services.clock.now())) && Date.now() < deadline) {
      if (signal().aborted) break;
      await sleep(Math.min(25, Math.max(1, deadline - Date.now())));
      await settleDueJobs(services, caller.workspace.id);
      job = await loadOwned(services, caller, "job", id);
    }
  }
  return { status: 200, body: { data: presentJob(job, services.clock.now()) } };
};
