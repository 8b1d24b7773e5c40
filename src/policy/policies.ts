/**
 * The API's rules, read from the spec's `x-masko-*` extensions. Nothing else in the toolkit hard-codes these
 * numbers: change the spec, regenerate, and the client, simulator, tests and load scripts follow.
 */
import policyExtract from "../generated/policies.json" with { type: "json" };

/** One fixed rate-limit window (for example 60 requests per 60 seconds). */
export interface RateLimitWindow {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** `x-masko-rate-limits`: the windows every key (or unauthenticated client address) is held to. */
export interface RateLimitPolicy {
  readonly windows: readonly RateLimitWindow[];
}

/** `x-masko-credit-cost` on the generate operation. */
export interface CreditCostPolicy {
  readonly image: number;
  readonly animation: { readonly perSecond: number; readonly withNewImage: number; readonly reverse: number };
  readonly logo: number;
  readonly edit: number;
  /** A one-off preview image (POST /v1/generate/preview). */
  readonly preview: number;
}

/** `x-masko-key-policy` on the bearer security scheme. */
export interface KeyPolicy {
  readonly pattern: RegExp;
  readonly prefix: string;
  readonly randomBytes: number;
  readonly storage: "sha256";
  readonly maxActiveKeysPerWorkspace: number;
  readonly organizationKeyCreatorRoles: readonly string[];
}

/** `x-masko-request-limits`: the largest bodies accepted and the longest long poll (inferred bounds). */
export interface RequestLimits {
  readonly jsonBodyBytes: number;
  readonly uploadBytes: number;
  readonly longPollMaxSeconds: number;
}

/** All policies of one spec. */
export interface MaskoPolicies {
  readonly requestLimits: RequestLimits;
  readonly rateLimits: RateLimitPolicy;
  readonly creditCost: CreditCostPolicy;
  readonly keyPolicy: KeyPolicy;
  /** Limits the schemas state: the persistent references a collection holds (`CollectionConfig`'s maxItems). */
  readonly maxReferencesPerCollection: number;
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${where} must be an object`);
  }
  return value as Json;
}

function count(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where} must be a non-negative integer`);
  }
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw new TypeError(`${where} must be a non-empty string`);
  return value;
}

/** Reads and checks the three policy extensions of a bundled spec; throws a TypeError naming a bad field. */
export function readPolicies(spec: unknown): MaskoPolicies {
  const root = object(spec, "spec");
  const limits = object(root["x-masko-rate-limits"], "x-masko-rate-limits");
  const rawWindows = limits.windows;
  if (!Array.isArray(rawWindows) || rawWindows.length === 0) {
    throw new TypeError("x-masko-rate-limits.windows must be a non-empty array");
  }
  const windows = rawWindows.map((raw, i) => {
    const w = object(raw, `x-masko-rate-limits.windows[${i}]`);
    const limit = count(w.limit, `x-masko-rate-limits.windows[${i}].limit`);
    const windowSeconds = count(w.window_seconds, `x-masko-rate-limits.windows[${i}].window_seconds`);
    if (limit === 0 || windowSeconds === 0)
      throw new TypeError(`x-masko-rate-limits.windows[${i}] must be positive`);
    return { name: text(w.name, `x-masko-rate-limits.windows[${i}].name`), limit, windowSeconds };
  });

  const paths = object(root.paths, "paths");
  const generate = object(
    object(paths["/v1/collections/{collectionId}/generate"], "generate path").post,
    "generate operation",
  );
  const cost = object(generate["x-masko-credit-cost"], "x-masko-credit-cost");
  const animation = object(cost.animation, "x-masko-credit-cost.animation");

  const schemes = object(object(root.components, "components").securitySchemes, "securitySchemes");
  const keys = object(object(schemes.BearerAuth, "BearerAuth")["x-masko-key-policy"], "x-masko-key-policy");
  if (keys.storage !== "sha256") throw new TypeError("x-masko-key-policy.storage must be sha256");
  const roles = keys.organization_key_creator_roles;
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== "string")) {
    throw new TypeError("x-masko-key-policy.organization_key_creator_roles must be an array of strings");
  }

  const schemas = object(object(root.components, "components").schemas, "components.schemas");
  const config = object(
    object(schemas.CollectionConfig, "CollectionConfig").properties,
    "CollectionConfig.properties",
  );
  const references = object(config.reference_asset_ids, "CollectionConfig.properties.reference_asset_ids");

  const request = object(root["x-masko-request-limits"], "x-masko-request-limits");
  return {
    requestLimits: {
      jsonBodyBytes: count(request.json_body_bytes, "x-masko-request-limits.json_body_bytes"),
      uploadBytes: count(request.upload_bytes, "x-masko-request-limits.upload_bytes"),
      longPollMaxSeconds: count(
        request.long_poll_max_seconds,
        "x-masko-request-limits.long_poll_max_seconds",
      ),
    },
    maxReferencesPerCollection: count(references.maxItems, "CollectionConfig.reference_asset_ids.maxItems"),
    rateLimits: { windows },
    creditCost: {
      image: count(cost.image, "x-masko-credit-cost.image"),
      animation: {
        perSecond: count(animation.per_second, "x-masko-credit-cost.animation.per_second"),
        withNewImage: count(animation.with_new_image, "x-masko-credit-cost.animation.with_new_image"),
        reverse: count(animation.reverse, "x-masko-credit-cost.animation.reverse"),
      },
      logo: count(cost.logo, "x-masko-credit-cost.logo"),
      edit: count(cost.edit, "x-masko-credit-cost.edit"),
      preview: count(cost.preview, "x-masko-credit-cost.preview"),
    },
    keyPolicy: {
      pattern: new RegExp(text(keys.pattern, "x-masko-key-policy.pattern")),
      prefix: text(keys.prefix, "x-masko-key-policy.prefix"),
      randomBytes: count(keys.random_bytes, "x-masko-key-policy.random_bytes"),
      storage: "sha256",
      maxActiveKeysPerWorkspace: count(
        keys.max_active_keys_per_workspace,
        "x-masko-key-policy.max_active_keys_per_workspace",
      ),
      organizationKeyCreatorRoles: roles as string[],
    },
  };
}

/** The policies of the bundled spec (read from its policy extract: src/generated/policies.json). */
export const policies: MaskoPolicies = readPolicies(policyExtract);
