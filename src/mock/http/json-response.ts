/**
 * Builds a response from a plain header record. Under the Node adapter `Response` is a lightweight object that
 * writes plain headers straight to the socket; Hono's own helpers go through undici `Headers`, which is slow.
 * An explicit Content-Length lets Node send headers and body in one write instead of chunked pieces.
 */

import { byteLength } from "../platform.js";

/**
 * A JSON response (or an empty one when `body` is undefined). `headers` is this response's own record (the
 * pipeline makes one per request), so the content headers are added to it in place.
 */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  if (body === undefined) return new Response(null, { status, headers });
  const text = JSON.stringify(body);
  headers["content-type"] = "application/json";
  headers["content-length"] = String(byteLength(text));
  return new Response(text, { status, headers });
}
