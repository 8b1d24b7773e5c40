/**
 * Settling jobs on the simulator clock: a job's status follows its schedule; once it is due, it is finished once
 * (completed or failed, its assets ready or failed, a failed job's credits refunded) and its webhooks are queued.
 * The gate settles the caller's workspace before each request; the scheduler settles the rest on time.
 */
import { jobStatusAt } from "../rules/jobs.js";
import type { Services } from "../services.js";
import type { ResourceRecords } from "../store/records.js";

type JobRecord = ResourceRecords["job"];

/** The job's status at `nowMs`: pending/processing follow the clock; final states are stored. */
export function jobStatusNow(job: JobRecord, nowMs: number) {
  if (job.status === "completed" || job.status === "failed") return job.status;
  const schedule = { processingAfterMs: job.processing_after_ms, doneAfterMs: job.done_after_ms };
  return jobStatusAt(job.accepted_at_ms, schedule, job.will_fail, nowMs);
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
    const status = jobStatusNow(job, now);
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
