/** Reading a request body: content type (415), size (413), JSON syntax (400) — before any schema check. */
import { badRequest, payloadTooLarge, unsupportedMediaType } from "../primitives/masko-error.js";
import type { ApiRequest } from "./exchange.js";
import { illFormedAt, MAX_JSON_DEPTH, nestsDeeperThan } from "./well-formed.js";

/** A body read from the wire: parsed JSON, or the `file` part of a multipart form. */
export type ReadBody =
  | { mediaType: "none"; value: undefined }
  | { mediaType: "application/json"; value: unknown }
  | { mediaType: "multipart/form-data"; value: File };

/**
 * Reads the body of `request` as one of `accepted` media types, enforcing `maxBytes` per media type. When the body
 * is `optional` (the operation's requestBody is not required), an empty one reads as none.
 */
export async function readBody(
  request: ApiRequest,
  accepted: readonly string[],
  maxBytes: Record<string, number>,
  optional = false,
): Promise<ReadBody> {
  const contentType = request.header("content-type") ?? "";
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const limit = maxBytes[mediaType] ?? maxBytes["application/json"] ?? 0;
  const declared = Number(request.header("content-length") ?? Number.NaN);
  if (!mediaType) {
    if (declared === 0 || !request.body.present) {
      if (optional) return { mediaType: "none", value: undefined };
      throw badRequest("a request body is required");
    }
    throw unsupportedMediaType(accepted);
  }
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(accepted);
  if (declared > limit) throw payloadTooLarge(limit);
  const bytes = await request.body.read(limit);
  if (mediaType === "application/json") {
    if (bytes.byteLength === 0) {
      if (optional) return { mediaType: "none", value: undefined };
      throw badRequest("a request body is required");
    }
    const text = new TextDecoder().decode(bytes);
    if (nestsDeeperThan(text)) throw badRequest(`must not nest deeper than ${MAX_JSON_DEPTH} levels`, "body");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest("the body is not valid JSON");
    }
    const illFormed = illFormedAt(value);
    if (illFormed) throw badRequest("must be well-formed Unicode (it holds a lone surrogate)", illFormed);
    return { mediaType, value };
  }
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": contentType },
    }).formData();
  } catch {
    throw badRequest("the body is not valid multipart/form-data");
  }
  const file = form.get("file");
  if (!(file instanceof File)) throw badRequest("is required", "file");
  return { mediaType: "multipart/form-data", value: file };
}
