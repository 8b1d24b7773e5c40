/** The API's own OpenAPI document, served at GET /v1/openapi.json without a key. */
import type { OperationHandler } from "../services.js";

export const getOpenApiDocument: OperationHandler<"getOpenApiDocument"> = async ({ services }) => ({
  status: 200,
  body: services.validator.spec,
});
