import { describe, expect, it } from "vitest";
import type { components } from "../../generated/masko-api.js";
import { policies } from "../../policy/policies.js";
import { batchCost, creditCost, decideCharge } from "./credit-cost.js";

type Body = components["schemas"]["GenerateBody"];
const A = "e906ebb5-deb1-4010-82f9-f0182a3812e0";
const B = "6a1d9f2b-3c4e-4f5a-8b6c-7d8e9f0a1b2c";
const custom = {
  image: 2,
  animation: { perSecond: 3, withNewImage: 4, reverse: 1 },
  logo: 7,
  edit: 6,
  preview: 8,
};

describe("creditCost", () => {
  it.each<[string, Body, number, number]>([
    ["image", { type: "image", name: "a", image_prompt: "x" }, 1, 2],
    ["logo", { type: "logo", name: "a", logo_prompt: "x" }, 5, 7],
    ["edit", { type: "edit", item_id: A, source_image_asset_id: A, edit_instructions: "x" }, 1, 6],
    [
      "4 s from scratch",
      { type: "animation", name: "a", image_prompt: "x", animation_prompt: "y", duration: 4 },
      21,
      16,
    ],
    [
      "4 s from image",
      { type: "animation", name: "a", source_image_asset_id: A, animation_prompt: "y", duration: 4 },
      20,
      12,
    ],
    [
      "4 s transition",
      {
        type: "animation",
        name: "a",
        source_image_asset_id: A,
        end_image_asset_id: B,
        animation_prompt: "y",
        duration: 4,
      },
      20,
      12,
    ],
    [
      "4 s transition with reverse",
      {
        type: "animation",
        name: "a",
        source_image_asset_id: A,
        end_image_asset_id: B,
        animation_prompt: "y",
        duration: 4,
        auto_reverse: true,
      },
      20,
      13,
    ],
  ])("%s costs %i with the spec's table and %i with another table", (_name, body, specCost, customCost) => {
    expect(creditCost(body, policies.creditCost)).toBe(specCost);
    expect(creditCost(body, custom)).toBe(customCost);
  });

  it("sums a batch", () => {
    const image: Body = { type: "image", name: "a", image_prompt: "x" };
    const logo: Body = { type: "logo", name: "a", logo_prompt: "x" };
    expect(batchCost([image, logo, image], policies.creditCost)).toBe(7);
  });
});

describe("decideCharge", () => {
  it.each([
    [10, 3, { ok: true, balance: 7 }],
    [3, 3, { ok: true, balance: 0 }],
    [2, 3, { ok: false, balance: 2 }],
    [0, 1, { ok: false, balance: 0 }],
  ])("balance %i, cost %i → %j", (balance, cost, expected) => {
    expect(decideCharge(balance, cost)).toEqual(expected);
  });
});
