/** The bundled spec and a validator over it, shared by every test and tool that checks against the contract. */
import spec from "../generated/openapi.json" with { type: "json" };
import { SpecValidator } from "./spec-validator.js";

/** The bundled spec as a plain object. */
export const bundledSpec = spec as Record<string, unknown>;

let shared: SpecValidator | undefined;

/** One SpecValidator over the bundled spec, compiled lazily and reused. */
export function specValidator(): SpecValidator {
  shared ??= new SpecValidator(bundledSpec);
  return shared;
}
