/**
 * The Masko API's request pipeline, stages 2 to 6 in order (docs/architecture.md): gate (CORS preflight, key,
 * rate limit, 429/401, due jobs, latency) · route (404/405) · validate (400/413/415) · handle (403/404/409/402,
 * injected 500) · respond. Which operations answer without a key and which are withheld follow the behaviour
 * settings. Each stage answers at once when it can (the embedded store, a request without a body): only what is
 * pending is awaited (primitives/eventually.ts says why).
 */
import { OPERATION_HANDLERS } from "../operations.js";
import type { Services } from "../services.js";
import { createCors } from "./cors.js";
import type { ApiRequest, ApiResponse } from "./exchange.js";
import { type Admission, createGate } from "./gate.js";
import { handle } from "./handle.js";
import { rateLimitHeaderWriter } from "./rate-limit-headers.js";
import { failure, success } from "./respond.js";
import { sharedRouter } from "./route.js";

/** The operations of programmatic key management (behaviour `api-key-endpoints=off` withholds them). */
const API_KEY_OPERATIONS = ["createApiKey", "listApiKeys", "revokeApiKey"];
/** Headers a browser may read besides the rate-limit ones. */
const EXPOSED_HEADERS = ["WWW-Authenticate"];

export interface ApiPipeline {
  /** Answers one Masko API request; `admission` is opened by the caller when it wants to read it afterwards. */
  answer(request: ApiRequest, admission?: Admission): Promise<ApiResponse>;
  /** A fresh admission record for `answer` (the request log reads its caller). */
  open(): Admission;
  /** The answer to a request the HTTP parser refused (431 for oversized headers, else 400). */
  malformed(address: string | undefined, headersTooLarge: boolean): Promise<ApiResponse>;
  /** The error answer (the envelope, CORS) to a request that failed before the pipeline took it (a store outage). */
  refuse(error: unknown): ApiResponse;
}

export function createApiPipeline(
  services: Services,
  corsOrigin: string,
  onError: ((error: unknown) => void) | undefined,
): ApiPipeline {
  const { behaviour, validator, clock } = services;
  const operations = validator.operations();
  // Operations whose security is empty (the OpenAPI document) answer without a key, unless behaviour says otherwise.
  const publicPaths = new Set(
    operations
      .filter((op) => (op.operation.security as unknown[] | undefined)?.length === 0)
      .filter(() => behaviour["openapi-document"] === "public")
      .map((op) => op.pathTemplate),
  );
  const withheld = new Set([
    ...(behaviour["api-key-endpoints"] === "off" ? API_KEY_OPERATIONS : []),
    ...(behaviour["canvas-status-route"] === "off" ? ["getCanvasStatus"] : []),
  ]);
  const limitHeaders = rateLimitHeaderWriter(behaviour, services.policies.rateLimits.windows);
  const flat402 = behaviour["insufficient-credits-body"] === "flat";
  const cors = createCors(corsOrigin, [...limitHeaders.exposed, ...EXPOSED_HEADERS]);
  const gate = createGate(services, cors, publicPaths, limitHeaders);
  const route = sharedRouter(validator, OPERATION_HANDLERS, withheld);

  const answer = async (request: ApiRequest, admission = gate.open()): Promise<ApiResponse> => {
    try {
      if (request.method === "OPTIONS") return await gate.preflight(request);
      const admitted = gate.admit(request, admission);
      if (admitted) await admitted;
      const match = route(request);
      const checked = match.route.check(request, match.params);
      const input = checked instanceof Promise ? await checked : checked;
      const result = handle(match, input, admission.caller, request, services);
      return success(result instanceof Promise ? await result : result, admission);
    } catch (error) {
      return failure(error, admission, clock.now(), limitHeaders, flat402, onError);
    }
  };
  const refuse = (error: unknown) => failure(error, gate.open(), clock.now(), limitHeaders, flat402, onError);
  return { answer, open: gate.open, malformed: gate.malformed, refuse };
}
