/**
 * Planning generation work: the item, asset and job records one job writes, and committing a set of planned jobs
 * with their charge in one atomic step. Shared by the generate, preview and canvas operations.
 */
import type { components } from "../../generated/masko-api.js";
import { conflict, insufficientCredits } from "../primitives/masko-error.js";
import type { AnimationForm } from "../rules/credit-cost.js";
import { ASSET_FORMATS, assetTypesFor, jobSchedule } from "../rules/jobs.js";
import { type Caller, isoNow, type Services } from "../services.js";
import type { ResourceRecords, ResourceWrite } from "../store/records.js";

type JobType = components["schemas"]["JobType"];
type Collection = ResourceRecords["collection"];
type Item = ResourceRecords["item"];
type AssetUrls = components["schemas"]["AssetUrls"];

/** One planned job: its id, its assets and every record it writes. */
export interface PlannedJob {
  jobId: string;
  assetIds: Record<string, string>;
  urls: Record<string, string>;
  sizeUrls: Record<string, AssetUrls>;
  writes: ResourceWrite[];
}

/** What one job makes. `item` is null for a preview, whose assets belong to no item. */
export interface JobSpec {
  collection: Collection;
  item: Item | null;
  type: JobType;
  form: AnimationForm | null;
  duration: number;
  cost: number;
  sizes?: readonly number[];
}

/** A URL-safe slug of a name. */
export function slugOf(name: string, fallback: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || fallback
  );
}

/** A URL with `-{size}` before its extension: the CDN's size-variant form. */
export function sizeVariantUrl(url: string, size: number): string {
  return url.replace(/(\.[a-z0-9]+)$/, `-${size}$1`);
}

/** A new item of a collection (not yet written). */
export function newItem(
  services: Services,
  caller: Caller,
  collection: Collection,
  name: string,
  type: Item["type"],
): Item {
  const iso = isoNow(services);
  return {
    id: services.newId(),
    collection_id: collection.id,
    name,
    type,
    asset_ids: {},
    created_at: iso,
    updated_at: iso,
    workspace_id: caller.workspace.id,
  };
}

/** The pending asset, job and item records of one job. */
export function planJob(services: Services, caller: Caller, spec: JobSpec): PlannedJob {
  const { collection, item } = spec;
  const now = services.clock.now();
  const iso = new Date(now).toISOString();
  const jobId = services.newId();
  const assetIds: Record<string, string> = {};
  const urls: Record<string, string> = {};
  const writes: ResourceWrite[] = [];
  const slug = slugOf(item?.name ?? "preview", "item");
  for (const type of assetTypesFor(spec.type, spec.form ?? undefined)) {
    const id = services.newId();
    const { ext, contentType } = ASSET_FORMATS[type];
    const url = services.assets.urlOf(
      `${collection.user_prefix}/${collection.slug}/${slug}-${id.slice(0, 8)}.${ext}`,
    );
    assetIds[type] = id;
    urls[type] = url;
    writes.push({
      kind: "asset",
      record: {
        id,
        type,
        status: "pending",
        url,
        content_type: contentType as ResourceRecords["asset"]["content_type"],
        item_id: item?.id ?? null,
        collection_id: collection.id,
        created_at: iso,
        workspace_id: caller.workspace.id,
      },
    });
  }
  const sizeUrls: Record<string, AssetUrls> = {};
  for (const size of spec.sizes ?? []) {
    sizeUrls[String(size)] = Object.fromEntries(
      Object.entries(urls).map(([type, url]) => [type, sizeVariantUrl(url, size)]),
    );
  }
  const schedule = jobSchedule(spec.type, spec.duration);
  writes.push({
    kind: "job",
    record: {
      id: jobId,
      status: "pending",
      type: spec.type,
      collection_id: collection.id,
      item_id: item?.id ?? null,
      item_name: item?.name ?? null,
      cost_credits: spec.cost,
      asset_ids: assetIds,
      urls,
      error: null,
      // The older jobs page's `output_data`: the item and, for an animation, its duration.
      output_data: {
        ...(item ? { item_id: item.id } : {}),
        ...(spec.type === "animation" ? { duration: spec.duration } : {}),
      },
      created_at: iso,
      updated_at: iso,
      completed_at: null,
      workspace_id: caller.workspace.id,
      accepted_at_ms: now,
      processing_after_ms: schedule.processingAfterMs,
      done_after_ms: schedule.doneAfterMs,
      will_fail: false,
      form: spec.form,
    },
  });
  if (item) writes.push({ kind: "item", record: { ...item, asset_ids: assetIds, updated_at: iso } });
  return { jobId, assetIds, urls, sizeUrls, writes };
}

/** Work to commit: the records it writes and, when it was planned from stored records, those records as read. */
export interface PlannedWork {
  writes: ResourceWrite[];
  /** The records the plan was made from (as read): the charge applies only while each is stored unchanged. */
  basis?: ResourceWrite[];
}

/** How many times a plan is made again when a record it was made from changed under it. */
const PLAN_ATTEMPTS = 8;

/**
 * Runs `planAll`, marks as many of the planned jobs as there are queued injected failures as failing (taken from
 * the store atomically, so a failure set on one instance is used once across all), then charges `cost(plans)` and
 * writes every record in one atomic step (402 and nothing written when the balance is short: the failures go back
 * to the queue) and schedules the jobs. The charge is conditional on the plans' basis: when a concurrent request
 * changed a record they were made from, nothing is charged and `planAll` runs again on what is stored now, so
 * concurrent requests charge as they would one after another (409 if the records keep changing).
 */
export async function commitPlanned<T extends PlannedWork>(
  services: Services,
  caller: Caller,
  planAll: () => Promise<T[]>,
  cost: (plans: T[]) => number,
): Promise<{ plans: T[]; total: number }> {
  for (let attempt = 1; ; attempt++) {
    const plans = await planAll();
    const total = cost(plans);
    const writes = plans.flatMap((p) => p.writes);
    if (writes.length === 0) return { plans, total };
    const jobs = writes.flatMap((w) => (w.kind === "job" ? [w.record] : []));
    const failing = caller.faults.failNextJobs > 0 ? await services.store.takeJobFailures(jobs.length) : 0;
    for (const job of jobs.slice(0, failing)) job.will_fail = true;
    const basis = plans.flatMap((p) => p.basis ?? []);
    const result = await services.store.chargeAndWrite(caller.workspace.id, total, writes, basis);
    if (result.ok) {
      for (const job of jobs) services.scheduler.soon(job.done_after_ms + 20);
      return { plans, total };
    }
    if (failing > 0) await services.store.returnJobFailures(failing);
    if (!("changed" in result)) throw insufficientCredits(total, result.balance);
    if (attempt === PLAN_ATTEMPTS) {
      throw conflict(
        "Concurrent requests kept changing what this one depends on; nothing was charged. Retry.",
      );
    }
  }
}
