/**
 * The mock servers a user would pick instead of the simulator, installed by the benchmark itself when missing,
 * at pinned versions, into bench/.peers/ (ignored by git): Mockoon CLI from npm, WireMock standalone from Maven
 * Central (its SHA-1 checked against the one Central publishes), run on Debian's Java 17.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./servers.js";

export const MOCKOON_VERSION = "9.9.0";
export const WIREMOCK_VERSION = "3.13.2";

const PEERS = join(root, "bench/.peers");
const CENTRAL = "https://repo1.maven.org/maven2/org/wiremock/wiremock-standalone";

/** Where each peer's entry point is. */
export interface Peers {
  mockoon: string;
  java: string;
  wiremockJar: string;
}

function installMockoon(): string {
  const dir = join(PEERS, `mockoon-${MOCKOON_VERSION}`);
  const bin = join(dir, "node_modules/.bin/mockoon-cli");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefix", dir, `@mockoon/cli@${MOCKOON_VERSION}`],
      { stdio: "inherit" },
    );
  }
  return bin;
}

function installJava(): string {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
  } catch {
    const asRoot = process.getuid?.() === 0;
    const apt = (...args: string[]) =>
      execFileSync(asRoot ? "apt-get" : "sudo", asRoot ? args : ["apt-get", ...args], {
        stdio: "inherit",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    apt("update");
    apt("install", "-y", "--no-install-recommends", "openjdk-17-jre-headless");
  }
  return "java";
}

async function installWireMock(): Promise<string> {
  const jar = join(PEERS, `wiremock-standalone-${WIREMOCK_VERSION}.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(PEERS, { recursive: true });
  const url = `${CENTRAL}/${WIREMOCK_VERSION}/wiremock-standalone-${WIREMOCK_VERSION}.jar`;
  const [bytes, sha1] = await Promise.all([
    fetch(url).then(async (r) => Buffer.from(await r.arrayBuffer())),
    fetch(`${url}.sha1`).then((r) => r.text()),
  ]);
  const actual = createHash("sha1").update(bytes).digest("hex");
  if (actual !== sha1.trim().slice(0, 40))
    throw new Error(`WireMock jar SHA-1 ${actual} is not Central's ${sha1}`);
  writeFileSync(jar, bytes);
  return jar;
}

/** Installs what is missing and returns the entry points. */
export async function ensurePeers(): Promise<Peers> {
  return { mockoon: installMockoon(), java: installJava(), wiremockJar: await installWireMock() };
}

/**
 * A WireMock root folder with one stub: GET /v1/credits answered with the bare server's body and headers
 * (bench/credits-body.json, bench/credits-headers.json), so every server of the run answers alike.
 */
export function wiremockRoot(dir: string): string {
  const mapping = {
    request: { method: "GET", url: "/v1/credits" },
    response: {
      status: 200,
      jsonBody: JSON.parse(readFileSync(join(root, "bench/credits-body.json"), "utf8")),
      headers: JSON.parse(readFileSync(join(root, "bench/credits-headers.json"), "utf8")),
    },
  };
  mkdirSync(join(dir, "mappings"), { recursive: true });
  writeFileSync(join(dir, "mappings/credits.json"), JSON.stringify(mapping));
  return dir;
}
