/** D6 — the request log is one line per request, with the client's control characters escaped. */
import { describe, expect, it } from "vitest";
import { escapeControls, formatLogLine } from "../../src/mock/transport/request-log.js";
import type { RunningServer } from "../../support/processes.js";
import { waitFor } from "../../support/processes.js";
import { startSimulatorProcess } from "../../support/simulator-process.js";

const line = (path: string) => ({ method: "GET", path, status: 404, durationMs: 1.25, keyId: undefined });

describe("request log lines", () => {
  it.each([
    ["a newline that would forge a line", "/v1/x\nGET /v1/credits 200 0.1ms key=forged", "\\x0a"],
    ["an escape sequence that would drive the terminal", "/v1/\u001b[2J", "\\x1b"],
    ["a NUL", "/v1/a\u0000b", "\\x00"],
    ["a carriage return", "/v1/a\rb", "\\x0d"],
    ["a C1 control", "/v1/a\u009bb", "\\x9b"],
    ["a Unicode line separator", "/v1/a\u2028b", "\\u2028"],
  ])("escapes %s in text and JSON", (_what, path, escaped) => {
    for (const format of ["text", "json"] as const) {
      const out = formatLogLine(line(path), format);
      expect(escapeControls(out)).toBe(out);
      expect(out.split("\n")).toHaveLength(1);
      if (format === "text") expect(out).toContain(escaped);
    }
  });

  it("keeps JSON lines parseable with the path as sent", () => {
    const path = "/v1/a\u001bb\u2028c";
    const parsed = JSON.parse(formatLogLine(line(path), "json"));
    expect(parsed).toMatchObject({ method: "GET", path, status: 404, duration_ms: 1.3, key_id: null });
  });

  it("leaves ordinary text alone", () => {
    expect(escapeControls("/v1/collections/ünïcödé-🦊")).toBe("/v1/collections/ünïcödé-🦊");
  });
});

describe("the simulator process log", () => {
  let server: RunningServer | undefined;

  it("writes one escaped line per request, as JSON with --log-format json", async () => {
    server = await startSimulatorProcess(["--log-format", "json"]);
    try {
      await fetch(`${server.baseUrl}/v1/x%0AGET%20%2Fv1%2Fcredits%20200%20forged%1B%5B2J`);
      await waitFor("the request's log line", () => server?.output().includes('"path":"/v1/x') === true);
      const lines = server
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{") && l.includes('"path":"/v1/x'));
      expect(lines).toHaveLength(1);
      const entry = JSON.parse(lines[0] as string);
      expect(entry.status).toBe(401);
      expect(server.output()).not.toContain(String.fromCharCode(0x1b));
      expect(server.output()).not.toMatch(/^GET \/v1\/credits 200 forged/m);
    } finally {
      await server.stop();
    }
  });
});
