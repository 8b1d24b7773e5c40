/**
 * The simulator's built-in canvas templates. The docs name `claude-code-4state` and say two templates ship; the
 * second one and every graph detail here are inferred, in the shape of the build page.
 */
import type { components } from "../../generated/masko-api.js";

type Template = components["schemas"]["CanvasTemplate"];

const at = (x: number, y: number) => ({ x, y });

/** Built-in templates, by id. */
export const BUILTIN_TEMPLATES: readonly Template[] = [
  {
    id: "claude-code-4state",
    name: "Claude Code 4-state",
    description: "Idle, thinking, working and done, with the transitions between them.",
    source: "builtin",
    initialNode: "idle",
    nodes: [
      {
        id: "idle",
        itemName: "Idle",
        imagePrompt: "standing, relaxed, looking at the viewer",
        loop: true,
        position: at(0, 0),
      },
      {
        id: "thinking",
        itemName: "Thinking",
        imagePrompt: "hand on chin, looking up thoughtfully",
        loop: true,
        position: at(240, 0),
      },
      {
        id: "working",
        itemName: "Working",
        imagePrompt: "typing on a laptop, focused",
        loop: true,
        position: at(480, 0),
      },
      {
        id: "done",
        itemName: "Done",
        imagePrompt: "arms raised in celebration",
        loop: false,
        position: at(720, 0),
      },
    ],
    edges: [
      {
        id: "idle-loop",
        source: "idle",
        target: "idle",
        duration: 4,
        description: "breathes gently, blinks",
      },
      {
        id: "idle-to-thinking",
        source: "idle",
        target: "thinking",
        conditions: [{ input: "behavior::attention", op: "==", value: true }],
        duration: 4,
        description: "raises a hand to the chin",
      },
      {
        id: "thinking-to-working",
        source: "thinking",
        target: "working",
        conditions: [{ input: "behavior::working", op: "==", value: true }],
        duration: 4,
        description: "pulls out a laptop and starts typing",
      },
      {
        id: "working-to-done",
        source: "working",
        target: "done",
        duration: 4,
        description: "closes the laptop and cheers",
      },
      { id: "thinking-to-idle", source: "thinking", target: "idle", reverse: true },
      {
        id: "done-to-idle",
        source: "*",
        target: "idle",
        conditions: [{ input: "node::nodeTime", op: ">=", value: 3 }],
      },
    ],
    inputs: [
      { id: "behavior::attention", type: "boolean", label: "Attention" },
      { id: "behavior::working", type: "boolean", label: "Working" },
      { id: "node::nodeTime", type: "number", label: "Time in pose" },
    ],
  },
  {
    id: "greeter-3state",
    name: "Greeter 3-state",
    description: "Idle, waving on interaction, and back.",
    source: "builtin",
    initialNode: "idle",
    nodes: [
      { id: "idle", itemName: "Idle", imagePrompt: "standing, relaxed", loop: true, position: at(0, 0) },
      {
        id: "waving",
        itemName: "Waving",
        imagePrompt: "waving hello with a friendly smile",
        loop: false,
        position: at(240, 0),
      },
      {
        id: "happy",
        itemName: "Happy",
        imagePrompt: "smiling broadly, eyes closed",
        loop: true,
        position: at(480, 0),
      },
    ],
    edges: [
      {
        id: "idle-to-waving",
        source: "idle",
        target: "waving",
        conditions: [{ input: "behavior::interact", op: "==", value: true }],
        duration: 4,
        description: "raises a paw and waves",
      },
      {
        id: "waving-to-happy",
        source: "waving",
        target: "happy",
        duration: 3,
        description: "lowers the paw and beams",
      },
      { id: "happy-to-waving", source: "happy", target: "waving", reverse: true },
    ],
    inputs: [{ id: "behavior::interact", type: "boolean", label: "Interact" }],
  },
];

/** A built-in template by id. */
export function builtinTemplate(id: string): Template | undefined {
  return BUILTIN_TEMPLATES.find((t) => t.id === id);
}
