/**
 * What an asset's URL serves: the bytes and type of its media, found by the asset's CDN path. Image assets are
 * cards drawn for the asset (item and collection names); videos are the shipped sample clips; uploads serve a
 * sample picture of their type (the simulator keeps no uploaded bytes). An asset whose job has not completed serves
 * the "generating" placeholder of the same type, as the real CDN serves its branded placeholder until the file
 * replaces it; one whose job failed keeps the placeholder (docs/decisions.md).
 */
import { settleDueJobs } from "../jobs/job-settlement.js";
import { fromBase64 } from "../primitives/platform.js";
import { originalOfSizeVariant } from "../rules/cdn-path.js";
import type { Services } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import type { CardRenderer } from "./card-renderer.js";
import { CLIPS, UPLOAD_SAMPLES } from "./samples.generated.js";

type Asset = ResourceRecords["asset"];

/** One asset's media as served. */
export interface AssetMedia {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** The asset's status: anything but `ready` serves the placeholder. */
  readonly status: Asset["status"];
}

/** The asset at `path` (a size variant's path finds its original), its due job settled first. */
async function findAsset(services: Services, path: string): Promise<Asset | undefined> {
  const { store } = services;
  const original = originalOfSizeVariant(path);
  let asset =
    (await store.findAssetByPath(path)) ?? (original ? await store.findAssetByPath(original) : undefined);
  if (asset?.status === "pending") {
    await settleDueJobs(services, asset.workspace_id);
    asset = await store.getResource("asset", asset.id);
  }
  return asset;
}

const decoded = new Map<string, Uint8Array>();
/** A shipped sample's bytes, decoded once (the same array each time, so its ETag is computed once too). */
function sample(base64: string): Uint8Array {
  let bytes = decoded.get(base64);
  if (!bytes) {
    bytes = fromBase64(base64);
    decoded.set(base64, bytes);
  }
  return bytes;
}

/** The item's and the collection's names for an image card. */
async function namesOf(services: Services, asset: Asset): Promise<{ title: string; caption: string }> {
  const item = asset.item_id ? await services.store.getResource("item", asset.item_id) : undefined;
  const collection = asset.collection_id
    ? await services.store.getResource("collection", asset.collection_id)
    : undefined;
  return { title: item?.name ?? "preview", caption: collection?.name ?? "" };
}

/**
 * The media an asset URL's CDN path serves, or undefined when no asset lives there. Cards come from `cards`
 * (cached, drawn off the request path; `address` is whose queue a render waits in).
 */
export async function assetMedia(
  services: Services,
  path: string,
  cards: CardRenderer,
  address: string,
): Promise<AssetMedia | undefined> {
  const asset = await findAsset(services, path);
  if (!asset) return undefined;
  // Behaviour failed-asset=not-found: a failed job's URLs answer 404 instead of keeping the placeholder (D29).
  if (asset.status === "failed" && services.behaviour["failed-asset"] === "not-found") return undefined;
  const { status, content_type: contentType } = asset;
  const placeholder = status !== "ready";
  if (asset.type === "upload") {
    const picture = UPLOAD_SAMPLES[contentType];
    return picture ? { bytes: sample(picture), contentType, status } : undefined;
  }
  if (asset.type === "image" || asset.type === "transparent_image") {
    const names = await namesOf(services, asset);
    const transparent = asset.type === "transparent_image";
    const bytes = await cards.card(
      { ...names, transparent, placeholder, seed: asset.item_id ?? asset.id },
      address,
    );
    return { bytes, contentType, status };
  }
  const clips = placeholder ? CLIPS.placeholder : CLIPS.ready;
  const clip =
    asset.type === "video" || asset.type === "webm" || asset.type === "hevc" ? clips[asset.type] : undefined;
  return clip ? { bytes: sample(clip), contentType, status } : undefined;
}
