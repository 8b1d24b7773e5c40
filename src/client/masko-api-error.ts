/** The one error the client throws for a response that is not 2xx. */
import type { components } from "../generated/masko-api.js";
import type { RateLimitState } from "./rate-limit-state.js";

/** An error code from the spec, or `unknown` when the body was not the API's error envelope. */
export type MaskoErrorCode = components["schemas"]["ErrorCode"] | "unknown";

/** A failed API call: HTTP status, the envelope's code and message, and 402's `required`/`balance`. */
export class MaskoApiError extends Error {
  override readonly name = "MaskoApiError";
  readonly status: number;
  readonly code: MaskoErrorCode;
  /** Credits the request needed (402 only). */
  readonly required: number | undefined;
  /** Credits the workspace held (402 only). */
  readonly balance: number | undefined;
  /** The field a 400 names, when the server says which. */
  readonly field: string | undefined;
  /** Seconds the server asked to wait (429 only). */
  readonly retryAfterSeconds: number | undefined;
  /** The rate-limit headers of this response. */
  readonly rateLimit: RateLimitState | undefined;

  constructor(init: {
    status: number;
    code: MaskoErrorCode;
    message: string;
    required?: number | undefined;
    balance?: number | undefined;
    field?: string | undefined;
    retryAfterSeconds?: number | undefined;
    rateLimit?: RateLimitState | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.required = init.required;
    this.balance = init.balance;
    this.field = init.field;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.rateLimit = init.rateLimit;
  }
}

function integer(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** Builds a MaskoApiError from a failed response without consuming the caller's body. */
export async function errorFromResponse(
  response: Response,
  rateLimit: RateLimitState | undefined,
): Promise<MaskoApiError> {
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    body = undefined;
  }
  const envelope =
    typeof body === "object" && body !== null && "error" in body
      ? (body as { error: unknown }).error
      : undefined;
  // The credits page shows a flat 402 body (`error` a string, `required`, `available`): read it the same way.
  const flat = typeof envelope === "string" ? (body as Record<string, unknown>) : undefined;
  const detail: Record<string, unknown> = flat
    ? {
        code: response.status === 402 ? "insufficient_credits" : undefined,
        message: envelope,
        required: flat.required,
        balance: flat.available,
      }
    : typeof envelope === "object" && envelope !== null
      ? (envelope as Record<string, unknown>)
      : {};
  const code = typeof detail.code === "string" ? (detail.code as MaskoErrorCode) : "unknown";
  const message =
    typeof detail.message === "string"
      ? detail.message
      : `Masko API answered ${response.status} ${response.statusText}`.trim();
  const retryAfter = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
  return new MaskoApiError({
    status: response.status,
    code,
    message,
    required: integer(detail.required),
    balance: integer(detail.balance),
    field: typeof detail.field === "string" ? detail.field : undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
    rateLimit,
  });
}
