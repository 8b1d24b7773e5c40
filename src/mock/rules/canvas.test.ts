import { describe, expect, it } from "vitest";
import { policies } from "../../policy/policies.js";
import { classifyEdge, exportCondition, type GenerateAllOptions, planGenerateAll } from "./canvas.js";

const node = (id: string) => ({ id, itemName: id, imagePrompt: `${id} pose`, position: { x: 0, y: 0 } });
const nodes = [node("idle"), node("waving")];
const edges = [
  { id: "idle-loop", source: "idle", target: "idle", duration: 3 },
  { id: "idle-to-waving", source: "idle", target: "waving" },
  { id: "waving-to-idle", source: "waving", target: "idle", reverse: true },
  { id: "any-to-idle", source: "*", target: "idle" },
];
const all: GenerateAllOptions = { dryRun: false, targets: "all", skipCompleted: true, duration: 4 };
const nothingYet = () => "missing" as const;

describe("canvas rules", () => {
  it.each([
    [{ source: "a", target: "a" }, "loop"],
    [{ source: "a", target: "b" }, "forward"],
    [{ source: "b", target: "a", reverse: true }, "reverse"],
    [{ source: "*", target: "a" }, "any_state"],
    [{ source: "*", target: "a", reverse: true }, "any_state"],
  ] as const)("classifies %o as %s", (edge, type) => {
    expect(classifyEdge(edge)).toBe(type);
  });

  it("prices node images at the image cost, loops and forward edges per second, reverse edges at 0, and skips any-state edges", () => {
    const plan = planGenerateAll(nodes, edges, nothingYet, all, policies.creditCost);
    expect(plan.parts.map((p) => [p.id, p.cost])).toEqual([
      ["idle", 1],
      ["waving", 1],
      ["idle-loop", 15],
      ["idle-to-waving", 20],
      ["waving-to-idle", 0],
    ]);
    expect(plan.estimatedCost).toBe(37);
    expect(plan.reverseFree).toBe(1);
    expect(plan.skippedItems).toEqual([{ kind: "edge", id: "any-to-idle", reason: "any_state" }]);
    expect(plan.skippedEdges).toBe(1);
  });

  it("filters by targets", () => {
    const images = planGenerateAll(
      nodes,
      edges,
      nothingYet,
      { ...all, targets: "images" },
      policies.creditCost,
    );
    expect(images.parts.map((p) => p.id)).toEqual(["idle", "waving"]);
    expect(images.skippedEdges).toBe(4);
    const videos = planGenerateAll(
      nodes,
      edges,
      nothingYet,
      { ...all, targets: "animations" },
      policies.creditCost,
    );
    expect(videos.parts.every((p) => p.kind === "edge")).toBe(true);
    expect(videos.skippedItems.filter((s) => s.reason === "target_filtered")).toHaveLength(2);
  });

  it("skips parts that have jobs unless skip_completed is false, and queues failed parts again", () => {
    const status = (_kind: string, id: string) =>
      id === "idle" ? "completed" : id === "waving" ? "failed" : id === "idle-loop" ? "pending" : "missing";
    const plan = planGenerateAll(nodes, edges, status as never, all, policies.creditCost);
    expect(plan.parts.map((p) => p.id)).toEqual(["waving", "idle-to-waving", "waving-to-idle"]);
    expect(plan.alreadyComplete).toBe(1);
    const again = planGenerateAll(
      nodes,
      edges,
      status as never,
      { ...all, skipCompleted: false },
      policies.creditCost,
    );
    expect(again.parts).toHaveLength(5);
  });

  it("derives the exported condition from the edge's conditions", () => {
    expect(exportCondition({ source: "a", target: "a" })).toBe("default");
    expect(exportCondition({ source: "a", target: "b" })).toBe("on_complete");
    expect(
      exportCondition({
        source: "a",
        target: "b",
        conditions: [{ input: "behavior::interact", op: "==", value: true }],
      }),
    ).toBe("on_click");
  });
});
