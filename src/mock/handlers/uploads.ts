/** Uploads: an image by URL (JSON) or as a multipart file. */

import { badRequest, unsupportedMediaType } from "../primitives/masko-error.js";
import { type Caller, isoNow, type OperationHandler, type Services } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { present } from "./access.js";

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
};

async function storeUpload(services: Services, caller: Caller, contentType: string) {
  const id = services.newId();
  const ext = Object.entries(IMAGE_TYPES).find(([, type]) => type === contentType)?.[0] ?? "png";
  const asset: ResourceRecords["asset"] = {
    id,
    type: "upload",
    status: "ready",
    url: services.assets.urlOf(`${caller.workspace.id.slice(0, 8)}/uploads/${id.slice(0, 8)}.${ext}`),
    content_type: contentType as ResourceRecords["asset"]["content_type"],
    item_id: null,
    collection_id: null,
    created_at: isoNow(services),
    workspace_id: caller.workspace.id,
  };
  await services.store.putResource({ kind: "asset", record: asset });
  return asset;
}

/**
 * Imports a public image URL as an asset. The simulator has no network: the extension decides the type, and an
 * address without a known image extension is taken as PNG.
 */
export async function importFromUrl(services: Services, caller: Caller, url: string) {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !["http:", "https:"].includes(parsed.protocol))
    throw badRequest("must be an http(s) URL", "url");
  const ext = parsed.pathname.split(".").pop()?.toLowerCase() ?? "";
  return storeUpload(services, caller, IMAGE_TYPES[ext] ?? "image/png");
}

function presentUpload(asset: ResourceRecords["asset"]) {
  const { id, url, content_type, created_at } = present(asset);
  return { asset_id: id, url, content_type, created_at };
}

export const uploadImage: OperationHandler<"uploadImage"> = async ({ caller, services, body }) => {
  if (body instanceof File) {
    const type = body.type.split(";")[0]?.trim() ?? "";
    if (!Object.values(IMAGE_TYPES).includes(type)) throw unsupportedMediaType(Object.values(IMAGE_TYPES));
    if (body.size === 0) throw badRequest("must not be empty", "file");
    return { status: 201, body: { data: presentUpload(await storeUpload(services, caller, type)) } };
  }
  const asset = await importFromUrl(services, caller, body.url);
  return { status: 201, body: { data: presentUpload(asset) } };
};
