/** One call to the Masko API as the simulator and contract tests make it, and the answer as they read it. */

/** A response as the simulator and contract tests see it. */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
}

/** What a test may set on one call. */
export interface RequestOptions {
  /** The bearer key; null sends none (default: the caller's default key). */
  key?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  raw?: BodyInit;
  headers?: Record<string, string>;
}

/** The RequestInit of a call: bearer key, JSON (or raw) body, extra headers. */
export function requestInit(method: string, options: RequestOptions, defaultKey: string): RequestInit {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? defaultKey : options.key;
  if (key !== null) headers.authorization ??= `Bearer ${key}`;
  let body: BodyInit | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return { method, headers, ...(body !== undefined ? { body } : {}) };
}

/** Reads a response: the body as JSON when it parses, else as text, undefined when empty. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}
