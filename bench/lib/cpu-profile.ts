/** The flat summary of a V8 CPU profile: self time by where the code lives and by function. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Where a frame's code lives: a simulator module, a package, a Node internal, or V8's own buckets. */
function place(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  if (url.startsWith("node:")) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/dist\/(src\/.*)$/.exec(url)?.[1];
  return own ?? url;
}

/** A share table, largest first. */
export function table(title: string, counts: Map<string, number>, total: number, rows = 15): string[] {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]).slice(0, rows);
  return [
    `| ${title} | self % |`,
    "|---|---|",
    ...sorted.map(([k, n]) => `| ${k.replaceAll("|", "\\|")} | ${((100 * n) / total).toFixed(1)} |`),
  ];
}

/** Self-time shares by place and by function, from a V8 CPU profile. */
export function summarise(profile: CpuProfile): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  const busy = profile.samples.filter((id) => byId.get(id)?.callFrame.functionName !== "(idle)");
  for (const id of busy) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = place(frame.url, frame.functionName);
    places.set(where, (places.get(where) ?? 0) + 1);
    const fn = `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + 1);
  }
  return [
    `${busy.length} busy samples (idle left out).`,
    "",
    ...table("where (self time)", places, busy.length),
    "",
    ...table("function", functions, busy.length, 20),
  ];
}
