/**
 * Stage 4, validate: everything the spec says about one operation's request, checked before its handler runs —
 * path and query parameters (coerced, defaults applied), content type (415), size (413), JSON syntax and the
 * body's schema (400 naming the field). Compiled once per operation at start-up.
 */
import type { SpecValidator } from "../../contract/spec-validator.js";
import { policies } from "../../policy/policies.js";
import type { Eventually } from "../primitives/eventually.js";
import type { ApiRequest } from "./exchange.js";
import { validateBatchBody, validateGenerateBody } from "./generate-body.js";
import { readBody } from "./read-body.js";
import { compileParams, validateBody } from "./request-validation.js";

/** A request's input as the handler receives it. */
export interface CheckedInput {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** Checks one request of an operation, given the path parameters the route found (at once when it has no body). */
export type RequestCheck = (
  request: ApiRequest,
  pathParams: Record<string, string>,
) => Eventually<CheckedInput>;

/** Operations whose JSON body is checked branch by branch, for messages that name the field. */
const BODY_CHECKS: Record<string, (validator: SpecValidator, body: unknown) => void> = {
  generate: validateGenerateBody,
  generateBatch: validateBatchBody,
};

/** The body limits of `x-masko-request-limits`, by media type. */
const SIZE_LIMITS = {
  "application/json": policies.requestLimits.jsonBodyBytes,
  "multipart/form-data": policies.requestLimits.uploadBytes,
};

/** The request check of `op`, resolved from the spec once. */
export function compileRequestCheck(
  validator: SpecValidator,
  op: { method: string; pathTemplate: string; operationId: string; operation: Record<string, unknown> },
): RequestCheck {
  const checkParams = compileParams(validator, op.pathTemplate, op.operation);
  const requestBody = validator.resolve(op.operation.requestBody);
  const mediaTypes = Object.keys((requestBody?.content ?? {}) as Record<string, unknown>);
  const bodyOptional = requestBody?.required !== true;
  const pointer = mediaTypes.includes("application/json")
    ? validator.requestSchemaPointer({ ...op, pathParams: {} }, "application/json")
    : undefined;
  const checkJson =
    BODY_CHECKS[op.operationId] ??
    (pointer ? (v: SpecValidator, body: unknown) => validateBody(v, pointer, body) : undefined);
  return (request, pathParams) => {
    const params = checkParams(pathParams, request.query ? new URLSearchParams(request.query) : undefined);
    if (mediaTypes.length === 0) return { path: params.path, query: params.query, body: undefined };
    return readBody(request, mediaTypes, SIZE_LIMITS, bodyOptional).then((read) => {
      if (read.mediaType === "application/json") checkJson?.(validator, read.value);
      return { path: params.path, query: params.query, body: read.value };
    });
  };
}
