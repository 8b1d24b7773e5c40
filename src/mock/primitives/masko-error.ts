/** The simulator's one error type, and the one place that turns it into the API's error envelope. */
import type { components } from "../../generated/masko-api.js";

/** Codes of the spec, plus the simulator's own 405, 416 (its asset server) and 503 (not Masko API operations). */
export type ErrorCode =
  | components["schemas"]["ErrorCode"]
  | "method_not_allowed"
  | "range_not_satisfiable"
  | "service_unavailable";

/** An error response waiting to be sent: status, code, message and extra `error` fields. */
export class MaskoError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The `{ "error": {...} }` body. */
  body(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

/** 400: names the field when there is one. */
export const badRequest = (message: string, field?: string) =>
  new MaskoError(400, "bad_request", field ? `${field}: ${message}` : message, field ? { field } : {});
/** 401: the same answer for missing, malformed, unknown and revoked keys. */
export const unauthorized = () =>
  new MaskoError(401, "unauthorized", "Missing or invalid API key.", {}, { "WWW-Authenticate": "Bearer" });
/** 402 with what the request costs and what the workspace has. */
export const insufficientCredits = (required: number, balance: number) =>
  new MaskoError(
    402,
    "insufficient_credits",
    `Not enough credits. Required: ${required}, balance: ${balance}.`,
    {
      required,
      balance,
    },
  );
/** 400 naming a setting (a behaviour, a flag): the message as given, the field beside it. */
export const badSetting = (message: string, field: string) =>
  new MaskoError(400, "bad_request", message, { field });
/** 431: the request's header fields are too large to parse. */
export const headersTooLarge = () => new MaskoError(431, "bad_request", "Request header fields too large.");
/** 401 of the control API: its admin token is missing or wrong. */
export const adminTokenRequired = () =>
  new MaskoError(401, "unauthorized", "Missing or wrong X-Mock-Admin-Token.");
/** 404: no route at all for this method and path. */
export const routeNotFound = (method: string, path: string) =>
  new MaskoError(404, "not_found", `No route for ${method} ${path}.`);
/** 405 with the methods the path allows. */
export const methodNotAllowed = (method: string, allowed: readonly string[], where = "here") =>
  new MaskoError(
    405,
    "method_not_allowed",
    `${method} is not allowed ${where}.`,
    {},
    { Allow: allowed.join(", ") },
  );
/** 416: the byte range lies outside the file (its size in Content-Range). */
export const rangeNotSatisfiable = (range: string, size: number) =>
  new MaskoError(
    416,
    "range_not_satisfiable",
    `Range ${range} is outside the ${size} bytes.`,
    {},
    { "Content-Range": `bytes */${size}` },
  );
/** 429: a limit refused the request; `retryAfterSeconds` goes into Retry-After when the caller sets it here. */
export const rateLimited = (
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => new MaskoError(429, "rate_limited", message, extra, headers);
/** 403. */
export const forbidden = (message = "This resource belongs to another workspace.") =>
  new MaskoError(403, "forbidden", message);
/** 404 for a resource kind. */
export const notFound = (what: string) => new MaskoError(404, "not_found", `${what} not found.`);
/** 409. */
export const conflict = (message: string) => new MaskoError(409, "conflict", message);
/** 413. */
export const payloadTooLarge = (limit: number) =>
  new MaskoError(413, "payload_too_large", `Request body exceeds ${limit} bytes.`);
/** 415. */
export const unsupportedMediaType = (accepted: readonly string[]) =>
  new MaskoError(415, "unsupported_media_type", `Content-Type must be ${accepted.join(" or ")}.`);
/** 503: the shared store (Redis) is unreachable; nothing was written. */
export const storeUnavailable = () =>
  new MaskoError(
    503,
    "service_unavailable",
    "The simulator's store is unavailable. Retry shortly.",
    {},
    { "Retry-After": "1" },
  );
/** 500. */
export const internalError = (message = "An unexpected error occurred. Please retry.") =>
  new MaskoError(500, "internal_error", message);
/** 401 of a sandbox's control routes: no `X-Mock-Sandbox-Token` (nor the admin token) came with the call. */
export const sandboxTokenRequired = () =>
  new MaskoError(401, "unauthorized", "Missing X-Mock-Sandbox-Token (or X-Mock-Admin-Token).");
/** 404 for a sandbox that does not exist or that the token given does not control (the same answer for both). */
export const sandboxNotFound = () =>
  new MaskoError(404, "not_found", "Sandbox not found (or the token given does not control it).");
