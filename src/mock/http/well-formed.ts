/**
 * What a JSON body must be before anything reads it. Nested at most `MAX_JSON_DEPTH` levels: the depth is counted
 * on the text before it is parsed (one pass, no recursion), so a 500,000-deep body costs one scan, not a parse and a
 * walk. And well-formed Unicode: a lone UTF-16 surrogate (`"\udc00"`) is valid JSON but not Unicode, and Redis' Lua
 * JSON decoder rejects it, so one such string would poison every later read of its record. Both are refused at the
 * door (400).
 */

/** How deeply objects and arrays may nest in a request body (the deepest documented body nests 5 levels). */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether JSON `text` nests objects and arrays deeper than `max` (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      // [ or {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--; // ] or }
  }
  return false;
}

/** The path of the first string (value or key) in `value` that is not well-formed Unicode, if any. */
export function illFormedAt(value: unknown): string | undefined {
  // Depth first with an explicit stack, in document order.
  const stack: Array<{ value: unknown; at: string }> = [{ value, at: "body" }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: v, at } = next;
    if (typeof v === "string") {
      if (LONE_SURROGATE.test(v)) return at;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], at: `${at}[${i}]` });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      for (const [key] of entries) {
        if (LONE_SURROGATE.test(key)) return at === "body" ? key : `${at}.${key}`;
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        stack.push({ value: item, at: at === "body" ? key : `${at}.${key}` });
      }
    }
  }
  return undefined;
}
