/**
 * The request log: one request, one line, safe for a terminal and for a log shipper. Control characters in what a
 * client chose (the path) are escaped, so `%0A` cannot forge a line and `%1B` cannot drive the terminal. Never
 * the key, only its id.
 */
import type { RequestLogLine } from "../simulator.js";

/** Log formats: `text` for people, `json` (one object per line) for shippers. */
export const LOG_FORMATS = ["text", "json"] as const;
/** One log format. */
export type LogFormat = (typeof LOG_FORMATS)[number];

// C0 and C1 controls, DEL, and the two Unicode line separators JavaScript treats as line ends.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with every control character written as a visible escape (`\x0a`, `\u2028`). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, "0")}`
      : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

/** One log line (without its newline). */
export function formatLogLine(line: RequestLogLine, format: LogFormat, at: Date = new Date()): string {
  if (format === "json") {
    // JSON.stringify escapes C0 controls; the rest are escaped here so the line stays one line everywhere.
    return escapeControls(
      JSON.stringify({
        time: at.toISOString(),
        method: line.method,
        path: line.path,
        status: line.status,
        duration_ms: Number(line.durationMs.toFixed(1)),
        key_id: line.keyId ?? null,
      }),
    );
  }
  return `${escapeControls(line.method)} ${escapeControls(line.path)} ${line.status} ${line.durationMs.toFixed(1)}ms key=${line.keyId ?? "-"}`;
}
