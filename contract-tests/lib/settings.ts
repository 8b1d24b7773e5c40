/**
 * The suite's settings, by the names of their environment variables (docs/contract-tests.md lists them). Set in the
 * environment when the suite runs under plain Vitest; `masko-contract test` hands its flags over in the run's
 * config instead (Vitest's `env`), which the workers see in `process.env` and the global setup reads here.
 */
import type { TestProject } from "vitest/node";

/** A setting for the global setup: the run's config first, then this process's environment. */
export function setting(project: TestProject, name: string): string | undefined {
  const fromConfig = project.config.env?.[name];
  return typeof fromConfig === "string" ? fromConfig : process.env[name];
}
