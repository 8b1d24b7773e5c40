/**
 * One validator for everything checked against the bundled spec: schema examples, request bodies and whole
 * responses (status declared, required headers with their types, content type, body schema). JSON Schema 2020-12
 * via Ajv; schemas are referenced in place (`#/components/schemas/X`), never restated.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";

type Json = Record<string, unknown>;
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsImport as unknown as { default?: AddFormats }).default ??
  addFormatsImport) as unknown as AddFormats;

const SPEC_ID = "https://masko-contract.local/openapi.json";
const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** An operation found for a concrete method and path. */
export interface MatchedOperation {
  readonly method: string;
  readonly pathTemplate: string;
  readonly operationId: string;
  readonly operation: Json;
  readonly pathParams: Record<string, string>;
}

/** What a response looked like on the wire. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body, or undefined when the response had none. */
  readonly body: unknown;
}

/** Validates values, requests and responses against one bundled OpenAPI 3.1 document. */
export class SpecValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: Array<{
    method: string;
    template: string;
    regex: RegExp;
    names: string[];
    op: Json;
  }>;

  constructor(readonly spec: Json) {
    // The spec is not checked against the JSON Schema meta-schema here (compiling that is most of a start-up):
    // Redocly's lint checks it (npm run lint:spec), and every schema is compiled on its first use.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...spec, $id: SPEC_ID });
    this.routes = [];
    for (const [template, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return "([^/]+)";
        });
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (op)
          this.routes.push({ method, template, regex: new RegExp(`^${pattern}$`), names, op: op as Json });
      }
    }
    // Literal segments win over parameters (as in routers): /v1/jobs before /v1/{x}.
    this.routes.sort((a, b) => a.names.length - b.names.length);
  }

  /** Every operation of the spec as [method, path template, operation]. */
  operations(): Array<{ method: string; pathTemplate: string; operationId: string; operation: Json }> {
    return this.routes.map((r) => ({
      method: r.method,
      pathTemplate: r.template,
      operationId: String(r.op.operationId),
      operation: r.op,
    }));
  }

  /** Finds the operation serving `method path`, or undefined. */
  match(method: string, path: string): MatchedOperation | undefined {
    const m = method.toLowerCase();
    const pathname = path.split("?")[0] ?? path;
    for (const route of this.routes) {
      if (route.method !== m) continue;
      const found = route.regex.exec(pathname);
      if (!found) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(found[i + 1] ?? "");
      });
      return {
        method: m,
        pathTemplate: route.template,
        operationId: String(route.op.operationId),
        operation: route.op,
        pathParams,
      };
    }
    return undefined;
  }

  /** Follows a local `$ref` (one hop at a time) to the object it names. */
  resolve<T = Json>(node: unknown): T {
    let current = node as Json;
    for (let hops = 0; current && typeof current.$ref === "string" && hops < 10; hops++) {
      const pointer = current.$ref.replace(/^#\//, "").split("/");
      let target: unknown = this.spec;
      for (const part of pointer) target = (target as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      current = target as Json;
    }
    return current as T;
  }

  /** Validates `value` against the schema at a JSON pointer into the spec; returns readable errors. */
  validateAt(pointer: string, value: unknown): string[] {
    return formatErrors(this.errorsAt(pointer, value));
  }

  /** Validates `value` against the schema at a JSON pointer into the spec; returns Ajv's errors. */
  errorsAt(pointer: string, value: unknown): ErrorObject[] {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }

  /** The JSON pointer of an operation's request-body schema for a media type, if it declares one. */
  requestSchemaPointer(match: MatchedOperation, mediaType: string): string | undefined {
    const body = this.resolve(match.operation.requestBody);
    const content = (body?.content ?? {}) as Record<string, unknown>;
    if (!(mediaType in content)) return undefined;
    return `#/paths/${pointerSegment(match.pathTemplate)}/${match.method}/requestBody/content/${pointerSegment(mediaType)}/schema`;
  }

  /** Checks one response against the operation serving `method path`; returns every violation found. */
  validateResponse(method: string, path: string, response: ObservedResponse): string[] {
    const match = this.match(method, path);
    if (!match) return [`${method.toUpperCase()} ${path} is not an operation of the spec`];
    const where = `${match.operationId} ${response.status}`;
    const responses = (match.operation.responses ?? {}) as Record<string, unknown>;
    const key = String(response.status);
    const declared = key in responses ? key : "default" in responses ? "default" : undefined;
    if (!declared)
      return [`${where}: status ${key} is not declared (declared: ${Object.keys(responses).join(", ")})`];
    const definition = this.resolve(responses[declared]);
    const responsePointer = this.responsePointer(match, declared);
    const problems: string[] = [];

    for (const [name, raw] of Object.entries((definition.headers ?? {}) as Record<string, unknown>)) {
      const header = this.resolve(raw);
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      const schema = this.resolve(header.schema) as Json;
      const typed = schema.type === "integer" ? (/^-?\d+$/.test(value) ? Number(value) : value) : value;
      const errors = this.validateAt(`${headerPointer(responsePointer, name, raw)}/schema`, typed);
      for (const e of errors) problems.push(`${where}: header ${name}=${JSON.stringify(value)} ${e}`);
    }

    const content = (definition.content ?? {}) as Record<string, unknown>;
    const mediaTypes = Object.keys(content);
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (mediaTypes.length === 0) {
      if (response.body !== undefined) problems.push(`${where}: declares no body but one was sent`);
      return problems;
    }
    if (!mediaTypes.includes(contentType)) {
      problems.push(
        `${where}: content type ${JSON.stringify(contentType)} is not one of ${mediaTypes.join(", ")}`,
      );
      return problems;
    }
    const schemaPointer = `${responsePointer}/content/${pointerSegment(contentType)}/schema`;
    for (const e of this.validateAt(schemaPointer, response.body)) problems.push(`${where}: body ${e}`);
    return problems;
  }

  private responsePointer(match: MatchedOperation, status: string): string {
    const raw = (match.operation.responses as Json)[status] as Json;
    if (typeof raw.$ref === "string") return raw.$ref;
    return `#/paths/${pointerSegment(match.pathTemplate)}/${match.method}/responses/${status}`;
  }
}

function headerPointer(responsePointer: string, name: string, raw: unknown): string {
  const ref = (raw as Json).$ref;
  return typeof ref === "string" ? ref : `${responsePointer}/headers/${pointerSegment(name)}`;
}

function pointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Turns Ajv errors into `path: message` lines. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "(root)"}: ${e.message ?? "is invalid"}`);
}
