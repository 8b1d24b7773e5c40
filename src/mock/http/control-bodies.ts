/**
 * The control API's request bodies as JSON Schema, with the range of every number: a control call can never put
 * the simulator into a state that answers 500 (a clock past the end of dates, a balance Redis cannot count, a
 * latency a timer cannot wait). Bodies outside them get 400 in the envelope, naming the field.
 */
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { CONTROL_LIMITS } from "../control/control.js";
import { badRequest } from "../primitives/masko-error.js";
import { SANDBOX_TTL } from "../rules/sandboxes.js";

const ROLES = ["owner", "admin", "member"];
const count = (maximum: number) => ({ type: "integer", minimum: 0, maximum });

/** The schemas of every control body, by route; `operationIds` names the operations faults may target. */
function schemas(operationIds: readonly string[]) {
  return {
    workspace: {
      type: "object",
      additionalProperties: false,
      required: ["type"],
      properties: {
        type: { enum: ["personal", "organization"] },
        credits: count(CONTROL_LIMITS.credits),
        role: { enum: ROLES },
      },
    },
    member: {
      type: "object",
      additionalProperties: false,
      required: ["role"],
      properties: { role: { enum: ROLES } },
    },
    credits: {
      type: "object",
      additionalProperties: false,
      required: ["balance"],
      properties: { balance: count(CONTROL_LIMITS.credits) },
    },
    clock: {
      type: "object",
      additionalProperties: false,
      required: ["advance_seconds"],
      properties: { advance_seconds: count(CONTROL_LIMITS.advanceSeconds) },
    },
    faults: {
      type: "object",
      additionalProperties: false,
      properties: {
        latency_ms: count(CONTROL_LIMITS.latencyMs),
        fail_next_jobs: count(CONTROL_LIMITS.faultCount),
        fail_operations: {
          type: "object",
          propertyNames: { enum: [...operationIds] },
          additionalProperties: count(CONTROL_LIMITS.faultCount),
        },
      },
    },
    sandbox: {
      type: "object",
      additionalProperties: false,
      properties: {
        ttl_seconds: { type: "integer", minimum: SANDBOX_TTL.minSeconds, maximum: SANDBOX_TTL.maxSeconds },
      },
    },
    empty: { type: "object", additionalProperties: false, properties: {} },
  } as const;
}

/** The name of a control body schema. */
export type ControlBody = keyof ReturnType<typeof schemas>;

function fieldAndMessage(error: ErrorObject): { field: string; message: string } {
  const path = error.instancePath.replace(/^\//, "").replace(/\//g, ".");
  if (error.keyword === "additionalProperties") {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { field: path ? `${path}.${extra}` : extra, message: "is not allowed" };
  }
  if (error.keyword === "required") {
    return { field: (error.params as { missingProperty: string }).missingProperty, message: "is required" };
  }
  if (error.keyword === "propertyNames") {
    const name = (error.params as { propertyName: string }).propertyName;
    return { field: path, message: `${JSON.stringify(name)} is not an operation of the spec` };
  }
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return { field: path, message: `must be one of ${allowed.join(", ")}` };
  }
  return { field: path || "body", message: error.message ?? "is invalid" };
}

/**
 * A checker of control bodies: returns the body typed, or throws 400 naming the first bad field. Each schema is
 * compiled on its first use (start-up compiles none), and not checked against the meta-schema: they are this
 * module's own, tested by the control API's tests.
 */
export function controlBodyChecker(operationIds: readonly string[]) {
  const ajv = new Ajv2020({ allErrors: false, validateSchema: false });
  const bodySchemas = schemas(operationIds);
  const compiled = new Map<ControlBody, ReturnType<Ajv2020["compile"]>>();
  return <T>(name: ControlBody, body: unknown): T => {
    let validate = compiled.get(name);
    if (!validate) {
      validate = ajv.compile(bodySchemas[name]);
      compiled.set(name, validate);
    }
    if (!validate(body)) {
      const first = validate.errors?.find((e) => e.keyword !== "if") ?? validate.errors?.[0];
      const { field, message } = first ? fieldAndMessage(first) : { field: "body", message: "is invalid" };
      throw badRequest(message, field);
    }
    return body as T;
  };
}
