/**
 * Stage 5, handle: the operation itself. A queued injected failure for the operation answers 500 instead (taken
 * atomically from the store, so N queued failures fail exactly N requests across instances); otherwise the
 * handler runs, and ownership (403/404), the key cap (409) and credits (402) are its answers.
 */

import type { Eventually } from "../primitives/eventually.js";
import { internalError } from "../primitives/masko-error.js";
import type { Caller, OperationResult, Services } from "../services.js";
import type { ApiRequest } from "./exchange.js";
import type { RouteMatch } from "./route.js";
import type { CheckedInput } from "./validate.js";

export function handle(
  { route }: RouteMatch,
  input: CheckedInput,
  caller: Caller | undefined,
  request: ApiRequest,
  services: Services,
): Eventually<OperationResult> {
  // The one place where a validated request meets its operation's static types: the checks above made the body,
  // path and query what `operations[operationId]` says, and the gate let no caller-less request reach a handler
  // that needs one (only public operations, such as the OpenAPI document, answer without a key).
  const handlerInput = {
    caller,
    path: input.path,
    query: input.query,
    body: input.body,
    services,
    signal: () => request.signal(),
  } as never;
  if (!caller || (caller.faults.failOperations[route.operationId] ?? 0) === 0)
    return route.handler(handlerInput);
  return services.store.takeOperationFailure(route.operationId).then((failed) => {
    if (failed) throw internalError("Injected fault: internal error.");
    return route.handler(handlerInput);
  });
}
