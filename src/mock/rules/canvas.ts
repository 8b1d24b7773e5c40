/**
 * The canvas rules: how an edge is classified and priced, what generate-all plans for a canvas, its progress and
 * whether it can be exported. Pure: state, options and policy in, a decision out.
 */
import type { components } from "../../generated/masko-api.js";
import type { CreditCostPolicy } from "../../policy/policies.js";

type Schemas = components["schemas"];
type Node = Schemas["CanvasNode"];
type Edge = Schemas["CanvasEdge"];
type JobStatus = Schemas["JobStatus"];
type PartStatus = JobStatus | "missing";

/** How generate-all treats an edge (generate-all page). */
export type EdgeType = "loop" | "forward" | "reverse" | "any_state";

/** Loops (source = target) and forward edges are paid, reverse edges free, any-state (`*`) edges skipped. */
export function classifyEdge(edge: Pick<Edge, "source" | "target" | "reverse">): EdgeType {
  if (edge.source === "*") return "any_state";
  if (edge.reverse === true) return "reverse";
  return edge.source === edge.target ? "loop" : "forward";
}

/** Seconds of an edge's video: its own duration, else the call's, else 4 (every docs example). */
export function edgeDuration(edge: Pick<Edge, "duration">, callDuration: number | undefined): number {
  return edge.duration ?? callDuration ?? 4;
}

/** The generate-all options, defaults applied. */
export interface GenerateAllOptions {
  dryRun: boolean;
  targets: "all" | "images" | "animations";
  skipCompleted: boolean;
  duration: number | undefined;
}

/** One part generate-all will queue. */
export interface PlannedPart {
  kind: "node" | "edge";
  id: string;
  edgeType?: Exclude<EdgeType, "any_state">;
  prompt: string;
  duration: number;
  cost: number;
}

/** The plan of one generate-all call. */
export interface GenerateAllPlan {
  parts: PlannedPart[];
  skippedItems: {
    kind: "node" | "edge";
    id: string;
    reason: "target_filtered" | "any_state" | "has_assets";
  }[];
  skippedEdges: number;
  reverseFree: number;
  alreadyComplete: number;
  estimatedCost: number;
}

/**
 * Plans generate-all over a canvas. `statusOf(kind, id)` is the status of the part's current job (`missing` when
 * it has none). A failed part is queued again; with `skipCompleted` any other part that has a job is skipped.
 */
export function planGenerateAll(
  nodes: readonly Node[],
  edges: readonly Edge[],
  statusOf: (kind: "node" | "edge", id: string) => PartStatus,
  options: GenerateAllOptions,
  policy: CreditCostPolicy,
): GenerateAllPlan {
  const plan: GenerateAllPlan = {
    parts: [],
    skippedItems: [],
    skippedEdges: 0,
    reverseFree: 0,
    alreadyComplete: 0,
    estimatedCost: 0,
  };
  const hasAssets = (kind: "node" | "edge", id: string) => {
    const status = statusOf(kind, id);
    if (status === "completed") plan.alreadyComplete++;
    return options.skipCompleted && status !== "missing" && status !== "failed";
  };
  for (const node of nodes) {
    if (options.targets === "animations") {
      plan.skippedItems.push({ kind: "node", id: node.id, reason: "target_filtered" });
    } else if (hasAssets("node", node.id)) {
      plan.skippedItems.push({ kind: "node", id: node.id, reason: "has_assets" });
    } else {
      plan.parts.push({
        kind: "node",
        id: node.id,
        prompt: node.imagePrompt ?? node.itemName,
        duration: 0,
        cost: policy.image,
      });
    }
  }
  for (const edge of edges) {
    const type = classifyEdge(edge);
    const skip = (reason: GenerateAllPlan["skippedItems"][number]["reason"]) => {
      plan.skippedItems.push({ kind: "edge", id: edge.id, reason });
      plan.skippedEdges++;
    };
    if (options.targets === "images") skip("target_filtered");
    else if (type === "any_state") skip("any_state");
    else if (hasAssets("edge", edge.id)) skip("has_assets");
    else {
      const duration = edgeDuration(edge, options.duration);
      const cost = type === "reverse" ? policy.animation.reverse : policy.animation.perSecond * duration;
      if (type === "reverse") plan.reverseFree++;
      plan.parts.push({
        kind: "edge",
        id: edge.id,
        edgeType: type,
        prompt: edge.description ?? `${edge.source} to ${edge.target}`,
        duration,
        cost,
      });
    }
  }
  plan.estimatedCost = plan.parts.reduce((sum, p) => sum + p.cost, 0);
  return plan;
}

/** Completion of a set of parts, in whole percent (100 when there is nothing to do). */
export function percent(completed: number, total: number): number {
  return total === 0 ? 100 : Math.floor((100 * completed) / total);
}

/** The parts a canvas needs generated: every node, and every edge except any-state ones. */
export function partsToGenerate(nodes: readonly Node[], edges: readonly Edge[]) {
  return {
    nodes: nodes.map((n) => n.id),
    edges: edges.filter((e) => classifyEdge(e) !== "any_state").map((e) => e.id),
  };
}

/** The player condition of an exported edge: a click for interaction conditions, else when the pose ends. */
export function exportCondition(edge: Pick<Edge, "source" | "target" | "conditions">): string {
  const conditions = edge.conditions ?? [];
  if (conditions.length === 0) return edge.source === edge.target ? "default" : "on_complete";
  return conditions.some((c) => /interact|click/i.test(c.input)) ? "on_click" : "default";
}
