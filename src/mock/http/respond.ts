/**
 * Stage 6, respond: a handler's result as the answer (JSON, with the admission's CORS and rate-limit headers), and
 * any error as the API's envelope. A `MaskoError` keeps its status; the store being unreachable is 503; anything
 * else is reported and answered 500 — never a crash, never a stack trace.
 */

import { internalError, MaskoError, storeUnavailable } from "../primitives/masko-error.js";
import type { OperationResult } from "../services.js";
import { StoreUnavailableError } from "../store/store-unavailable-error.js";
import { type ApiResponse, jsonAnswer } from "./exchange.js";
import type { Admission } from "./gate.js";
import type { RateLimitHeaderWriter } from "./rate-limit-headers.js";

/** The error as a known `MaskoError`; unexpected ones go to `onError` and become a 500. */
export function asMaskoError(error: unknown, onError?: (error: unknown) => void): MaskoError {
  if (error instanceof MaskoError) return error;
  if (error instanceof StoreUnavailableError) return storeUnavailable();
  onError?.(error);
  return internalError();
}

/**
 * The one place an error becomes the API's envelope: its status, the `{ "error": … }` body (or the credits page's
 * flat 402 body), `headers` then the error's own headers then `after`. Unexpected errors go to `onError`, answered 500.
 */
export function errorAnswer(
  error: unknown,
  headers: Record<string, string>,
  options: { after?: Record<string, string>; onError?: (error: unknown) => void; flat402?: boolean } = {},
): ApiResponse {
  const known = asMaskoError(error, options.onError);
  const body = options.flat402 && known.status === 402 ? flatInsufficientCredits(known) : known.body();
  return jsonAnswer(known.status, body, { ...headers, ...known.headers, ...options.after });
}

/** The answer to a request the gate admitted. */
export function success(result: OperationResult, admission: Admission): ApiResponse {
  return jsonAnswer(result.status, result.body, admission.headers);
}

/**
 * The envelope of `error` with the admission's headers. Without a limiter decision, or when the store failed (503),
 * the rate-limit headers say "nothing left, try in a second".
 */
export function failure(
  error: unknown,
  admission: Admission,
  nowMs: number,
  limitHeaders: RateLimitHeaderWriter,
  flat402: boolean,
  onError?: (error: unknown) => void,
): ApiResponse {
  const known = asMaskoError(error, onError);
  const limits =
    admission.decision && known.status !== 503
      ? limitHeaders.write(admission.decision)
      : limitHeaders.exhausted(nowMs);
  return errorAnswer(known, admission.headers, { after: limits, flat402 });
}

/** The credits page's 402 body (behaviour `insufficient-credits-body=flat`): `{error, required, available}`. */
function flatInsufficientCredits(answer: MaskoError) {
  return { error: "Insufficient credits", required: answer.extra.required, available: answer.extra.balance };
}
