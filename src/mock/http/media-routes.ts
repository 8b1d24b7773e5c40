/**
 * The simulator's asset server: `GET`/`HEAD {base}/{user_prefix}/{collection_slug}/{file}` serves an asset's
 * media (media/asset-media.ts) the way a CDN does, for `<img>`, `<video>` and `fetch` on any origin: Content-Type,
 * Content-Length, a strong ETag (304 on `If-None-Match`), Cache-Control, byte ranges (206, 416; `If-Range`), and
 * CORS. Pending assets are revalidated on every use (`no-cache`); ready ones are cacheable. Not the API: no key, no
 * rate limit; instead at most 8 asset requests start per event-loop turn, round-robin by address (turn-share.ts), and
 * cards are drawn off the request path (media/card-renderer.ts), so keyless clients cannot crowd out the API.
 * Unknown paths answer 404 in the API's error envelope.
 */
import parseRange from "range-parser";
import { type AssetMedia, assetMedia } from "../media/asset-media.js";
import type { CardSpec } from "../media/card.js";
import { type CardRenderer, createCardRenderer } from "../media/card-renderer.js";
import {
  type MaskoError,
  methodNotAllowed,
  notFound,
  rangeNotSatisfiable,
} from "../primitives/masko-error.js";
import { sha256Hex } from "../primitives/platform.js";
import type { Services } from "../services.js";
import { createCors } from "./cors.js";
import type { ApiRequest, ApiResponse } from "./exchange.js";
import { errorAnswer } from "./respond.js";
import { createTurnShare } from "./turn-share.js";

const EXPOSED = ["Content-Length", "Content-Range", "Accept-Ranges", "ETag", "X-Masko-Asset-Status"];
const ALLOW = { methods: "GET, HEAD, OPTIONS", headers: "Range, If-None-Match, If-Range" };
/** Asset requests started per event-loop turn (the rest wait their turn, round-robin by address). */
const ASSET_REQUESTS_PER_TURN = 8;
/** How long a ready asset may be reused without asking again. */
const READY_CACHE_CONTROL = "public, max-age=300";

/**
 * The byte ranges of a `Range` header (RFC 9110 14.1.2): a suffix longer than the file is the whole file, and a
 * range whose last byte comes before its first is invalid, so the header is ignored (-2), as is any malformed one.
 */
function rangesOf(size: number, range: string): ReturnType<typeof parseRange> {
  const suffix = /^bytes=-(\d+)$/.exec(range);
  if (suffix && Number(suffix[1]) > size) return parseRange(size, `bytes=0-${Math.max(0, size - 1)}`);
  const bounded = /^bytes=(\d+)-(\d+)$/.exec(range);
  if (bounded && Number(bounded[2]) < Number(bounded[1])) return -2;
  return parseRange(size, range);
}

/**
 * An asset's bytes as a CDN answers: 304 when `If-None-Match` matches, 206 for one satisfiable byte range (`If-Range`
 * honoured), 416 for one outside the file, else 200 with all of it.
 */
function serveBytes(
  request: ApiRequest,
  media: AssetMedia,
  etag: string,
  corsHeaders: Record<string, string>,
  error: (e: MaskoError) => ApiResponse,
): ApiResponse {
  const { bytes } = media;
  const headers: Record<string, string> = {
    ...corsHeaders,
    "Content-Type": media.contentType,
    ETag: etag,
    "Cache-Control": media.status === "ready" ? READY_CACHE_CONTROL : "no-cache",
    "Accept-Ranges": "bytes",
    "X-Masko-Asset-Status": media.status,
  };
  // If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
  const ifNoneMatch = request.header("if-none-match");
  const weak = (tag: string) => tag.trim().replace(/^W\//, "");
  if (ifNoneMatch && (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => weak(t) === etag))) {
    return { status: 304, headers };
  }
  const range = request.header("range");
  const ifRange = request.header("if-range");
  const ranges =
    range && (!ifRange || ifRange === etag) ? rangesOf(bytes.byteLength, range.trim()) : undefined;
  if (ranges === -1) return error(rangeNotSatisfiable(range ?? "", bytes.byteLength));
  // A malformed Range (-2) or several ranges are ignored: the whole file, as RFC 9110 allows.
  if (Array.isArray(ranges) && ranges.length === 1 && ranges.type === "bytes") {
    const { start, end } = ranges[0] as { start: number; end: number };
    headers["Content-Range"] = `bytes ${start}-${end}/${bytes.byteLength}`;
    headers["Content-Length"] = String(end - start + 1);
    return { status: 206, headers, body: bytes.subarray(start, end + 1) };
  }
  headers["Content-Length"] = String(bytes.byteLength);
  return { status: 200, headers, body: bytes };
}

/** Draws a card, loading the drawing code (and its PNG encoder) on the first one: a start needs none of it. */
async function drawCardLater(spec: CardSpec): Promise<Uint8Array> {
  return (await import("../media/card.js")).drawCard(spec);
}

/** The asset server of one simulator; `answer` takes the CDN path (what follows the assets base). */
/** The default card renderer (one may serve several tenants: the cards it caches depend on the asset alone). */
export const defaultCardRenderer = (): CardRenderer => createCardRenderer({ draw: drawCardLater });

export function mediaRoutes(
  services: Services,
  corsOrigin: string,
  onError?: (error: unknown) => void,
  cards: CardRenderer = defaultCardRenderer(),
) {
  const cors = createCors(corsOrigin, EXPOSED, ALLOW);
  const share = createTurnShare(ASSET_REQUESTS_PER_TURN);
  const error = (e: unknown) => errorAnswer(e, cors.headers(), { onError });
  const etags = new WeakMap<Uint8Array, string>();
  const etagOf = async (bytes: Uint8Array) => {
    let etag = etags.get(bytes);
    if (!etag) {
      etag = `"${(await sha256Hex(bytes)).slice(0, 32)}"`;
      etags.set(bytes, etag);
    }
    return etag;
  };

  const serve = async (request: ApiRequest, media: AssetMedia) =>
    serveBytes(request, media, await etagOf(media.bytes), cors.headers(), error);

  return {
    async answer(request: ApiRequest, path: string): Promise<ApiResponse> {
      if (request.method === "OPTIONS") return cors.preflight();
      if (request.method !== "GET" && request.method !== "HEAD") {
        return error(methodNotAllowed(request.method, ["GET", "HEAD", "OPTIONS"], "on an asset"));
      }
      const turn = share.wait(request.address ?? "");
      if (turn) await turn;
      let media: AssetMedia | undefined;
      try {
        media = await assetMedia(services, decodeURIComponent(path), cards, request.address ?? "");
      } catch (e) {
        // A malformed escape is no asset; a full render queue is its 429; the store being away is 503; anything
        // else is reported, 500.
        if (e instanceof URIError) return error(notFound("Asset"));
        return error(e);
      }
      if (!media) return error(notFound("Asset"));
      const answer = await serve(request, media);
      // HEAD: the headers GET would send, without the body.
      return request.method === "HEAD" ? { status: answer.status, headers: answer.headers } : answer;
    },
  };
}
