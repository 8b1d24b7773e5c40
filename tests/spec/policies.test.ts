import { describe, expect, it } from "vitest";
import { bundledSpec } from "../../src/contract/bundled-spec.js";
import { policies, readPolicies } from "../../src/policy/policies.js";

describe("policy extensions", () => {
  it("parse from the bundled spec into the documented numbers", () => {
    expect(policies.rateLimits.windows).toEqual([
      { name: "minute", limit: 60, windowSeconds: 60 },
      { name: "hour", limit: 1000, windowSeconds: 3600 },
    ]);
    expect(policies.creditCost).toEqual({
      image: 1,
      animation: { perSecond: 5, withNewImage: 1, reverse: 0 },
      logo: 5,
      edit: 1,
      preview: 1,
    });
    expect(policies.keyPolicy).toMatchObject({
      prefix: "masko_",
      randomBytes: 32,
      storage: "sha256",
      maxActiveKeysPerWorkspace: 10,
      organizationKeyCreatorRoles: ["owner", "admin"],
    });
    expect(policies.keyPolicy.pattern.test(`masko_${"0f".repeat(32)}`)).toBe(true);
    expect(policies.keyPolicy.pattern.test(`masko_${"0F".repeat(32)}`)).toBe(false);
    expect(policies.maxReferencesPerCollection).toBe(6);
  });

  // biome-ignore lint/suspicious/noExplicitAny: each case mutates a different corner of the spec
  const broken: Array<[string, (spec: any) => void, string]> = [
    ["no rate limits", (s) => delete s["x-masko-rate-limits"], "x-masko-rate-limits must be an object"],
    ["empty windows", (s) => (s["x-masko-rate-limits"].windows = []), "windows must be a non-empty array"],
    ["a fractional limit", (s) => (s["x-masko-rate-limits"].windows[0].limit = 1.5), "windows[0].limit"],
    [
      "a zero window",
      (s) => (s["x-masko-rate-limits"].windows[1].window_seconds = 0),
      "windows[1] must be positive",
    ],
    [
      "a negative logo cost",
      (s) => (s.paths["/v1/collections/{collectionId}/generate"].post["x-masko-credit-cost"].logo = -5),
      "x-masko-credit-cost.logo",
    ],
    [
      "no reference cap",
      (s) => delete s.components.schemas.CollectionConfig.properties.reference_asset_ids.maxItems,
      "reference_asset_ids.maxItems",
    ],
    [
      "a non-sha256 storage",
      (s) => (s.components.securitySchemes.BearerAuth["x-masko-key-policy"].storage = "plain"),
      "storage must be sha256",
    ],
  ];
  it.each(broken)("reject a spec with %s", (_name, mutate, message) => {
    const copy = structuredClone(bundledSpec);
    mutate(copy);
    expect(() => readPolicies(copy)).toThrow(message);
  });
});
