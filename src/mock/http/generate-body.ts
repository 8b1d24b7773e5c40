/**
 * Validation of generation bodies with messages that name the field. The spec's `oneOf` is resolved first by
 * `type` and, for animations, by which source fields are present, so the errors come from the one branch that
 * was meant instead of from every branch at once.
 */
import type { SpecValidator } from "../../contract/spec-validator.js";
import { badRequest } from "../primitives/masko-error.js";
import { animationForm } from "../rules/credit-cost.js";
import { throwFirst } from "./request-validation.js";

/** A Map, not an object: a `type` such as `toString` or `__proto__` must find nothing (no inherited names). */
const BY_TYPE = new Map<unknown, string>([
  ["image", "GenerateImageBody"],
  ["logo", "GenerateLogoBody"],
  ["edit", "GenerateEditBody"],
]);
const BY_FORM = {
  from_scratch: "GenerateAnimationFromScratchBody",
  from_image: "GenerateAnimationFromImageBody",
  transition: "GenerateTransitionBody",
} as const;

/** Validates one generate body; `prefix` names its place in a batch (`requests[3]`). */
export function validateGenerateBody(validator: SpecValidator, body: unknown, prefix = ""): void {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badRequest("must be an object", prefix || "body");
  const fields = body as Record<string, unknown>;
  if (fields.type === undefined) throw badRequest("is required", at("type"));
  const schema = fields.type === "animation" ? BY_FORM[animationForm(fields)] : BY_TYPE.get(fields.type);
  if (!schema) throw badRequest("must be one of image, animation, logo, edit", at("type"));
  const errors = validator.errorsAt(`#/components/schemas/${schema}`, body);
  if (errors.length > 0) throwFirst(errors, prefix);
}

/** Validates a batch body: 1–10 requests, each a valid generate body. */
export function validateBatchBody(validator: SpecValidator, body: unknown): void {
  const schema = validator.resolve(
    (
      validator.resolve(validator.spec.components as Record<string, unknown>) as Record<
        string,
        Record<string, unknown>
      >
    ).schemas?.GenerateBatchBody,
  ) as { properties: { requests: { minItems: number; maxItems: number } } };
  const { minItems, maxItems } = schema.properties.requests;
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badRequest("must be an object", "body");
  const extra = Object.keys(body).find((k) => k !== "requests");
  if (extra) throw badRequest("is not allowed", extra);
  const requests = (body as { requests?: unknown }).requests;
  if (!Array.isArray(requests)) throw badRequest("must be an array", "requests");
  if (requests.length < minItems || requests.length > maxItems) {
    throw badRequest(`must hold ${minItems} to ${maxItems} requests`, "requests");
  }
  for (const [i, request] of requests.entries()) validateGenerateBody(validator, request, `requests[${i}]`);
}
