/**
 * Validates requests against the bundled spec: path and query parameters (coerced from strings by their schema)
 * and JSON bodies. The first problem becomes a 400 that names the field.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { SpecValidator } from "../../contract/spec-validator.js";
import { badRequest } from "../primitives/masko-error.js";

type Json = Record<string, unknown>;

/** `requests[0].name` from Ajv's instance path and params. */
function fieldOf(error: ErrorObject, prefix: string): string {
  const parts = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const extra = (error.params as Json).missingProperty ?? (error.params as Json).additionalProperty;
  if (typeof extra === "string") parts.push(extra);
  const path = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
  return prefix ? (path ? `${prefix}.${path}` : prefix) : path || "body";
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === "required") return "is required";
  if (error.keyword === "additionalProperties") return "is not allowed";
  if (error.keyword === "const") return `must be ${JSON.stringify((error.params as Json).allowedValue)}`;
  if (error.keyword === "enum")
    return `must be one of ${((error.params as Json).allowedValues as unknown[]).join(", ")}`;
  return error.message ?? "is invalid";
}

/** Throws a 400 for the first Ajv error, naming its field. */
export function throwFirst(errors: ErrorObject[], prefix = ""): never {
  // Prefer a concrete error over the combinator summaries (oneOf/anyOf) Ajv adds at the end.
  const concrete = errors.find((e) => !["oneOf", "anyOf", "allOf", "if"].includes(e.keyword)) ?? errors[0];
  if (!concrete) throw badRequest("is invalid", prefix || "body");
  throw badRequest(messageOf(concrete), fieldOf(concrete, prefix));
}

function coerce(raw: string, schema: Json): unknown {
  if (schema.type === "integer" || schema.type === "number")
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (schema.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

/** Validated, typed parameters of one request. */
export interface ValidatedParams {
  path: Record<string, string>;
  query: Record<string, unknown>;
}

/**
 * Prepares the parameter check of one operation (resolved once, at start-up): the returned function checks the
 * path and query parameters the operation declares and returns them coerced, with defaults applied.
 */
export function compileParams(
  validator: SpecValidator,
  pathTemplate: string,
  operation: Json,
): (pathParams: Record<string, string>, search?: URLSearchParams) => ValidatedParams {
  const item = validator.resolve((validator.spec.paths as Json)[pathTemplate]);
  const declared = [
    ...((item.parameters as unknown[]) ?? []),
    ...((operation.parameters as unknown[]) ?? []),
  ].map((raw) => {
    const param = validator.resolve(raw);
    const ref = (raw as Json).$ref;
    return {
      name: String(param.name),
      in: String(param.in),
      schema: validator.resolve(param.schema),
      pointer: typeof ref === "string" ? `${ref}/schema` : undefined,
    };
  });
  if (declared.length === 0) return (pathParams) => ({ path: pathParams, query: {} });
  return (pathParams, search) => {
    const query: Record<string, unknown> = {};
    for (const param of declared) {
      let value: unknown;
      if (param.in === "path") value = pathParams[param.name];
      else if (param.in === "query") {
        const values = search?.getAll(param.name) ?? [];
        if (values.length === 0) {
          if (param.schema.default !== undefined) query[param.name] = param.schema.default;
          continue;
        }
        if (values.length > 1) throw badRequest("must be given once", param.name);
        value = coerce(values[0] ?? "", param.schema);
      } else continue;
      if (param.pointer) {
        const errors = validator.errorsAt(param.pointer, value);
        if (errors.length > 0) throwFirst(errors, param.name);
      }
      if (param.in === "query") query[param.name] = value;
    }
    return { path: pathParams, query };
  };
}

/** Checks a JSON body against the schema at `pointer`; returns it typed. */
export function validateBody<T>(validator: SpecValidator, pointer: string, body: unknown): T {
  const errors = validator.errorsAt(pointer, body);
  if (errors.length > 0) throwFirst(errors);
  return body as T;
}
