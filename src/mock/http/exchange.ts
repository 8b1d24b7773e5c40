/**
 * The records the pipeline works on, whatever the transport: a minimal request in, a status/headers/body record
 * out. The Node adapter (../transport/node-server.ts) builds them straight from node:http without a fetch `Request` or
 * `Response`; `fromFetch` / `toFetch` serve MSW, tests and any fetch-standard host.
 */
import { payloadTooLarge } from "../primitives/masko-error.js";
import { byteLength } from "../primitives/platform.js";

/** One request as the pipeline reads it. */
export interface ApiRequest {
  /** Upper-case method. */
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The query string without `?` ("" when there is none). */
  readonly query: string;
  /** A header by its lower-case name. */
  header(name: string): string | undefined;
  /** The client's address (the rate limit's identity for requests without a valid key). */
  readonly address: string | undefined;
  /** Whether a body was sent, and reading it up to a limit (413 beyond). */
  readonly body: { readonly present: boolean; read(limit: number): Promise<Uint8Array> };
  /** Aborted when the client goes away; made on first use (it is costly on the hot path). */
  signal(): AbortSignal;
}

/** One answer: written by the Node adapter with one `writeHead` and one `end`. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, media bytes (the asset server), or nothing (204, 304, preflights). */
  body?: string | Uint8Array;
}

/** `body` as JSON (or an empty answer when it is undefined), its content headers added to `headers`. */
export function jsonAnswer(status: number, body: unknown, headers: Record<string, string>): ApiResponse {
  if (body === undefined) return { status, headers };
  const text = JSON.stringify(body);
  headers["Content-Type"] = "application/json";
  headers["Content-Length"] = String(byteLength(text));
  return { status, headers, body: text };
}

/** Joins chunks read under a byte limit; throws 413 as soon as the limit is passed. */
async function readLimited(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) throw payloadTooLarge(limit);
    parts.push(chunk);
  }
  return joinChunks(parts, size);
}

/** `parts` (of `size` bytes in all) as one array. */
export function joinChunks(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** A path with `.` and `..` segments resolved, as a URL parser would. */
export function normalisedPath(path: string): string {
  return path.includes("/.") ? new URL(path, "http://simulator.invalid").pathname : path;
}

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The pipeline's record of a fetch `Request`; `address` is the client's, when the host knows it. */
export function fromFetch(request: Request, address?: string): ApiRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    query: url.search.slice(1),
    header: (name) => request.headers.get(name) ?? undefined,
    address,
    body: {
      present: request.body !== null,
      read: (limit) =>
        request.body ? readLimited(chunksOf(request.body), limit) : Promise.resolve(new Uint8Array()),
    },
    signal: () => request.signal,
  };
}

/** A fetch `Response` of the pipeline's answer (no body for HEAD). */
export function toFetch(response: ApiResponse, method: string): Response {
  const raw = method === "HEAD" ? undefined : response.body;
  // A byte body is copied into its own buffer (the Response owns it; an asset's bytes are shared).
  const body = raw instanceof Uint8Array ? raw.slice() : (raw ?? null);
  return new Response(body, { status: response.status, headers: response.headers });
}
