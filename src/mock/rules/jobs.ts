/** The job rules: how a job moves through its states on the simulator clock, and what assets it makes. Pure. */
import type { components } from "../../generated/masko-api.js";
import type { AnimationForm } from "./credit-cost.js";

type JobStatus = components["schemas"]["JobStatus"];
type JobType = components["schemas"]["JobType"];
/** Asset types a job can produce. */
export type GeneratedAssetType = keyof components["schemas"]["AssetIds"];

/** When a job starts processing and when it ends, in simulated milliseconds after acceptance. */
export interface JobSchedule {
  readonly processingAfterMs: number;
  readonly doneAfterMs: number;
}

/** How long each kind of job takes on the simulator's clock. */
export function jobSchedule(type: JobType, durationSeconds = 0): JobSchedule {
  const video = 4000 + 1000 * durationSeconds;
  const doneAfterMs: Record<JobType, number> = {
    image: 3000,
    edit: 3000,
    logo: 4000,
    animation: video,
    reverse: video,
    item_generation: video,
    image_generation: 3000,
    size_variant: 2000,
    size_variant_batch: 2000,
    export_animation: video,
    scene_generation: 4000,
  };
  return { processingAfterMs: 1000, doneAfterMs: doneAfterMs[type] };
}

/** The status of a job accepted at `acceptedAtMs`, at `nowMs`. */
export function jobStatusAt(
  acceptedAtMs: number,
  schedule: JobSchedule,
  willFail: boolean,
  nowMs: number,
): JobStatus {
  const elapsed = nowMs - acceptedAtMs;
  if (elapsed >= schedule.doneAfterMs) return willFail ? "failed" : "completed";
  return elapsed >= schedule.processingAfterMs ? "processing" : "pending";
}

/** The asset types a generation produces. */
export function assetTypesFor(type: JobType, form: AnimationForm | undefined): GeneratedAssetType[] {
  if (
    type === "animation" ||
    type === "reverse" ||
    type === "item_generation" ||
    type === "export_animation"
  ) {
    return form === "from_scratch"
      ? ["image", "transparent_image", "video", "webm", "hevc"]
      : ["video", "webm", "hevc"];
  }
  return ["image", "transparent_image"];
}

/** File extension and content type of each generated asset type. */
export const ASSET_FORMATS: Record<GeneratedAssetType, { ext: string; contentType: string }> = {
  image: { ext: "png", contentType: "image/png" },
  transparent_image: { ext: "png", contentType: "image/png" },
  video: { ext: "mp4", contentType: "video/mp4" },
  webm: { ext: "webm", contentType: "video/webm" },
  hevc: { ext: "mov", contentType: "video/quicktime" },
  // Listed in the docs' asset table only; no generation here produces one.
  stacked_video: { ext: "mp4", contentType: "video/mp4" },
};
