/**
 * `npm run pack:packages`: the two small packages cut from the built tree, for users who need less than the CLI.
 *   @masko-contract/client     the typed client, the generated types and the policies (needs only openapi-fetch)
 *   @masko-contract/simulator  the simulator and its MSW handlers (`/msw`; msw is the user's own, a peer)
 * Each holds exactly the built files its entry points reach (relative imports followed through the .js and the
 * .d.ts files alike) and depends on exactly the packages those files import, at the versions this repository pins.
 * `masko-contract` itself stays the one package that `npx masko-contract …` installs, with every command.
 * Writes dist/packages/<name>/ and, with `--pack DIR`, the tarballs into DIR; prints each package's file count.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, normalize, relative, resolve } from "node:path";
import ts from "typescript";

export type PackageCut = {
  name: string;
  description: string;
  /** Export path → built module (relative to dist/), without extension. */
  entries: Record<string, string>;
  /** Imported packages the user brings: peer dependencies, optional. */
  peers?: string[];
};

export const PACKAGES: PackageCut[] = [
  {
    name: "@masko-contract/client",
    description:
      "Typed client for the Masko REST API: generated types, auth, 429 back-off, typed errors, job waiting.",
    entries: { ".": "src/index" },
  },
  {
    name: "@masko-contract/simulator",
    description: "The stateful Masko API simulator, in process or as MSW handlers for front-end tests.",
    entries: { ".": "src/mock/simulator", "./msw": "src/msw/index" },
    peers: ["msw"],
  },
];

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pinned: Record<string, string> = { ...rootPackage.devDependencies, ...rootPackage.dependencies };

/** The package a bare specifier names (`msw/node` → `msw`, `@scope/x/y` → `@scope/x`). */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);

/** Every built file the entries reach, and every package those files import. */
export function closureOf(entries: string[]): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.flatMap((e) => [`${e}.js`, `${e}.d.ts`]);
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    if (!existsSync(join(dist, file)))
      throw new Error(`pack-packages: ${file} is not in dist/ (run npm run build)`);
    files.add(file);
    if (file.endsWith(".json")) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(join(dist, file), "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) {
        if (!isBuiltin(fileName)) packages.add(packageOf(fileName));
        continue;
      }
      const target = normalize(join(dirname(file), fileName));
      if (target.endsWith(".json")) pending.push(target);
      else if (file.endsWith(".d.ts")) pending.push(target.replace(/\.js$/, ".d.ts"));
      else pending.push(target);
    }
  }
  return { files: [...files].sort(), packages };
}

/** Writes one package's directory under dist/packages; answers it, its file count and its dependencies. */
export function cutPackage(cut: PackageCut): { out: string; fileCount: number; dependencies: string[] } {
  const out = join(dist, "packages", cut.name.replace("/", "+"));
  rmSync(out, { recursive: true, force: true });
  const { files, packages } = closureOf(Object.values(cut.entries));
  for (const file of files) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(join(dist, file), join(out, file));
  }
  const versionOf = (name: string) => {
    const version = pinned[name];
    if (!version)
      throw new Error(`pack-packages: ${cut.name} imports ${name}, which package.json does not pin`);
    return version;
  };
  const peers = cut.peers ?? [];
  const dependencies = Object.fromEntries(
    [...packages].filter((p) => !peers.includes(p)).map((p) => [p, versionOf(p)]),
  );
  const exportsMap = Object.fromEntries(
    Object.entries(cut.entries).map(([path, module]) => [
      path,
      { types: `./${module}.d.ts`, import: `./${module}.js`, default: `./${module}.js` },
    ]),
  );
  const subpaths = Object.entries(cut.entries).filter(([path]) => path !== ".");
  const main = cut.entries["."] as string;
  const manifest = {
    name: cut.name,
    version: rootPackage.version,
    description: cut.description,
    license: rootPackage.license,
    repository: rootPackage.repository,
    homepage: rootPackage.homepage,
    type: "module",
    engines: rootPackage.engines,
    sideEffects: false,
    main: `./${main}.js`,
    types: `./${main}.d.ts`,
    // Older TypeScript resolution (`moduleResolution: "node"`) reads subpath types from here.
    typesVersions: { "*": Object.fromEntries(subpaths.map(([p, m]) => [p.slice(2), [`./${m}.d.ts`]])) },
    exports: { ...exportsMap, "./package.json": "./package.json" },
    dependencies,
    ...(peers.length > 0 && {
      peerDependencies: Object.fromEntries(peers.map((p) => [p, `^${versionOf(p).split(".")[0]}.0.0`])),
      peerDependenciesMeta: Object.fromEntries(peers.map((p) => [p, { optional: true }])),
    }),
  };
  writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(root, "LICENSE"), join(out, "LICENSE"));
  writeFileSync(
    join(out, "README.md"),
    `# ${cut.name}\n\n${cut.description}\n\nPart of [masko-contract](${rootPackage.homepage}); ` +
      "the guides are in its docs. ESM only (`require()` works on Node ≥ 20.19, which loads ES modules).\n",
  );
  return { out, fileCount: files.length, dependencies: Object.keys(dependencies) };
}

if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  const packAt = process.argv.indexOf("--pack");
  const destination = packAt >= 0 ? resolve(process.argv[packAt + 1] ?? ".") : undefined;
  for (const cut of PACKAGES) {
    const { out, fileCount, dependencies } = cutPackage(cut);
    console.log(`${cut.name}: ${fileCount} files, depends on ${dependencies.join(", ") || "nothing"}`);
    if (destination) {
      mkdirSync(destination, { recursive: true });
      execFileSync("npm", ["pack", "--pack-destination", destination], { cwd: out, stdio: "ignore" });
      console.log(`  packed into ${relative(process.cwd(), destination) || "."}`);
    }
  }
}
