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
