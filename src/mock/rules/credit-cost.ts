/** The credit rule: what a generation request costs, from the spec's `x-masko-credit-cost`. Pure. */
import type { components } from "../../generated/masko-api.js";
import type { CreditCostPolicy } from "../../policy/policies.js";

type GenerateBody = components["schemas"]["GenerateBody"];

/** Which form of animation a body is (the three share `type: "animation"`). */
export type AnimationForm = "from_scratch" | "from_image" | "transition";

/** Tells the animation forms apart by their fields, as the spec's oneOf does. */
export function animationForm(body: Record<string, unknown>): AnimationForm {
  if (typeof body.end_image_asset_id === "string") return "transition";
  if (typeof body.source_image_asset_id === "string") return "from_image";
  return "from_scratch";
}

/** Credits one generation request costs. The free reverse of an auto_reverse transition costs `reverse`. */
export function creditCost(body: GenerateBody, policy: CreditCostPolicy): number {
  switch (body.type) {
    case "image":
      return policy.image;
    case "logo":
      return policy.logo;
    case "edit":
      return policy.edit;
    case "animation": {
      const form = animationForm(body as Record<string, unknown>);
      const seconds = policy.animation.perSecond * body.duration;
      if (form === "from_scratch") return seconds + policy.animation.withNewImage;
      if (form === "transition" && (body as { auto_reverse?: boolean }).auto_reverse) {
        return seconds + policy.animation.reverse;
      }
      return seconds;
    }
  }
}

/** Credits a batch costs: the sum of its requests. */
export function batchCost(bodies: readonly GenerateBody[], policy: CreditCostPolicy): number {
  return bodies.reduce((sum, body) => sum + creditCost(body, policy), 0);
}

/** Decides a charge: allowed only when the balance covers the cost; never goes below zero. */
export function decideCharge(
  balance: number,
  cost: number,
): { ok: true; balance: number } | { ok: false; balance: number } {
  return cost <= balance ? { ok: true, balance: balance - cost } : { ok: false, balance };
}
