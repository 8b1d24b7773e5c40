/**
 * The code blocks of a guide that carry a file name (```ts title="masko-fixture.ts"): tests write them out and run
 * them, so what the guide shows is what was run.
 */
import { readFileSync } from "node:fs";

/** The titled code blocks of a Markdown file, by title. */
export function docBlocks(path: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const text = readFileSync(path, "utf8");
  for (const match of text.matchAll(/^```\w+ title="([^"]+)"\n([\s\S]*?)^```$/gm)) {
    blocks.set(match[1] as string, match[2] as string);
  }
  return blocks;
}
