#!/usr/bin/env node
/**
 * `masko-contract <command>`: the toolkit's one command. Each command loads only what it needs, so `mock` starts
 * fast. `masko-contract <command> --help` lists a command's flags.
 */

const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<number | undefined> }> = {
  mock: {
    help: "start the stateful Masko simulator (or, with --prism, the Prism static mock)",
    run: async (args) => {
      (await import("./ensure-build.js")).ensureBuild();
      await (await import("./commands/mock.js")).runMock(args);
      return undefined;
    },
  },
  test: {
    help: "run the contract suite against any target (simulator, Prism, staging, production)",
    run: async (args) => (await import("./commands/test.js")).runTest(args),
  },
  load: {
    help: "prove the rate limits at their exact boundary under concurrency (loopback targets only)",
    run: async (args) => (await import("./commands/load.js")).runLoad(args),
  },
  parity: {
    help: "compare a deployment with the simulator; say which Inferred behaviours it confirms or contradicts",
    run: async (args) => (await import("./commands/parity.js")).runParity(args),
  },
  docs: {
    help: "write the documentation site (guides and API reference) to a folder",
    run: async (args) => (await import("./commands/docs.js")).runDocs(args),
  },
  spec: {
    help: "print or write the bundled OpenAPI spec",
    run: async (args) => (await import("./commands/spec.js")).runSpec(args),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.help}`);
  return [
    "Usage: masko-contract <command> [flags]",
    "",
    "Contract toolkit for the Masko REST API.",
    "",
    "Commands:",
    ...lines,
    "",
    "Run masko-contract <command> --help for a command's flags.",
    "",
  ].join("\n");
}

const [name, ...args] = process.argv.slice(2);
if (!name || name === "--help" || name === "-h" || name === "help") {
  process.stdout.write(usage());
} else {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`masko-contract: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    process.exit(2);
  }
  try {
    const code = await command.run(args);
    if (code !== undefined) process.exit(code);
  } catch (error) {
    process.stderr.write(`masko-contract ${name}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
