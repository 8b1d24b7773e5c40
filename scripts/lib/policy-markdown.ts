/** The spec's `x-masko-*` policies as Markdown for the published reference: tables a reader can use. */
import type { MaskoPolicies } from "../../src/policy/policies.js";

/** A "Policies" section: rate limits, credit table and key policy, with the numbers read from the spec. */
export function policyMarkdown(p: MaskoPolicies): string {
  const c = p.creditCost;
  const k = p.keyPolicy;
  return [
    "## Policies",
    "",
    "These numbers are read from the spec's policy extensions; the simulator, the contract tests and the load",
    "scripts read the same ones.",
    "",
    "### Rate limits (per API key)",
    "",
    "| window | requests |",
    "|---|---|",
    ...p.rateLimits.windows.map((w) => `| ${w.name} (${w.windowSeconds} s) | ${w.limit} |`),
    "",
    "Every response carries `X-RateLimit-Remaining` (the smaller remainder of the windows) and `X-RateLimit-Reset`;",
    "a 429 adds `Retry-After`. Fixed windows, epoch-second resets and per-address limiting of calls without a",
    "valid key are inferred (see the decisions register).",
    "",
    "### Credits",
    "",
    "| generation | credits |",
    "|---|---|",
    `| image | ${c.image} |`,
    `| animation, per second of video | ${c.animation.perSecond} |`,
    `| animation with a new image, extra | ${c.animation.withNewImage} |`,
    `| reverse transition (auto_reverse, canvas reverse edge) | ${c.animation.reverse} |`,
    `| logo | ${c.logo} |`,
    `| edit | ${c.edit} |`,
    `| preview | ${c.preview} |`,
    `| canvas node image (template, generate-all) | ${c.image} |`,
    `| canvas loop or forward edge, per second | ${c.animation.perSecond} |`,
    "| suggest-actions, size variants, any-state edges | 0 |",
    "",
    "Credits are charged when work is accepted, all or nothing per call; 402 changes nothing; a failed job is",
    "refunded once.",
    "",
    "### API keys",
    "",
    `- Format \`${k.prefix}\` + ${k.randomBytes * 2} hex characters (\`${k.pattern.source}\`); only the SHA-256 is stored.`,
    `- At most ${k.maxActiveKeysPerWorkspace} active keys per workspace (the next one is 409).`,
    `- Organization keys are created by: ${k.organizationKeyCreatorRoles.join(", ")}; any member may use one.`,
  ].join("\n");
}
