/**
 * `npm run check:size`: no source file over 300 lines and no function over 80, so every module stays readable in
 * one sitting. Data tables (files whose name ends in `-table.ts` or `-cases.ts`, and generated code) are exempt;
 * a function is measured from its first line to its last, comments included, as a reader sees it.
 * Usage: npm run check:size [-- --list]   (--list prints the ten longest functions too)
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import ts from "typescript";

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
const root = resolve(import.meta.dirname, "..");
const isDataTable = (path: string) => /(-table|-cases)\.ts$/.test(path) || path.includes("/generated/");

function sourceFiles(): string[] {
  const config = ts.readConfigFile(resolve(root, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return parsed.fileNames.filter((f) => !f.includes("node_modules") && !isDataTable(f));
}

type Measured = { where: string; lines: number };

function functionsOf(path: string): Measured[] {
  const text = readFileSync(path, "utf8");
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: Measured[] = [];
  const lineOf = (pos: number) => file.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart(file)) + 1;
      const name = (node.name && ts.isIdentifier(node.name) && node.name.text) || "(anonymous)";
      found.push({ where: `${relative(root, path)}:${lineOf(node.getStart(file)) + 1} ${name}`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const files = sourceFiles();
const longFiles: Measured[] = [];
const functions: Measured[] = [];
for (const path of files) {
  const lines = readFileSync(path, "utf8").split("\n").length - 1;
  if (lines > MAX_FILE_LINES) longFiles.push({ where: relative(root, path), lines });
  // A test file's describe/it callbacks are the file itself, not functions a reader follows.
  if (!/\.test\.ts$/.test(path)) functions.push(...functionsOf(path));
}
const longFunctions = functions.filter((f) => f.lines > MAX_FUNCTION_LINES);

if (process.argv.includes("--list")) {
  for (const f of [...functions].sort((a, b) => b.lines - a.lines).slice(0, 10))
    console.log(`${f.lines}\t${f.where}`);
}
for (const f of longFiles)
  console.error(`check:size: ${f.where} has ${f.lines} lines (at most ${MAX_FILE_LINES})`);
for (const f of longFunctions) {
  console.error(`check:size: ${f.where} is ${f.lines} lines long (at most ${MAX_FUNCTION_LINES})`);
}
if (longFiles.length + longFunctions.length > 0) process.exit(1);
console.log(
  `check:size: ${files.length} files within ${MAX_FILE_LINES} lines, ${functions.length} functions within ${MAX_FUNCTION_LINES}`,
);
