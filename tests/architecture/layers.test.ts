/**
 * The simulator's rooms and the order of their floors (docs/architecture.md draws them): a file may import files of
 * its own room and of rooms on lower floors, never one above or beside it, so no import runs back up and there is
 * no cycle between rooms. Type-only imports count too. A new file at the root of src/mock, or a new folder, must be
 * given its floor here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const mock = resolve(import.meta.dirname, "../../src/mock");

/** Floor of each room, top (the Node adapter) to bottom (the primitives every room uses). */
const FLOORS: Record<string, number> = {
  transport: 12,
  "simulator.ts": 11,
  fleet: 10,
  http: 9,
  "operations.ts": 8,
  handlers: 7,
  media: 7,
  "create-services.ts": 7,
  control: 6,
  jobs: 6,
  "services.ts": 5,
  webhooks: 4,
  store: 3,
  rules: 2,
  "behaviour.ts": 2,
  primitives: 1,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const roomOf = (path: string) => relative(mock, path).split("/")[0] ?? "";
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?from\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

/** Every relative import of a file that lands inside src/mock, as [importing room, imported room, specifier]. */
function importsOf(path: string): Array<[string, string, string]> {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(IMPORT)].flatMap((m) => {
    const specifier = (m[1] ?? m[2]) as string;
    // Imports name the compiled file (`./x.js`); the room is named after the source.
    const target = resolve(dirname(path), specifier).replace(/\.js$/, ".ts");
    if (!target.startsWith(`${mock}/`)) return [];
    return [[roomOf(path), roomOf(target), specifier] as [string, string, string]];
  });
}

describe("src/mock's imports", () => {
  const files = sources(mock);

  it("gives every room a floor", () => {
    const rooms = [...new Set(files.map(roomOf))].sort();
    expect(rooms.filter((room) => !(room in FLOORS))).toEqual([]);
  });

  it("run down the floors only: none back up, none sideways", () => {
    const wrong = files.flatMap((path) =>
      importsOf(path)
        .filter(
          ([from, to]) => from !== to && (FLOORS[to] ?? Number.POSITIVE_INFINITY) >= (FLOORS[from] ?? 0),
        )
        .map(([from, to, specifier]) => `${relative(mock, path)} (${from}) imports ${specifier} (${to})`),
    );
    expect(wrong).toEqual([]);
  });

  it("reads the imports it judges (the check can see an import at all)", () => {
    const simulator = importsOf(join(mock, "simulator.ts")).map(([, to]) => to);
    expect(simulator).toContain("http");
    expect(simulator).toContain("control");
  });
});
