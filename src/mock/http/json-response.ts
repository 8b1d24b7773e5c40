/**
 * Builds a response from a plain header record. Under the Node adapter `Response` is a lightweight object that
 * writes plain headers straight to the socket; Hono's own helpers go through undici `Headers`, which is slow.
 * An explicit Content-Length lets Node send headers and body in one write instead of chunked pieces.
 */

/** A JSON response (or an empty one when `body` is undefined) with the given headers. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  if (body === undefined) return new Response(null, { status, headers });
  const text = JSON.stringify(body);
  return new Response(text, {
    status,
    headers: {
      ...headers,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
    },
  });
}
